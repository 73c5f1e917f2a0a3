package dev.trainset.transforms.split;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact split of every class, as rank ranges over the units of that class sorted by their seeded order key.
 *
 * <p>The algorithm (no step holds a class in one place):
 *
 * <ol>
 *   <li>{@link SplitHistogram}: units per (class, top 10 bits of the order key), built by a combine.
 *   <li>{@link Apportionment}: units per (class, split), exact (floor or ceil of each share).
 *   <li>Within a class, units sorted by (order, tieBreak) take ranks 0…n-1; split {@code j} takes the ranks {@code
 *       [B_j, B_j+1)} where {@code B} are the cumulative counts of the apportionment, in split order. A bucket whose
 *       rank range lies inside one split's range is <em>decided</em>: its units go there without being ranked. At
 *       most (splits − 1) buckets per class contain a boundary; only their units are ranked, by {@link #rankBucket}.
 * </ol>
 *
 * Membership depends only on the units' keys, the seed and the fractions: not on bundles, workers or runners.
 */
public final class SplitPlan implements Serializable {
  /** {@link #assign} result for a unit that must be ranked: {@code -(1 + boundaryId)}. */
  private final List<String> splits;
  private final List<BigDecimal> fractions;
  private final long seed;
  private final Apportionment apportionment;
  private final Map<String, Integer> classIndex;
  private final long[][] bucketStart; // per class, rank of the first unit of each bucket (BUCKETS + 1 entries)
  private final int[][] decided; // per class, per bucket: split index, or -1 for a boundary bucket
  private final long[][] boundaries; // per class: cumulative counts B_1..B_S
  private final boolean[] oneSplit; // per bucket: every class with units in it sends them all to the same split

  private SplitPlan(
      List<String> splits,
      List<BigDecimal> fractions,
      long seed,
      Apportionment apportionment,
      long[][] bucketStart,
      int[][] decided,
      long[][] boundaries) {
    this.splits = splits;
    this.fractions = fractions;
    this.seed = seed;
    this.apportionment = apportionment;
    this.classIndex = new HashMap<>();
    for (int i = 0; i < apportionment.classes().size(); i++) {
      classIndex.put(apportionment.classes().get(i), i);
    }
    this.bucketStart = bucketStart;
    this.decided = decided;
    this.boundaries = boundaries;
    this.oneSplit = new boolean[SplitHistogram.BUCKETS];
    for (int b = 0; b < SplitHistogram.BUCKETS; b++) {
      int split = -2;
      boolean one = true;
      for (int i = 0; i < decided.length && one; i++) {
        if (bucketStart[i][b + 1] == bucketStart[i][b]) {
          continue;
        }
        one = decided[i][b] >= 0 && (split == -2 || split == decided[i][b]);
        split = decided[i][b];
      }
      oneSplit[b] = one;
    }
  }

  /** A class with fewer units than there are splits. */
  public static final class TooFewUnits extends RuntimeException {
    public TooFewUnits(String message) {
      super(message);
    }
  }

  /**
   * @throws TooFewUnits when a class has fewer units than splits and {@code allowEmptySplitClasses} is false
   */
  public static SplitPlan of(
      SplitHistogram histogram, List<String> splits, List<BigDecimal> fractions, long seed, boolean allowEmptySplitClasses, String unitName) {
    TreeMap<String, Long> classCounts = histogram.classCounts();
    if (!allowEmptySplitClasses) {
      for (Map.Entry<String, Long> e : classCounts.entrySet()) {
        if (e.getValue() < splits.size()) {
          throw new TooFewUnits(
              "class '" + e.getKey() + "' has " + e.getValue() + " " + unitName + (e.getValue() == 1 ? "" : "s")
                  + ", fewer than the " + splits.size() + " splits " + splits
                  + "; add data, merge the class, or set split.allowEmptySplitClasses: true");
        }
      }
    }
    Apportionment a = Apportionment.compute(classCounts, fractions, seed);
    int c = a.classes().size();
    int s = splits.size();
    long[][] starts = new long[c][];
    int[][] decided = new int[c][];
    long[][] bounds = new long[c][];
    for (int i = 0; i < c; i++) {
      long[] counts = a.counts(i);
      bounds[i] = new long[s];
      long cum = 0;
      for (int j = 0; j < s; j++) {
        cum += counts[j];
        bounds[i][j] = cum;
      }
      long[] buckets = histogram.buckets(a.classes().get(i));
      starts[i] = new long[SplitHistogram.BUCKETS + 1];
      decided[i] = new int[SplitHistogram.BUCKETS];
      for (int b = 0; b < SplitHistogram.BUCKETS; b++) {
        starts[i][b + 1] = starts[i][b] + buckets[b];
        long first = starts[i][b];
        long last = starts[i][b + 1] - 1;
        int js = splitOfRank(bounds[i], first);
        decided[i][b] = buckets[b] == 0 || js == splitOfRank(bounds[i], last) ? js : -1;
      }
    }
    return new SplitPlan(List.copyOf(splits), List.copyOf(fractions), seed, a, starts, decided, bounds);
  }

  private static int splitOfRank(long[] bounds, long rank) {
    for (int j = 0; j < bounds.length; j++) {
      if (rank < bounds[j]) {
        return j;
      }
    }
    return bounds.length - 1;
  }

  /**
   * The split of a unit whose bucket is decided (≥ 0), or {@code -(1 + boundaryId)} when the unit must be ranked
   * within its bucket ({@link #rankBucket}).
   */
  public int assign(String cls, long order) {
    Integer i = classIndex.get(cls);
    if (i == null) {
      throw new IllegalStateException("class '" + cls + "' was not counted by the split histogram");
    }
    int b = SplitHistogram.bucket(order);
    int d = decided[i][b];
    return d >= 0 ? d : -(1 + i * SplitHistogram.BUCKETS + b);
  }

  /**
   * Splits for the units of one boundary bucket.
   *
   * @param boundaryId from {@link #assign}: {@code -(result) - 1}
   * @param orders the units' order keys
   * @param ties the units' tie-break keys
   * @return the split of each unit, in the given positions
   */
  public int[] rankBucket(int boundaryId, long[] orders, long[] ties) {
    int i = boundaryId / SplitHistogram.BUCKETS;
    int b = boundaryId % SplitHistogram.BUCKETS;
    Integer[] idx = new Integer[orders.length];
    for (int k = 0; k < idx.length; k++) {
      idx[k] = k;
    }
    Arrays.sort(idx, (x, y) -> SplitUnit.compare(orders[x], ties[x], orders[y], ties[y]));
    int[] out = new int[orders.length];
    for (int r = 0; r < idx.length; r++) {
      out[idx[r]] = splitOfRank(boundaries[i], bucketStart[i][b] + r);
    }
    return out;
  }

  /**
   * Whether all units whose order key falls in {@code bucket} go to one split, whatever their class: the bucket is
   * decided (not a boundary) in every class that has units in it, and all those classes send it to the same split.
   * When the order key depends on a unit's features alone, units with equal features share a bucket, so outside such
   * buckets they can never be in two splits ({@link CountLeakage} skips them).
   */
  public boolean inOneSplit(int bucket) {
    return oneSplit[bucket];
  }

  public List<String> splits() {
    return splits;
  }

  public List<BigDecimal> fractions() {
    return fractions;
  }

  public long seed() {
    return seed;
  }

  public Apportionment apportionment() {
    return apportionment;
  }

  /** Units per split. */
  public long[] totals() {
    return apportionment.totals();
  }
}
