package dev.trainset.transforms.slice;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records read, written and rejected so far by the slices of one run, in this JVM. Beam's metrics cannot be queried
 * while a Flink job runs, so a run on the DirectRunner or on embedded Flink (both in the launcher's JVM) reads its
 * progress here; each run has its own key (its job name), so runs never see each other's counts.
 */
public final class LocalProgress {
  private static final ConcurrentHashMap<String, AtomicLongArray> RUNS = new ConcurrentHashMap<>();

  private LocalProgress() {}

  /** The counters of a run: read, written, rejected. */
  public static AtomicLongArray of(String run) {
    return RUNS.computeIfAbsent(run, k -> new AtomicLongArray(3));
  }

  public static void add(String run, long read, long written, long rejected) {
    AtomicLongArray a = of(run);
    a.addAndGet(0, read);
    a.addAndGet(1, written);
    a.addAndGet(2, rejected);
  }

  /** Forgets a finished run. */
  public static void remove(String run) {
    RUNS.remove(run);
  }
}
