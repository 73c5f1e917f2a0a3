package dev.trainset.transforms.split;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks what the writing pass wrote against the plan the first pass made: every (class, split) cell must hold
 * exactly the planned rows. A difference means the two passes did not see the same rows (the input changed between
 * them, or a bug), and the run must not be marked complete.
 */
public final class PlanCheck {
  private PlanCheck() {}

  /**
   * @param written rows per split
   * @param classCounts label text → rows per split (what a stratified plan's classes are)
   * @param stratified whether the plan's classes are label texts (else one class, {@code *}: only totals are checked)
   * @return one line per cell that differs, empty when the output matches the plan
   */
  public static List<String> differences(SplitPlan plan, boolean stratified, long[] written, Map<String, long[]> classCounts) {
    List<String> out = new ArrayList<>();
    List<String> splits = plan.splits();
    Apportionment a = plan.apportionment();
    if (stratified) {
      for (int c = 0; c < a.classes().size(); c++) {
        String cls = a.classes().get(c);
        long[] want = a.counts(c);
        long[] got = classCounts.getOrDefault(cls, new long[splits.size()]);
        for (int s = 0; s < splits.size(); s++) {
          if (want[s] != got[s]) {
            out.add("class '" + cls + "' in " + splits.get(s) + ": " + got[s] + " rows written, " + want[s] + " planned");
          }
        }
      }
      for (String cls : classCounts.keySet()) {
        if (plan.classIndex(cls) < 0) {
          long n = 0;
          for (long x : classCounts.get(cls)) {
            n += x;
          }
          out.add("class '" + cls + "': " + n + " rows written, none planned");
        }
      }
    }
    out.addAll(totals(splits, plan.totals(), written));
    return out;
  }

  /** The rows per split against the planned rows per split: one line per split that differs. */
  public static List<String> totals(List<String> splits, long[] planned, long[] written) {
    List<String> out = new ArrayList<>();
    for (int s = 0; s < splits.size(); s++) {
      if (planned[s] != written[s]) {
        out.add(splits.get(s) + ": " + written[s] + " rows written, " + planned[s] + " planned");
      }
    }
    return out;
  }
}
