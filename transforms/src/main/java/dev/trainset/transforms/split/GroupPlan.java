package dev.trainset.transforms.split;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact split of groups ({@code split.groupBy}): a group's class is its most frequent label (ties: the smallest
 * label text; {@code *} when the split is not stratified); the groups of a class are ordered by the seeded hash of
 * their id (then the id), and split {@code j} takes the ranks {@code [B_j, B_j+1)} of the {@link Apportionment} of
 * groups. Exact at group level; a group's rows all go to its split, so row counts follow group sizes.
 */
public final class GroupPlan {
  /**
   * @param groupSplit group id → split index
   * @param rows rows per split the writing pass must write
   */
  public record Planned(Apportionment apportionment, List<String> splits, Map<String, Integer> groupSplit, long[] rows) {}

  private GroupPlan() {}

  /**
   * @param groups group id → class → rows
   * @throws SplitPlan.TooFewUnits when a class has fewer groups than splits and {@code allowEmptySplitClasses} is false
   */
  public static Planned of(
      Map<String, Map<String, Long>> groups, List<String> splits, List<BigDecimal> fractions, long seed,
      boolean allowEmptySplitClasses, boolean stratified) {
    Map<String, List<String>> byClass = new TreeMap<>();
    Map<String, Long> groupRows = new HashMap<>();
    for (Map.Entry<String, Map<String, Long>> g : groups.entrySet()) {
      String best = null;
      long n = -1;
      long rows = 0;
      for (Map.Entry<String, Long> c : g.getValue().entrySet()) {
        rows += c.getValue();
        if (c.getValue() > n || (c.getValue() == n && c.getKey().compareTo(best) < 0)) {
          best = c.getKey();
          n = c.getValue();
        }
      }
      if (rows == 0) {
        continue;
      }
      byClass.computeIfAbsent(stratified ? best : "*", k -> new ArrayList<>()).add(g.getKey());
      groupRows.put(g.getKey(), rows);
    }
    TreeMap<String, Long> classCounts = new TreeMap<>();
    byClass.forEach((cls, list) -> classCounts.put(cls, (long) list.size()));
    if (!allowEmptySplitClasses) {
      for (Map.Entry<String, Long> e : classCounts.entrySet()) {
        if (e.getValue() < splits.size()) {
          throw new SplitPlan.TooFewUnits(
              "class '" + e.getKey() + "' has " + e.getValue() + " group" + (e.getValue() == 1 ? "" : "s")
                  + ", fewer than the " + splits.size() + " splits " + splits
                  + "; add data, merge the class, or set split.allowEmptySplitClasses: true");
        }
      }
    }
    Apportionment a = Apportionment.compute(classCounts, fractions, seed);
    Map<String, Integer> groupSplit = new HashMap<>();
    long[] rows = new long[splits.size()];
    for (int c = 0; c < a.classes().size(); c++) {
      List<String> list = byClass.get(a.classes().get(c));
      Map<String, Long> order = new HashMap<>(); // each group's seeded hash, worked out once
      for (String g : list) {
        order.put(g, ValueHash.mix(ValueHash.text(g), seed));
      }
      list.sort(Comparator.comparingLong((String g) -> order.get(g)).thenComparing(g -> g));
      long[] counts = a.counts(c);
      int split = 0;
      long bound = counts[0];
      for (int r = 0; r < list.size(); r++) {
        while (r >= bound && split < counts.length - 1) {
          split++;
          bound += counts[split];
        }
        groupSplit.put(list.get(r), split);
        rows[split] += groupRows.get(list.get(r));
      }
    }
    return new Planned(a, List.copyOf(splits), groupSplit, rows);
  }
}
