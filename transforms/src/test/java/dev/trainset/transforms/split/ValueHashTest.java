package dev.trainset.transforms.split;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

public class ValueHashTest {
  @Test
  public void theHashIsAFixedFunctionOfTheValue() {
    // Pinned: a change to the function changes every split membership, so it must be deliberate (and VERSION bumped).
    assertEquals(ValueHash.text("Abnormal"), ValueHash.chars("xAbnormalx".toCharArray(), 1, 8));
    assertEquals(43486915975875497L, ValueHash.text("Abnormal"));
    assertEquals(ValueHash.of(List.of(1L, "a")), ValueHash.of(Arrays.asList(1L, "a")));
  }

  @Test
  public void valuesAreTheirTypeAndText_zeroSignIsNot() {
    assertNotEquals(ValueHash.of(1L), ValueHash.of(1.0));
    assertNotEquals(ValueHash.of(1L), ValueHash.of("1"));
    assertNotEquals(ValueHash.text("1.5"), ValueHash.text("1.50"));
    assertNotEquals(ValueHash.of(true), ValueHash.of("true"));
    assertEquals(ValueHash.of(0.0), ValueHash.of(-0.0));
    assertNotEquals(ValueHash.of(Instant.EPOCH), ValueHash.of(Instant.EPOCH.plusNanos(1000)));
    assertNotEquals(ValueHash.of(Arrays.asList(1L, null)), ValueHash.of(List.of(1L)));
    assertNotEquals(ValueHash.text("ab"), ValueHash.text("ba"));
    assertNotEquals(ValueHash.text(""), ValueHash.text("\0"));
  }

  @Test
  public void everyLengthAndEveryTailIsHashed_fromTheOffsetOn() {
    // Lengths around the 4- and 8-character blocks: the same text read in place equals the text alone, and changing
    // any one character (first, last, in a full block or in the tail) changes the hash.
    StringBuilder b = new StringBuilder();
    for (int len = 0; len <= 40; len++) {
      String t = b.toString();
      char[] framed = ("<<" + t + ">>").toCharArray();
      assertEquals(t, ValueHash.text(t), ValueHash.chars(framed, 2, len));
      for (int at = 0; at < len; at++) {
        char[] changed = t.toCharArray();
        changed[at] ^= 1;
        assertNotEquals(t + " at " + at, ValueHash.text(t), ValueHash.chars(changed, 0, len));
      }
      b.append((char) ('a' + len % 26));
    }
  }

  @Test
  public void aMillionSourceValues_noCollision_andEvenBucketsOnceSeeded() {
    // The split's order key is mix(sum of column hashes, seed); its top 12 bits are the bucket (SplitPlan). Numbers as
    // a CSV writes them must neither collide nor crowd buckets: the bucket counts stay within a chi-square bound.
    java.util.HashSet<Long> seen = new java.util.HashSet<>();
    int[] buckets = new int[4096];
    int n = 1_000_000;
    for (int i = 0; i < n; i++) {
      String v = i % 2 == 0 ? Integer.toString(i) : String.format(java.util.Locale.ROOT, "%.4f", i / 7.0);
      long h = ValueHash.text(v);
      assertEquals("collision at " + v, true, seen.add(h));
      buckets[SplitPlan.bucket(ValueHash.mix(ValueHash.fmix(0x51L + h), 42))]++;
    }
    double expected = n / 4096.0;
    double chi2 = 0;
    for (int c : buckets) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    // 4,095 degrees of freedom: mean 4,095, sd ~90.5; 4,095 + 5 sd.
    assertEquals("chi-square " + chi2, true, chi2 < 4_550);
  }
}
