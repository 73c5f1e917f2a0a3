package dev.trainset.pipelines.batch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import dev.trainset.transforms.slice.LocalProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/** The progress lines a run prints while a pass runs, in this JVM and on a cluster. */
public class ProgressTest {
  private static String next(BlockingQueue<String> lines) throws InterruptedException {
    String line = lines.poll(10, TimeUnit.SECONDS);
    assertNotNull("no progress line", line);
    return line;
  }

  @Test
  public void inThisJvm_linesGiveTheSlicesCounts_theRate_andTheTimeLeftWhenTheTotalIsKnown() throws Exception {
    String key = "progress-test-" + System.nanoTime();
    LocalProgress.add(key, 1_500, 1_490, 10);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    try (Progress p = Progress.local(key, "writing", 3_000, new Progress.Out(lines::add, null), 50)) {
      assertThat(
          next(lines),
          matchesPattern("progress \\(writing\\): 1,500 records read, 1,490 written, 10 rejected, [0-9,]+ records/s, about \\d+ s left"));
      LocalProgress.add(key, 1_500, 1_500, 0);
      String line = next(lines);
      while (!line.contains("3,000 records read")) {
        line = next(lines);
      }
      // All read: no time left to estimate.
      assertThat(line, matchesPattern("progress \\(writing\\): 3,000 records read, 2,990 written, 10 rejected, [0-9,]+ records/s"));
      p.close();
      // Closing drops the pass's counters: a new pass under the same key starts from nothing.
      assertEquals(0, LocalProgress.of(key).get(0));
    } finally {
      LocalProgress.remove(key);
    }
  }

  @Test
  public void onACluster_linesCountTheFinishedSlices_andEstimateTheRecordsFromThem() throws Exception {
    long[] answers = {-1, 0, 3, 12};
    AtomicInteger asked = new AtomicInteger();
    List<String> followed = new ArrayList<>();
    ClusterProgress cluster = name -> {
      followed.add(name);
      return () -> answers[Math.min(asked.getAndIncrement(), answers.length - 1)];
    };
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    try (Progress p = Progress.cluster("trainset-ingest-r1", "writing", 12, 1_200, new Progress.Out(lines::add, cluster), 50)) {
      // The first answer (-1: the cluster does not know the job yet) prints nothing.
      assertEquals("progress (writing): 0 of 12 slices done", next(lines));
      assertThat(next(lines), matchesPattern("progress \\(writing\\): 3 of 12 slices done, about 300 records, [0-9,]+ records/s, about \\d+ s left"));
      assertThat(next(lines), matchesPattern("progress \\(writing\\): 12 of 12 slices done, about 1,200 records, [0-9,]+ records/s"));
    }
    assertEquals(List.of("trainset-ingest-r1"), followed);
  }

  @Test
  public void onAClusterThatCannotBeAsked_printsNothing() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    try (Progress p = Progress.cluster("j", "reading", 4, 0, new Progress.Out(lines::add, null), 20)) {
      Thread.sleep(200);
    }
    assertEquals(List.of(), new ArrayList<>(lines));
  }
}
