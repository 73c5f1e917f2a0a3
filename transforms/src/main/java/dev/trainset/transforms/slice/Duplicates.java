package dev.trainset.transforms.slice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which rows are duplicates ({@code split.dedupe}): rows whose 128-bit content keys (label and features as written)
 * are equal; the first in input order (slice, then record) is kept, the others are dropped. Found from the content
 * keys a first pass collected: the keys' high halves are sorted to find the few that repeat, and only rows with those
 * are compared in full, so memory stays at about 8 bytes per row beyond the keys themselves.
 */
public final class Duplicates {
  private Duplicates() {}

  /** Per slice (by number), the record numbers, sorted, of rows that repeat an earlier row. */
  public static Map<Integer, int[]> find(List<SliceSummary> summaries) {
    int total = 0;
    for (SliceSummary s : summaries) {
      total += s.contentKeys() == null ? 0 : s.contentKeys().size();
    }
    long[] high = new long[total];
    int n = 0;
    for (SliceSummary s : summaries) {
      if (s.contentKeys() != null) {
        System.arraycopy(s.contentKeys().high(), 0, high, n, s.contentKeys().size());
        n += s.contentKeys().size();
      }
    }
    Arrays.sort(high);
    Set<Long> repeated = new HashSet<>();
    for (int i = 1; i < n; i++) {
      if (high[i] == high[i - 1]) {
        repeated.add(high[i]);
      }
    }
    Map<Integer, int[]> out = new HashMap<>();
    if (repeated.isEmpty()) {
      return out;
    }
    Set<List<Long>> seen = new HashSet<>();
    for (SliceSummary s : summaries) {
      SliceSummary.ContentKeys k = s.contentKeys();
      if (k == null) {
        continue;
      }
      List<Integer> drop = new ArrayList<>();
      for (int i = 0; i < k.size(); i++) {
        if (repeated.contains(k.high()[i]) && !seen.add(List.of(k.high()[i], k.low()[i]))) {
          drop.add(k.records()[i]);
        }
      }
      if (!drop.isEmpty()) {
        int[] d = drop.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(d);
        out.put(s.slice(), d);
      }
    }
    return out;
  }

  /** How many rows the lists drop. */
  public static long count(Map<Integer, int[]> duplicates) {
    long n = 0;
    for (int[] d : duplicates.values()) {
      n += d.length;
    }
    return n;
  }
}
