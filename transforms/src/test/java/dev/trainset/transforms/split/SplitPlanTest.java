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

  record U(String cls, long order, long tie, int id) {}

  /** Five classes, one of 1% and one of exactly 3 units; a skewed hash so some buckets are crowded. */
  static List<U> units(long seed) {
    Random r = new Random(seed);
    List<U> out = new ArrayList<>();
    int[] sizes = {20_000, 9_000, 5_000, 300, 3};
    int id = 0;
    for (int c = 0; c < sizes.length; c++) {
      for (int k = 0; k < sizes[c]; k++) {
        long order = r.nextInt(10) == 0 ? 0x7000_0000_0000_0000L + r.nextInt(50) : r.nextLong();
        out.add(new U("class" + c, order, r.nextLong(), id++));
      }
    }
    return out;
  }

  @Test
  public void givenUnitsRankedOnlyInBoundaryBuckets_membershipEqualsAFullSortPerClass() {
    List<U> units = units(3);
    SplitHistogram h = new SplitHistogram();
    units.forEach(u -> h.add(u.cls(), u.order()));
    SplitPlan plan = SplitPlan.of(h, NAMES, FRACTIONS, 42, false, "row");

    // The plan's way: decided buckets directly, boundary buckets ranked.
    Map<Integer, Integer> bySplit = new HashMap<>();
    int ranked = assign(plan, units, bySplit);
    assertTrue("only a small part is ranked one by one: " + ranked, ranked < units.size() / 5);

    // The reference: sort each class fully and cut at the apportioned counts.
    Apportionment a = plan.apportionment();
    for (int i = 0; i < a.classes().size(); i++) {
      String cls = a.classes().get(i);
      List<U> members = new ArrayList<>();
      units.stream().filter(u -> u.cls().equals(cls)).forEach(members::add);
      members.sort(Comparator.comparing(U::order, Long::compareUnsigned).thenComparing(U::tie, Long::compareUnsigned));
      long[] counts = a.counts(i);
      int pos = 0;
      for (int j = 0; j < counts.length; j++) {
        for (long k = 0; k < counts[j]; k++, pos++) {
          assertEquals(cls + " rank " + pos, Integer.valueOf(j), bySplit.get(members.get(pos).id()));
        }
      }
    }
  }

  @Test
  public void inOneSplit_holdsForExactlyTheBucketsWhoseUnitsAllShareASplit_acrossClasses() {
    List<U> units = units(5);
    SplitHistogram h = new SplitHistogram();
    units.forEach(u -> h.add(u.cls(), u.order()));
    SplitPlan plan = SplitPlan.of(h, NAMES, FRACTIONS, 42, false, "row");
    Map<Integer, Integer> bySplit = new HashMap<>();
    assign(plan, units, bySplit);

    Map<Integer, Set<Integer>> splitsOfBucket = new HashMap<>();
    for (U u : units) {
      splitsOfBucket.computeIfAbsent(SplitHistogram.bucket(u.order()), k -> new HashSet<>()).add(bySplit.get(u.id()));
    }
    int mixed = 0;
    for (int b = 0; b < SplitHistogram.BUCKETS; b++) {
      int distinct = splitsOfBucket.getOrDefault(b, Set.of()).size();
      assertEquals("bucket " + b + " has units in " + distinct + " splits", distinct <= 1, plan.inOneSplit(b));
      mixed += distinct > 1 ? 1 : 0;
    }
    // Five classes cut near 80% and 90% of the order space: a few buckets around each cut, not more.
    assertTrue("buckets with units in several splits: " + mixed, mixed >= 2 && mixed <= 20);
  }

  /** Assigns every unit as ExactSplit does (decided buckets directly, boundary buckets ranked); returns how many were ranked. */
  static int assign(SplitPlan plan, List<U> units, Map<Integer, Integer> bySplit) {
    Map<Integer, List<U>> boundary = new HashMap<>();
    int ranked = 0;
    for (U u : units) {
      int a = plan.assign(u.cls(), u.order());
      if (a >= 0) {
        bySplit.put(u.id(), a);
      } else {
        boundary.computeIfAbsent(-a - 1, k -> new ArrayList<>()).add(u);
      }
    }
    for (Map.Entry<Integer, List<U>> e : boundary.entrySet()) {
      List<U> b = e.getValue();
      long[] orders = b.stream().mapToLong(U::order).toArray();
      long[] ties = b.stream().mapToLong(U::tie).toArray();
      int[] s = plan.rankBucket(e.getKey(), orders, ties);
      for (int k = 0; k < b.size(); k++) {
        bySplit.put(b.get(k).id(), s[k]);
      }
      ranked += b.size();
    }
    return ranked;
  }

  @Test
  public void givenAClassWithFewerUnitsThanSplits_failsNamingIt_unlessAllowed() {
    SplitHistogram h = new SplitHistogram();
    for (int i = 0; i < 50; i++) {
      h.add("big", i * 0x0123_4567_89AB_CDEFL);
    }
    h.add("tiny", 5);
    h.add("tiny", 6);
    SplitPlan.TooFewUnits e = assertThrows(SplitPlan.TooFewUnits.class, () -> SplitPlan.of(h, NAMES, FRACTIONS, 1, false, "row"));
    assertEquals(
        "class 'tiny' has 2 rows, fewer than the 3 splits [train, validation, test]; add data, merge the class, or set"
            + " split.allowEmptySplitClasses: true",
        e.getMessage());
    SplitPlan allowed = SplitPlan.of(h, NAMES, FRACTIONS, 1, true, "row");
    long[] tiny = allowed.apportionment().counts(allowed.apportionment().classes().indexOf("tiny"));
    assertEquals(2, tiny[0] + tiny[1] + tiny[2]);
  }
}
