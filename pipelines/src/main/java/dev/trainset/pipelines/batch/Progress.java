package dev.trainset.pipelines.batch;

import dev.trainset.transforms.slice.LocalProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The progress line a run prints every few seconds while a pass runs. In this JVM (the launcher's threads, the
 * DirectRunner, embedded Flink) it reads the counts the slices keep ({@link LocalProgress}): records read, written
 * and rejected, the rate, and the time left when the records to read are known. On a cluster it asks the cluster for
 * the slices finished ({@link ClusterProgress}) and estimates the records from them.
 */
final class Progress implements AutoCloseable {
  static final long EVERY_MILLIS = 5_000;

  /** Where progress lines go (null: nowhere), and how the cluster, if the run has one, reports a job's slices. */
  record Out(Consumer<String> lines, ClusterProgress cluster) {
    void line(String s) {
      if (lines != null) {
        lines.accept(s);
      }
    }
  }

  /** One look at a pass: the records so far (-1: not known), and the slices finished (-1: not known). */
  private record Sample(long read, long written, long rejected, long slicesDone) {}

  private interface Sampler {
    Sample sample();
  }

  private final Thread thread;
  private final Runnable release;

  private Progress(Thread thread, Runnable release) {
    this.thread = thread;
    this.release = release;
  }

  /**
   * Follows a pass that runs in this JVM; closing it also drops the pass's counters ({@link LocalProgress}).
   *
   * @param total the records the pass will read, or 0 when not known
   */
  static Progress local(String key, String what, long total, Out out) {
    return local(key, what, total, out, EVERY_MILLIS);
  }

  static Progress local(String key, String what, long total, Out out, long everyMillis) {
    Thread t = start(what, total, 0, out, everyMillis, () -> {
      AtomicLongArray c = LocalProgress.of(key);
      return new Sample(c.get(0), c.get(1), c.get(2), -1);
    });
    return new Progress(t, () -> {
      if (t != null) {
        try {
          t.join(); // its last look must not bring the counters back
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      LocalProgress.remove(key);
    });
  }

  /**
   * Follows a job on a cluster by the slices it has finished.
   *
   * @param slices the job's slices
   * @param total the records the job will read, or 0 when not known
   */
  static Progress cluster(String jobName, String what, int slices, long total, Out out) {
    return cluster(jobName, what, slices, total, out, EVERY_MILLIS);
  }

  static Progress cluster(String jobName, String what, int slices, long total, Out out, long everyMillis) {
    ClusterProgress cluster = out.cluster();
    if (cluster == null) {
      return new Progress(null, () -> {});
    }
    LongSupplier done = cluster.follow(jobName);
    return new Progress(start(what, total, slices, out, everyMillis, () -> new Sample(-1, -1, -1, done.getAsLong())), () -> {});
  }

  /** The thread that prints the lines, or null when they go nowhere. */
  private static Thread start(String what, long total, int slices, Out out, long everyMillis, Sampler sampler) {
    if (out == null || out.lines() == null) {
      return null;
    }
    Thread t = new Thread(() -> loop(what, total, slices, everyMillis, out.lines(), sampler), "trainset-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void loop(String what, long total, int slices, long everyMillis, Consumer<String> out, Sampler sampler) {
    Instant start = Instant.now();
    Instant last = start;
    double lastDone = 0;
    while (true) {
      try {
        Thread.sleep(everyMillis);
      } catch (InterruptedException e) {
        return;
      }
      Sample s;
      try {
        s = sampler.sample();
      } catch (RuntimeException e) {
        continue; // a cluster that does not answer this time: no line, try again
      }
      if (s.slicesDone() < 0 && s.read() < 0) {
        continue;
      }
      Instant now = Instant.now();
      double secs = Math.max(1e-3, Duration.between(last, now).toMillis() / 1000.0);
      double elapsed = Math.max(1e-3, Duration.between(start, now).toMillis() / 1000.0);
      String line;
      double done;
      double of;
      if (s.read() >= 0) {
        done = s.read();
        of = total;
        line = String.format(
            "progress (%s): %,d records read, %,d written, %,d rejected, %,.0f records/s",
            what, s.read(), s.written(), s.rejected(), (done - lastDone) / secs);
      } else {
        done = s.slicesDone();
        of = slices;
        line = String.format("progress (%s): %,d of %,d slices done", what, s.slicesDone(), slices);
        if (total > 0 && done > 0) {
          long records = Math.round(total * done / slices);
          // A cluster refreshes its metrics every few seconds (Flink: 10 s), so the rate is the average so far.
          line += String.format(", about %,d records, %,.0f records/s", records, records / elapsed);
        }
      }
      // No estimate from the first percent: a runner's start-up would make it absurd.
      if (of > 0 && done >= of / 100 && done < of) {
        line += String.format(", about %.0f s left", elapsed * (of - done) / done);
      }
      out.accept(line);
      last = now;
      lastDone = done;
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
    release.run();
  }
}
