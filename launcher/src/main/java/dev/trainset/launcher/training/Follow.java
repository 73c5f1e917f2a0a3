package dev.trainset.launcher.training;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Polls a job until it ends: the first pauses are short (1 s, doubling) and grow to {@code maxPauseSeconds}; each
 * change of status or secondary status is reported once.
 */
final class Follow {
  private Follow() {}

  static JobStatus until(Supplier<JobStatus> poll, double maxPauseSeconds, Consumer<String> report) {
    long pause = Math.min(1000, (long) (maxPauseSeconds * 1000));
    long max = Math.max(1, (long) (maxPauseSeconds * 1000));
    String last = null;
    while (true) {
      JobStatus s = poll.get();
      String now = s.status() + (s.detail() == null ? "" : " (" + s.detail() + ")");
      if (!Objects.equals(now, last)) {
        report.accept("status: " + now);
        last = now;
      }
      if (s.terminal()) {
        return s;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while following the job", e);
      }
      pause = Math.min(max, pause * 2);
    }
  }
}
