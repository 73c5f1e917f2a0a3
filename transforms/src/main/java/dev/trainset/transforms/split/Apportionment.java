package dev.trainset.transforms.split;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many units (rows, or groups) of each class go to each split: a controlled rounding of {@code n_c · p_s}.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>every cell is {@code floor} or {@code ceil} of {@code n_c · p_s} (exact decimal arithmetic, so 0.29 · 100 is
 *       29, not 28.999…), and the cells of a class sum to {@code n_c};
 *   <li>the split totals are as close to {@code N · p_s} as rule 1 allows: targets {@code T_s} are the
 *       largest-remainder apportionment of {@code N}, and each class's extra units (the {@code n_c - Σ floor} left
 *       after flooring) are placed so that every split reaches its target;
 *   <li>among the placements that satisfy rules 1–2, larger remainders win, and equal remainders are ordered by a
 *       hash of (seed, class, split): the seed breaks ties, never the order of the data.
 * </ol>
 *
 * Placing the extra units is a bipartite b-matching (classes need {@code R_c} distinct splits whose cell has a
 * remainder; split {@code s} can take {@code T_s - Σ_c floor}). It is solved greedily by preference and completed with
 * augmenting paths (a class that cannot place its unit displaces another class's unit to a split with room). A
 * feasible placement exists for two-way tables (Cox 1987); if rounding pushed the targets outside it, the split
 * closest below its exact share takes the extra unit.
 */
public final class Apportionment implements java.io.Serializable {
  private final List<String> classes;
  private final long[][] counts;
  private final long[] targets;

  private Apportionment(List<String> classes, long[][] counts, long[] targets) {
    this.classes = classes;
    this.counts = counts;
    this.targets = targets;
  }

  /**
   * @param classCounts units per class (any order: classes are sorted by key)
   * @param fractions one fraction per split, summing to 1
   * @param seed breaks ties
   */
  public static Apportionment compute(Map<String, Long> classCounts, List<BigDecimal> fractions, long seed) {
    TreeMap<String, Long> sorted = new TreeMap<>(classCounts);
    List<String> classes = new ArrayList<>(sorted.keySet());
    int c = classes.size();
    int s = fractions.size();
    long[][] cells = new long[c][s];
    BigDecimal[][] rem = new BigDecimal[c][s];
    long[] need = new long[c];
    long total = 0;
    long[] floorSum = new long[s];
    for (int i = 0; i < c; i++) {
      long n = sorted.get(classes.get(i));
      total += n;
      long assigned = 0;
      for (int j = 0; j < s; j++) {
        BigDecimal exact = fractions.get(j).multiply(BigDecimal.valueOf(n));
        BigDecimal fl = exact.setScale(0, RoundingMode.FLOOR);
        cells[i][j] = fl.longValueExact();
        rem[i][j] = exact.subtract(fl);
        assigned += cells[i][j];
        floorSum[j] += cells[i][j];
      }
      need[i] = n - assigned;
    }
    long[] targets = largestRemainder(total, fractions, seed);
    long[] room = new long[s];
    for (int j = 0; j < s; j++) {
      room[j] = targets[j] - floorSum[j];
    }

    // Preferences: larger remainder first, then the seeded tie-break.
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < s; j++) {
        if (rem[i][j].signum() > 0) {
          pairs.add(new int[] {i, j});
        }
      }
    }
    pairs.sort(
        Comparator.<int[], BigDecimal>comparing(p -> rem[p[0]][p[1]])
            .reversed()
            .thenComparingLong(p -> tie(seed, classes.get(p[0]), p[1])));
    boolean[][] extra = new boolean[c][s];
    for (int[] p : pairs) {
      int i = p[0];
      int j = p[1];
      if (need[i] > 0 && room[j] > 0) {
        extra[i][j] = true;
        need[i]--;
        room[j]--;
      }
    }
    // Complete with augmenting paths, then (only if the targets were not reachable) by overflow.
    for (int i = 0; i < c; i++) {
      while (need[i] > 0) {
        if (!augment(i, extra, rem, room, s)) {
          // The targets cannot all be met: the split closest below its exact share takes one more.
          int best = -1;
          BigDecimal bestGap = null;
          for (int pass = 0; pass < 2 && best < 0; pass++) {
            for (int j = 0; j < s; j++) {
              if (!extra[i][j] && (pass == 1 || rem[i][j].signum() > 0)) {
                BigDecimal gap = BigDecimal.valueOf(targets[j] + 1).subtract(fractions.get(j).multiply(BigDecimal.valueOf(total)));
                if (bestGap == null || gap.compareTo(bestGap) < 0) {
                  best = j;
                  bestGap = gap;
                }
              }
            }
          }
          extra[i][best] = true;
          targets[best]++;
        }
        need[i]--;
      }
    }
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < s; j++) {
        if (extra[i][j]) {
          cells[i][j]++;
        }
      }
    }
    long[] totals = new long[s];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < s; j++) {
        totals[j] += cells[i][j];
      }
    }
    return new Apportionment(List.copyOf(classes), cells, totals);
  }

  /** Finds a path class i → split with room, moving other classes' extra units along the way (BFS over splits). */
  private static boolean augment(int start, boolean[][] extra, BigDecimal[][] rem, long[] room, int s) {
    int c = extra.length;
    // parent[j] = {previous split or -1 for start, class moved into j}
    int[][] parent = new int[s][];
    Deque<Integer> queue = new ArrayDeque<>();
    for (int j = 0; j < s; j++) {
      if (!extra[start][j] && rem[start][j].signum() > 0) {
        parent[j] = new int[] {-1, start};
        queue.add(j);
      }
    }
    while (!queue.isEmpty()) {
      int j = queue.poll();
      if (room[j] > 0) {
        // Apply moves back along the path.
        int cur = j;
        while (cur >= 0) {
          int[] p = parent[cur];
          extra[p[1]][cur] = true;
          if (p[0] >= 0) {
            extra[p[1]][p[0]] = false;
          }
          cur = p[0];
        }
        room[j]--;
        return true;
      }
      // Some class k holding an extra unit in j could move it to a split j2.
      for (int k = 0; k < c; k++) {
        if (k == start || !extra[k][j]) {
          continue;
        }
        for (int j2 = 0; j2 < s; j2++) {
          if (parent[j2] == null && !extra[k][j2] && rem[k][j2].signum() > 0) {
            parent[j2] = new int[] {j, k};
            queue.add(j2);
          }
        }
      }
    }
    return false;
  }

  /** Largest-remainder apportionment of {@code total} units to the fractions, ties broken by the seed. */
  static long[] largestRemainder(long total, List<BigDecimal> fractions, long seed) {
    int s = fractions.size();
    long[] out = new long[s];
    BigDecimal[] rem = new BigDecimal[s];
    long assigned = 0;
    for (int j = 0; j < s; j++) {
      BigDecimal exact = fractions.get(j).multiply(BigDecimal.valueOf(total));
      BigDecimal fl = exact.setScale(0, RoundingMode.FLOOR);
      out[j] = fl.longValueExact();
      rem[j] = exact.subtract(fl);
      assigned += out[j];
    }
    Integer[] order = new Integer[s];
    for (int j = 0; j < s; j++) {
      order[j] = j;
    }
    Arrays.sort(order, Comparator.<Integer, BigDecimal>comparing(j -> rem[j]).reversed().thenComparingLong(j -> tie(seed, "", j)));
    for (int k = 0; assigned < total; k = (k + 1) % s) {
      out[order[k]]++;
      assigned++;
    }
    return out;
  }

  /** The tie-break of (seed, class, split): fixed by the seed alone, never by the data's order. */
  private static long tie(long seed, String cls, int split) {
    byte[] b = cls.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long h = word(split ^ 0x9E3779B97F4A7C15L, b.length, 5);
    int i = 0;
    for (; i + 8 <= b.length; i += 8) {
      long w = 0;
      for (int k = 0; k < 8; k++) {
        w |= (b[i + k] & 0xFFL) << (8 * k);
      }
      h = word(h, w, 0);
    }
    long w = 0;
    for (int k = 0; i + k < b.length; k++) {
      w |= (b[i + k] & 0xFFL) << (8 * k);
    }
    return ValueHash.mix(ValueHash.fmix(word(h, w, 0)), seed);
  }

  private static long word(long h, long w, int tag) {
    long k = ValueHash.fmix(w * 0xC2B2AE3D27D4EB4FL + tag);
    h ^= k;
    return Long.rotateLeft(h, 27) * 0x9E3779B97F4A7C15L + 0x52dce729L;
  }

  public List<String> classes() {
    return classes;
  }

  /** Units of class {@code classIndex} (in {@link #classes()} order) per split. */
  public long[] counts(int classIndex) {
    return counts[classIndex].clone();
  }

  /** Units per split. */
  public long[] totals() {
    return targets.clone();
  }

  /** Class → units per split, in class order. */
  public Map<String, long[]> asMap() {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      m.put(classes.get(i), counts[i].clone());
    }
    return m;
  }
}
