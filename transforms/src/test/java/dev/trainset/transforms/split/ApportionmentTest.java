package dev.trainset.transforms.split;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Test;

public class ApportionmentTest {
  private static final List<BigDecimal> EIGHTY_TEN_TEN = List.of(new BigDecimal("0.8"), new BigDecimal("0.1"), new BigDecimal("0.1"));

  @Test
  public void givenTheVertebralClasses_givesTheWalkthroughCounts() {
    Apportionment a = Apportionment.compute(Map.of("1", 210L, "0", 100L), EIGHTY_TEN_TEN, 42);
    assertEquals(List.of("0", "1"), a.classes());
    assertArrayEquals(new long[] {80, 10, 10}, a.counts(0));
    assertArrayEquals(new long[] {168, 21, 21}, a.counts(1));
    assertArrayEquals(new long[] {248, 31, 31}, a.totals());
  }

  @Test
  public void givenHeartFailureClasses_everyCellIsFloorOrCeil_andTotalsAreTheLargestRemainderOnes() {
    Apportionment a = Apportionment.compute(Map.of("0", 203L, "1", 96L), EIGHTY_TEN_TEN, 42);
    // 299 rows: 239.2 / 29.9 / 29.9 -> 239 / 30 / 30
    assertArrayEquals(new long[] {239, 30, 30}, a.totals());
    assertExact(Map.of("0", 203L, "1", 96L), EIGHTY_TEN_TEN, a);
  }

  @Test
  public void givenDecimalFractionsThatDoublesGetWrong_usesExactArithmetic() {
    // 0.29 * 100 is 28.999999999999996 in doubles
    List<BigDecimal> f = List.of(new BigDecimal("0.29"), new BigDecimal("0.71"));
    Apportionment a = Apportionment.compute(Map.of("x", 100L), f, 1);
    assertArrayEquals(new long[] {29, 71}, a.counts(0));
  }

  @Test
  public void givenManyRandomTables_everyRuleHolds() {
    Random r = new Random(7);
    for (int trial = 0; trial < 3000; trial++) {
      int splits = 2 + r.nextInt(4);
      List<BigDecimal> fractions = randomFractions(r, splits);
      Map<String, Long> classes = new LinkedHashMap<>();
      int c = 1 + r.nextInt(12);
      for (int i = 0; i < c; i++) {
        classes.put("c" + i, (long) (r.nextInt(4) == 0 ? r.nextInt(5) + 1 : r.nextInt(5000) + 1));
      }
      long seed = r.nextLong();
      Apportionment a = Apportionment.compute(classes, fractions, seed);
      assertExact(classes, fractions, a);
      Apportionment again = Apportionment.compute(classes, fractions, seed);
      for (int i = 0; i < c; i++) {
        assertArrayEquals("same seed, same result", a.counts(i), again.counts(i));
      }
    }
  }

  @Test
  public void givenTiesEverywhere_differentSeedsPlaceTheExtraUnitsDifferently() {
    // 7 classes of 5 rows into 1/2 - 1/2: every class has one row to place with equal remainders.
    Map<String, Long> classes = new LinkedHashMap<>();
    for (int i = 0; i < 7; i++) {
      classes.put("c" + i, 5L);
    }
    List<BigDecimal> half = List.of(new BigDecimal("0.5"), new BigDecimal("0.5"));
    boolean differs = false;
    Apportionment first = Apportionment.compute(classes, half, 0);
    for (long seed = 1; seed < 20 && !differs; seed++) {
      Apportionment other = Apportionment.compute(classes, half, seed);
      assertExact(classes, half, other);
      for (int i = 0; i < 7; i++) {
        differs |= first.counts(i)[0] != other.counts(i)[0];
      }
    }
    assertTrue("the seed breaks ties", differs);
  }

  /** Cells floor/ceil of n_c p_s, rows sum to n_c, split totals within 1 of N p_s. */
  static void assertExact(Map<String, Long> classes, List<BigDecimal> fractions, Apportionment a) {
    long total = 0;
    for (int i = 0; i < a.classes().size(); i++) {
      long n = classes.get(a.classes().get(i));
      total += n;
      long[] cells = a.counts(i);
      long sum = 0;
      for (int j = 0; j < fractions.size(); j++) {
        BigDecimal exact = fractions.get(j).multiply(BigDecimal.valueOf(n));
        long fl = exact.setScale(0, RoundingMode.FLOOR).longValueExact();
        long ce = exact.setScale(0, RoundingMode.CEILING).longValueExact();
        assertTrue(a.classes().get(i) + " split " + j + ": " + cells[j] + " not in [" + fl + "," + ce + "]", cells[j] == fl || cells[j] == ce);
        sum += cells[j];
      }
      assertEquals(n, sum);
    }
    long[] totals = a.totals();
    long check = 0;
    for (int j = 0; j < fractions.size(); j++) {
      BigDecimal diff = BigDecimal.valueOf(totals[j]).subtract(fractions.get(j).multiply(BigDecimal.valueOf(total))).abs();
      assertFalse("split " + j + " total " + totals[j] + " is 1 or more from its share", diff.compareTo(BigDecimal.ONE) >= 0);
      check += totals[j];
    }
    assertEquals(total, check);
  }

  static List<BigDecimal> randomFractions(Random r, int splits) {
    List<Integer> cuts = new ArrayList<>();
    int left = 100;
    for (int j = 0; j < splits - 1; j++) {
      int v = 1 + r.nextInt(left - (splits - 1 - j));
      cuts.add(v);
      left -= v;
    }
    cuts.add(left);
    List<BigDecimal> out = new ArrayList<>();
    cuts.forEach(v -> out.add(BigDecimal.valueOf(v, 2)));
    return out;
  }
}
