package dev.trainset.launcher.stream;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Ctrl-C and {@code kill} (SIGINT, SIGTERM: what a terminal, systemd, Kubernetes and Airflow send) as a request to stop
 * a stream with a savepoint, instead of the JVM's immediate shutdown, which would take the embedded Flink cluster, and
 * the records waiting for their window, with it. A shutdown hook cannot do this: Flink's own hooks tear the cluster down
 * at the same time. A second signal while stopping ends the process at once (the last checkpoint is kept).
 */
public final class StopSignals {
  private final CountDownLatch requested = new CountDownLatch(1);
  private final AtomicInteger received = new AtomicInteger();
  private volatile String name;

  private StopSignals() {}

  /** Installs the handlers for this process. */
  public static StopSignals install() {
    StopSignals s = new StopSignals();
    for (String signal : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(signal), sig -> s.receive("SIG" + sig.getName()));
      } catch (IllegalArgumentException e) {
        // a platform without this signal, or a JVM started with -Xrs: the default handling stays
      }
    }
    return s;
  }

  private void receive(String signal) {
    if (received.incrementAndGet() > 1) {
      System.err.println("trainset: " + signal + " again: stopping now, without a savepoint (the next run resumes from the last checkpoint)");
      Runtime.getRuntime().halt(130);
    }
    name = signal;
    requested.countDown();
  }

  /** Whether a stop was asked for, waiting up to {@code millis} for one. */
  public boolean await(long millis) throws InterruptedException {
    return requested.await(millis, TimeUnit.MILLISECONDS);
  }

  public boolean requested() {
    return requested.getCount() == 0;
  }

  /** The signal received ({@code SIGTERM}), or null. */
  public String signal() {
    return name;
  }
}
