package dev.trainset.transforms.split;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Units per (class, bucket), where the bucket is the top {@link #BITS} bits of the unit's seeded order key. Mergeable,
 * so a combine builds it from partial histograms without moving any unit. 1,024 buckets: a boundary bucket holds about
 * 0.1% of its class, and only those units are ever ranked one by one.
 */
public final class SplitHistogram implements Serializable {
  public static final int BITS = 10;
  public static final int BUCKETS = 1 << BITS;

  private final HashMap<String, long[]> counts = new HashMap<>();

  public static int bucket(long order) {
    return (int) (order >>> (64 - BITS));
  }

  public void add(String cls, long order) {
    counts.computeIfAbsent(cls, k -> new long[BUCKETS])[bucket(order)]++;
  }

  public SplitHistogram merge(SplitHistogram other) {
    for (Map.Entry<String, long[]> e : other.counts.entrySet()) {
      long[] mine = counts.computeIfAbsent(e.getKey(), k -> new long[BUCKETS]);
      long[] theirs = e.getValue();
      for (int b = 0; b < BUCKETS; b++) {
        mine[b] += theirs[b];
      }
    }
    return this;
  }

  /** Class → units, sorted by class. */
  public TreeMap<String, Long> classCounts() {
    TreeMap<String, Long> m = new TreeMap<>();
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      long n = 0;
      for (long c : e.getValue()) {
        n += c;
      }
      m.put(e.getKey(), n);
    }
    return m;
  }

  /** The bucket counts of a class (a copy; zeros for an unknown class). */
  public long[] buckets(String cls) {
    long[] b = counts.get(cls);
    return b == null ? new long[BUCKETS] : b.clone();
  }
}
