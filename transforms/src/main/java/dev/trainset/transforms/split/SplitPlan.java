package dev.trainset.transforms.split;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact split of every class, decided before any row is written, from a histogram of units per (class, bucket)
 * counted by an earlier pass.
 *
 * <p>The order of a class's units: by bucket (the top {@link #BITS} bits of the unit's seeded order key, a hash of its
 * features), then by position in the input (slice, then record). Split {@code j} takes the ranks {@code [B_j,
 * B_j+1)} of that order, where {@code B} are the cumulative counts of the {@link Apportionment}. So:
 *
 * <ul>
 *   <li>a bucket whose ranks lie inside one split's range is <em>decided</em>: its units go there whatever their
 *       position;
 *   <li>at most {@code splits − 1} buckets per class hold a cut; a unit there takes its rank in the bucket from the
 *       number of the bucket's units in earlier slices ({@link #sliceOffsets}, counted by the same pass) plus those
 *       before it in its own slice.
 * </ul>
 *
 * Membership depends only on the input (its rows and their order), the seed and the fractions: not on bundles, workers
 * or runners, and no unit waits for another.
 */
public final class SplitPlan implements Serializable {
  private static final long serialVersionUID = 2L;
  public static final int BITS = 12;
  public static final int BUCKETS = 1 << BITS;
  /** What a run's manifest records as the order the split uses. */
  public static final String ORDER = "bucket" + BITS + "-then-input-order (" + ValueHash.VERSION + ")";

  private final List<String> splits;
  private final List<BigDecimal> fractions;
  private final long seed;
  private final String unitName;
  private final Apportionment apportionment;
  private final Map<String, Integer> classIndex;
  private final int[][] cutBucket; // per class, per cut j: the bucket holding rank B_j (BUCKETS: after the last)
  private final long[][] cutOffset; // per class, per cut j: units of that bucket before the cut
  private final Map<Long, Integer> boundaryIds; // (class << BITS | bucket) -> id, for buckets a cut falls inside
  private final int[] boundaryClass;
  private final int[] boundaryBucket;
  private final boolean[] oneSplit;

  /** A class with fewer units than there are splits. */
  public static final class TooFewUnits extends RuntimeException {
    public TooFewUnits(String message) {
      super(message);
    }
  }

  private SplitPlan(
      List<String> splits, List<BigDecimal> fractions, long seed, String unitName, Apportionment apportionment,
      int[][] cutBucket, long[][] cutOffset, Map<Long, Integer> boundaryIds, boolean[] oneSplit) {
    this.splits = List.copyOf(splits);
    this.fractions = List.copyOf(fractions);
    this.seed = seed;
    this.unitName = unitName;
    this.apportionment = apportionment;
    this.classIndex = new HashMap<>();
    for (int i = 0; i < apportionment.classes().size(); i++) {
      classIndex.put(apportionment.classes().get(i), i);
    }
    this.cutBucket = cutBucket;
    this.cutOffset = cutOffset;
    this.boundaryIds = boundaryIds;
    this.boundaryClass = new int[boundaryIds.size()];
    this.boundaryBucket = new int[boundaryIds.size()];
    boundaryIds.forEach((k, id) -> {
      boundaryClass[id] = (int) (k >>> BITS);
      boundaryBucket[id] = (int) (k & (BUCKETS - 1));
    });
    this.oneSplit = oneSplit;
  }

  public static int bucket(long order) {
    return (int) (order >>> (64 - BITS));
  }

  /**
   * @param histogram units per class and bucket, over the whole input
   * @throws TooFewUnits when a class has fewer units than splits and {@code allowEmptySplitClasses} is false
   */
  public static SplitPlan of(
      Map<String, long[]> histogram, List<String> splits, List<BigDecimal> fractions, long seed,
      boolean allowEmptySplitClasses, String unitName) {
    TreeMap<String, Long> classCounts = new TreeMap<>();
    histogram.forEach((cls, b) -> classCounts.put(cls, Arrays.stream(b).sum()));
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
    int[][] cutBucket = new int[c][s - 1];
    long[][] cutOffset = new long[c][s - 1];
    Map<Long, Integer> ids = new java.util.LinkedHashMap<>();
    int[][] decided = new int[c][BUCKETS];
    for (int i = 0; i < c; i++) {
      long[] buckets = histogram.get(a.classes().get(i));
      long[] counts = a.counts(i);
      long cum = 0;
      for (int j = 0; j < s - 1; j++) {
        cum += counts[j];
        // the bucket holding rank cum (the first unit of split j+1)
        long start = 0;
        int b = 0;
        while (b < BUCKETS && start + buckets[b] <= cum) {
          start += buckets[b];
          b++;
        }
        cutBucket[i][j] = b;
        cutOffset[i][j] = cum - start;
        if (b < BUCKETS && cutOffset[i][j] > 0) {
          ids.putIfAbsent(((long) i << BITS) | b, ids.size());
        }
      }
      for (int b = 0; b < BUCKETS; b++) {
        decided[i][b] = decide(cutBucket[i], cutOffset[i], b, ids.containsKey(((long) i << BITS) | b));
      }
    }
    boolean[] oneSplit = new boolean[BUCKETS];
    for (int b = 0; b < BUCKETS; b++) {
      int split = -2;
      boolean one = true;
      for (int i = 0; i < c && one; i++) {
        if (histogram.get(a.classes().get(i))[b] == 0) {
          continue;
        }
        one = decided[i][b] >= 0 && (split == -2 || split == decided[i][b]);
        split = decided[i][b];
      }
      oneSplit[b] = one;
    }
    return new SplitPlan(splits, fractions, seed, unitName, a, cutBucket, cutOffset, ids, oneSplit);
  }

  /** The split of every unit of a bucket, or -1 when a cut falls inside it. */
  private static int decide(int[] cutBucket, long[] cutOffset, int b, boolean boundary) {
    if (boundary) {
      return -1;
    }
    int split = 0;
    for (int j = 0; j < cutBucket.length; j++) {
      if (cutBucket[j] < b || (cutBucket[j] == b && cutOffset[j] == 0)) {
        split++;
      }
    }
    return split;
  }

  /** The index of a class, or -1 when the plan did not count it. */
  public int classIndex(String cls) {
    Integer i = classIndex.get(cls);
    return i == null ? -1 : i;
  }

  /** Buckets a cut falls inside, over all classes: the units whose rank in their bucket decides their split. */
  public int boundaries() {
    return boundaryIds.size();
  }

  /**
   * The split of a unit of class {@code cls} in bucket {@code bucket}, or {@code -(1 + boundary id)} when its rank in
   * the bucket decides it ({@link #rankedSplit}).
   */
  public int assign(int cls, int bucket) {
    Integer id = boundaryIds.get(((long) cls << BITS) | bucket);
    if (id != null) {
      return -(1 + id);
    }
    return decide(cutBucket[cls], cutOffset[cls], bucket, false);
  }

  /** The split of the unit of rank {@code rank} (0-based, input order) in a boundary bucket. */
  public int rankedSplit(int boundaryId, long rank) {
    int cls = boundaryClass[boundaryId];
    int b = boundaryBucket[boundaryId];
    int split = 0;
    for (int j = 0; j < cutBucket[cls].length; j++) {
      if (cutBucket[cls][j] < b || (cutBucket[cls][j] == b && cutOffset[cls][j] <= rank)) {
        split++;
      }
    }
    return split;
  }

  /**
   * Where each slice's units of each boundary bucket start: {@code offsets[s][id]} = the units of boundary {@code id}
   * in slices before {@code s}.
   *
   * @param perSlice per slice (in slice order), units per class and bucket
   */
  public long[][] sliceOffsets(List<Map<String, long[]>> perSlice) {
    long[][] out = new long[perSlice.size()][boundaries()];
    long[] running = new long[boundaries()];
    for (int s = 0; s < perSlice.size(); s++) {
      out[s] = running.clone();
      Map<String, long[]> h = perSlice.get(s);
      for (int id = 0; id < boundaries(); id++) {
        long[] b = h.get(apportionment.classes().get(boundaryClass[id]));
        if (b != null) {
          running[id] += b[boundaryBucket[id]];
        }
      }
    }
    return out;
  }

  /**
   * Assigns the units of one slice, in input order: a decided bucket's units by table lookup, a boundary bucket's by
   * their rank (the slice's offset plus the units of that bucket seen so far in the slice).
   *
   * @param offsets this slice's row of {@link #sliceOffsets}
   */
  public Assigner assigner(long[] offsets) {
    if (offsets.length != boundaries()) {
      throw new IllegalArgumentException("expected " + boundaries() + " boundary offsets, got " + offsets.length);
    }
    return new Assigner(offsets.clone());
  }

  /** Assigns units of one slice; not thread-safe. */
  public final class Assigner {
    private final long[] next;
    private final byte[][] decided = new byte[apportionment.classes().size()][];

    private Assigner(long[] next) {
      this.next = next;
    }

    /** The split of the next unit of class {@code cls} (from {@link #classIndex}) with this order key. */
    public int assign(int cls, long order) {
      byte[] d = decided[cls];
      if (d == null) {
        d = new byte[BUCKETS];
        for (int b = 0; b < BUCKETS; b++) {
          int a = SplitPlan.this.assign(cls, b);
          d[b] = (byte) (a >= 0 ? a : -1);
        }
        decided[cls] = d;
      }
      int b = bucket(order);
      int split = d[b];
      if (split >= 0) {
        return split;
      }
      int id = -SplitPlan.this.assign(cls, b) - 1;
      return rankedSplit(id, next[id]++);
    }
  }

  /**
   * Whether all units whose order key falls in {@code bucket} go to one split, whatever their class: the bucket holds
   * no cut in any class that has units in it, and all those classes send it to the same split. Units with equal
   * features share a bucket, so outside such buckets equal features are never in two splits.
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

  public String unitName() {
    return unitName;
  }

  public Apportionment apportionment() {
    return apportionment;
  }

  /** Units per split. */
  public long[] totals() {
    return apportionment.totals();
  }
}
