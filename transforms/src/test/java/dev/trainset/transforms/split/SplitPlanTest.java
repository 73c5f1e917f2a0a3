package dev.trainset.transforms.split;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

public class SplitPlanTest {
  private static final List<String> NAMES = List.of("train", "validation", "test");
  private static final List<BigDecimal> FRACTIONS = List.of(new BigDecimal("0.8"), new BigDecimal("0.1"), new BigDecimal("0.1"));
  private static final int SLICES = 7;

  /** A unit: its class, order key, and where it is in the input (slice, then record in the slice). */
  record U(String cls, long order, int slice, int record, int id) {}

  /** Five classes, one of 1% and one of exactly 3 units, over 7 slices; a skewed hash so some buckets are crowded. */
  static List<U> units(long seed) {
    Random r = new Random(seed);
    List<U> out = new ArrayList<>();
    int[] sizes = {20_000, 9_000, 5_000, 300, 3};
    int[] records = new int[SLICES];
    int id = 0;
    for (int c = 0; c < sizes.length; c++) {
      for (int k = 0; k < sizes[c]; k++) {
        long order = r.nextInt(10) == 0 ? 0x7000_0000_0000_0000L + r.nextInt(50) : r.nextLong();
        int slice = r.nextInt(SLICES);
        out.add(new U("class" + c, order, slice, records[slice]++, id++));
      }
    }
    out.sort(Comparator.comparingInt(U::slice).thenComparingInt(U::record));
    return out;
  }

  /** Units per class and bucket, over all slices and per slice, as the first pass counts them. */
  static Map<String, long[]> histogram(List<U> units, int slice) {
    Map<String, long[]> h = new HashMap<>();
    for (U u : units) {
      if (slice < 0 || u.slice() == slice) {
        h.computeIfAbsent(u.cls(), k -> new long[SplitPlan.BUCKETS])[SplitPlan.bucket(u.order())]++;
      }
    }
    return h;
  }

  /** Assigns every unit as the writing pass does: slice by slice, each slice's units in input order. */
  static Map<Integer, Integer> assign(SplitPlan plan, List<U> units) {
    List<Map<String, long[]>> perSlice = new ArrayList<>();
    for (int s = 0; s < SLICES; s++) {
      perSlice.add(histogram(units, s));
    }
    long[][] offsets = plan.sliceOffsets(perSlice);
    Map<Integer, Integer> bySplit = new HashMap<>();
    // Slices in reverse, to show no slice depends on another having been assigned first.
    for (int s = SLICES - 1; s >= 0; s--) {
      SplitPlan.Assigner a = plan.assigner(offsets[s]);
      for (U u : units) {
        if (u.slice() == s) {
          bySplit.put(u.id(), a.assign(plan.classIndex(u.cls()), u.order()));
        }
      }
    }
    return bySplit;
  }

  @Test
  public void givenSlicesAssignedApart_membershipEqualsAFullSortPerClassByBucketThenInputOrder() {
    List<U> units = units(3);
    SplitPlan plan = SplitPlan.of(histogram(units, -1), NAMES, FRACTIONS, 42, false, "row");
    Map<Integer, Integer> bySplit = assign(plan, units);
    assertTrue("boundary buckets: " + plan.boundaries(), plan.boundaries() > 0 && plan.boundaries() <= 5 * 2);

    // The reference: sort each class fully and cut at the apportioned counts.
    Apportionment a = plan.apportionment();
    for (int i = 0; i < a.classes().size(); i++) {
      String cls = a.classes().get(i);
      List<U> members = new ArrayList<>();
      units.stream().filter(u -> u.cls().equals(cls)).forEach(members::add);
      members.sort(
          Comparator.comparingInt((U u) -> SplitPlan.bucket(u.order())).thenComparingInt(U::slice).thenComparingInt(U::record));
      long[] counts = a.counts(i);
      int pos = 0;
      for (int j = 0; j < counts.length; j++) {
        for (long k = 0; k < counts[j]; k++, pos++) {
          assertEquals(cls + " rank " + pos, Integer.valueOf(j), bySplit.get(members.get(pos).id()));
        }
      }
      assertEquals(members.size(), pos);
    }
  }

  @Test
  public void inOneSplit_holdsForExactlyTheBucketsWhoseUnitsAllShareASplit_acrossClasses() {
    List<U> units = units(5);
    SplitPlan plan = SplitPlan.of(histogram(units, -1), NAMES, FRACTIONS, 42, false, "row");
    Map<Integer, Integer> bySplit = assign(plan, units);
    Map<Integer, Set<Integer>> splitsOfBucket = new HashMap<>();
    for (U u : units) {
      splitsOfBucket.computeIfAbsent(SplitPlan.bucket(u.order()), k -> new HashSet<>()).add(bySplit.get(u.id()));
    }
    int mixed = 0;
    for (int b = 0; b < SplitPlan.BUCKETS; b++) {
      int distinct = splitsOfBucket.getOrDefault(b, Set.of()).size();
      if (distinct > 1) {
        assertEquals("bucket " + b + " has units in " + distinct + " splits", false, plan.inOneSplit(b));
        mixed++;
      } else if (distinct == 1) {
        assertEquals("bucket " + b + " has units in one split", true, plan.inOneSplit(b));
      }
    }
    long checked = units.stream().filter(u -> !plan.inOneSplit(SplitPlan.bucket(u.order()))).count();
    // Five classes cut near 80% and 90% of the order space: the buckets between the classes' cuts, a few % of units.
    assertTrue("buckets with units in several splits: " + mixed, mixed >= 2);
    assertTrue("units the leakage check must look at: " + checked + " of " + units.size(), checked < units.size() / 20);
  }

  @Test
  public void givenAClassWithFewerUnitsThanSplits_failsNamingIt_unlessAllowed() {
    Map<String, long[]> h = new HashMap<>();
    h.put("big", new long[SplitPlan.BUCKETS]);
    h.put("tiny", new long[SplitPlan.BUCKETS]);
    for (int i = 0; i < 50; i++) {
      h.get("big")[i * 40]++;
    }
    h.get("tiny")[5] += 2;
    SplitPlan.TooFewUnits e = assertThrows(SplitPlan.TooFewUnits.class, () -> SplitPlan.of(h, NAMES, FRACTIONS, 1, false, "row"));
    assertEquals(
        "class 'tiny' has 2 rows, fewer than the 3 splits [train, validation, test]; add data, merge the class, or set"
            + " split.allowEmptySplitClasses: true",
        e.getMessage());
    SplitPlan allowed = SplitPlan.of(h, NAMES, FRACTIONS, 1, true, "row");
    long[] tiny = allowed.apportionment().counts(allowed.classIndex("tiny"));
    assertEquals(2, tiny[0] + tiny[1] + tiny[2]);
  }

  @Test
  public void planCheck_namesEveryCellThatDiffersFromThePlan() {
    List<U> units = units(9);
    SplitPlan plan = SplitPlan.of(histogram(units, -1), NAMES, FRACTIONS, 42, false, "row");
    Map<String, long[]> classCounts = new HashMap<>();
    long[] written = new long[3];
    Map<Integer, Integer> bySplit = assign(plan, units);
    for (U u : units) {
      classCounts.computeIfAbsent(u.cls(), k -> new long[3])[bySplit.get(u.id())]++;
      written[bySplit.get(u.id())]++;
    }
    assertEquals(List.of(), PlanCheck.differences(plan, true, written, classCounts));
    // One row of class0 written to test instead of train: two cells and two totals differ.
    classCounts.get("class0")[0]--;
    classCounts.get("class0")[2]++;
    written[0]--;
    written[2]++;
    long[] planned = plan.apportionment().counts(plan.classIndex("class0"));
    assertEquals(
        List.of(
            "class 'class0' in train: " + (planned[0] - 1) + " rows written, " + planned[0] + " planned",
            "class 'class0' in test: " + (planned[2] + 1) + " rows written, " + planned[2] + " planned",
            "train: " + written[0] + " rows written, " + (written[0] + 1) + " planned",
            "test: " + written[2] + " rows written, " + (written[2] - 1) + " planned"),
        PlanCheck.differences(plan, true, written, classCounts));
  }
}
