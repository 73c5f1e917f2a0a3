package dev.trainset.transforms.slice;

import dev.trainset.transforms.split.SplitPlan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the exact split plan from the first pass's slice summaries, once the schema is known: resolves label values
 * to classes (a value the label rules turn away is counted as rejected), adds up the histograms, and works out where
 * each slice's units of each boundary bucket start.
 */
public final class SplitPlanner {
  /**
   * @param plan the plan
   * @param offsets per slice (in slice order), per boundary: units in earlier slices
   */
  public record Planned(SplitPlan plan, long[][] offsets) {}

  private SplitPlanner() {}

  /**
   * @param summaries the first pass's summaries, one per slice, in slice order
   * @param classes resolves label values (untyped summaries), or null when there is no label
   * @param labelTokens whether untyped summaries are keyed by label value ({@code false}: by {@code *}, or null for a
   *     missing label)
   */
  public static Planned plan(
      List<SliceSummary> summaries, LabelClasses classes, boolean labelTokens, List<String> splits,
      List<BigDecimal> fractions, long seed, boolean allowEmptySplitClasses, String unitName) {
    List<Map<String, long[]>> perSlice = new ArrayList<>();
    Map<String, long[]> total = new HashMap<>();
    LabelClasses resolver = classes == null ? null : classes.forSlice();
    for (SliceSummary s : summaries) {
      Map<String, long[]> h = new HashMap<>();
      if (s.histogram() != null) {
        for (Map.Entry<Object, int[]> e : s.histogram().entrySet()) {
          String cls = classOf(e.getKey(), s.keysAreClasses(), resolver, labelTokens);
          if (cls == null) {
            continue;
          }
          long[] b = h.computeIfAbsent(cls, k -> new long[SplitPlan.BUCKETS]);
          long[] t = total.computeIfAbsent(cls, k -> new long[SplitPlan.BUCKETS]);
          int[] counts = e.getValue();
          for (int i = 0; i < counts.length; i++) {
            b[i] += counts[i];
            t[i] += counts[i];
          }
        }
      }
      perSlice.add(h);
    }
    SplitPlan plan = SplitPlan.of(total, splits, fractions, seed, allowEmptySplitClasses, unitName);
    return new Planned(plan, plan.sliceOffsets(perSlice));
  }

  /** The class of a histogram key, or null when its rows are turned away. */
  private static String classOf(Object key, boolean keysAreClasses, LabelClasses resolver, boolean labelTokens) {
    if (keysAreClasses) {
      return (String) key;
    }
    if (resolver == null || (!labelTokens && LabelClasses.ALL.equals(key))) {
      return LabelClasses.ALL;
    }
    LabelClasses.Entry e = resolver.ofToken(key);
    return e.rejected() != null ? null : e.splitClass();
  }
}
