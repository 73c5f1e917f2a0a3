package dev.trainset.pipelines.batch;

import dev.trainset.transforms.slice.LocalProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * The progress line a run prints every few seconds while a pass runs: records read, written and rejected, the rate,
 * and an estimate of the time left when the records to read are known. It reads the counts the slices keep in this
 * JVM ({@link LocalProgress}): a run on the DirectRunner or embedded Flink has them; a run on a remote cluster prints
 * none (the cluster's own UI shows its progress).
 */
final class Progress implements AutoCloseable {
  static final long EVERY_MILLIS = 5_000;

  private final Thread thread;

  private Progress(Thread thread) {
    this.thread = thread;
  }

  /**
   * @param total the records the pass will read, or 0 when not known
   */
  static Progress start(String key, String what, Consumer<String> out) {
    return start(key, what, 0, out);
  }

  static Progress start(String key, String what, long total, Consumer<String> out) {
    if (out == null) {
      return new Progress(null);
    }
    Thread t = new Thread(() -> loop(key, what, total, out), "trainset-progress");
    t.setDaemon(true);
    t.start();
    return new Progress(t);
  }

  private static void loop(String key, String what, long total, Consumer<String> out) {
    Instant start = Instant.now();
    Instant last = start;
    long lastRead = 0;
    while (true) {
      try {
        Thread.sleep(EVERY_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      AtomicLongArray c = LocalProgress.of(key);
      long read = c.get(0);
      Instant now = Instant.now();
      double secs = Math.max(1e-3, Duration.between(last, now).toMillis() / 1000.0);
      double rate = (read - lastRead) / secs;
      String line = String.format(
          "progress (%s): %,d records read, %,d written, %,d rejected, %,.0f records/s", what, read, c.get(1), c.get(2), rate);
      if (total > 0 && read > 0 && read < total) {
        double elapsed = Duration.between(start, now).toMillis() / 1000.0;
        line += String.format(", about %.0f s left", elapsed * (total - read) / read);
      }
      out.accept(line);
      last = now;
      lastRead = read;
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
