package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * A run killed midway (SIGKILL while its Parquet files are being written, as a scheduler's timeout or a lost node
 * would) leaves no _SUCCESS, no manifest and no partial file at a final path (temporary files live in
 * .temp-trainset-* folders); retrying the same run id works without --overwrite, and another run id is still refused.
 */
public class InterruptedRunIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(240);
  private static final ObjectMapper JSON = new ObjectMapper();

  private List<String> command(File in, File out, String runId) {
    return new ArrayList<>(
        List.of("java", "-jar", System.getProperty("trainset.jar"), "run", "--input", in.toString(), "--output", out.toString(), "--run-id", runId));
  }

  private static boolean writingParquet(File out) {
    File[] temps = out.listFiles((d, n) -> n.startsWith(".temp-trainset-"));
    if (temps == null || temps.length == 0) {
      return false;
    }
    File[] parts = temps[0].listFiles();
    return parts != null && parts.length > 0;
  }

  private static List<String> filesUnder(File dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir.toPath())) {
      return s.filter(Files::isRegularFile).map(f -> dir.toPath().relativize(f).toString()).sorted().toList();
    }
  }

  @Test
  public void killedRun_leavesNoSuccess_andTheSameRunIdRerunsWithoutOverwrite() throws Exception {
    File in = tmp.newFile("big.csv");
    try (BufferedWriter w = Files.newBufferedWriter(in.toPath(), StandardCharsets.UTF_8)) {
      w.write("id,a,b,label\n");
      for (int i = 0; i < 600_000; i++) {
        // Every 10,000th record has a field too many: 60 rejects, spread over the file.
        String extra = i % 10_000 == 5_000 ? ",extra" : "";
        w.write(i + "," + (i % 997) * 0.5 + "," + (i * 7919L % 10007) + "," + (i % 3 == 0 ? "x" : "y") + extra + "\n");
      }
    }
    File out = new File(tmp.getRoot(), "out");

    Process p = new ProcessBuilder(command(in, out, "r1")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.currentTimeMillis() + 120_000;
    while (!writingParquet(out) && p.isAlive() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue("the run was killed while writing (it had not finished)", p.isAlive() && writingParquet(out));
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    assertFalse(new File(out, "_SUCCESS").exists());
    assertFalse(new File(out, "manifest.json").exists());
    // Files are written under temporary names outside the final folders and renamed into place only when complete:
    // whatever the kill left at a final path is a whole file (the rejected records may already be complete).
    for (String f : filesUnder(out)) {
      if (f.startsWith(".temp-trainset-") || f.startsWith("_trainset/")) {
        continue;
      }
      assertTrue("not a final file: " + f, f.matches("rejected/part-\\d{5}\\.jsonl|data/parquet/part-\\d{5}\\.parquet"));
      if (f.startsWith("rejected/")) {
        for (String line : Files.readAllLines(new File(out, f).toPath())) {
          assertTrue(f + ": " + line, JSON.readTree(line).has("reason"));
        }
      }
    }

    // Another run id does not get to delete what r1 left.
    Process other = new ProcessBuilder(command(in, out, "r2")).redirectErrorStream(true).start();
    String otherOut = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(other.waitFor(60, TimeUnit.SECONDS));
    assertEquals(otherOut, 2, other.exitValue());

    // The retry of r1 clears the partial output and completes.
    Process retry = new ProcessBuilder(command(in, out, "r1")).redirectErrorStream(true).start();
    String retryOut = new String(retry.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(retry.waitFor(120, TimeUnit.SECONDS));
    assertEquals(retryOut, 0, retry.exitValue());
    assertTrue(retryOut, retryOut.contains("an earlier run r1 was interrupted; clearing its partial output and running again"));
    assertTrue(new File(out, "_SUCCESS").exists());
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals(600_000 - 60, m.at("/counts/written").asLong());
    assertEquals(60, m.at("/counts/rejected").asLong());
    long rejectLines = 0;
    for (String f : filesUnder(new File(out, "rejected"))) {
      rejectLines += Files.readAllLines(new File(out, "rejected/" + f).toPath()).size();
    }
    assertEquals(60, rejectLines);
    assertEquals(List.of(), filesUnder(out).stream().filter(f -> f.contains(".temp")).toList());
  }
}
