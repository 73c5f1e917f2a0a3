package dev.trainset.transforms.stats;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class NumericHistogramTest {
  @Test
  public void givenTheSameValuesInAnyOrderAndMergeTree_givesTheSameHistogram() {
    Random r = new Random(1);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      values.add(r.nextGaussian() * 30 + 100);
    }
    NumericHistogram one = new NumericHistogram();
    values.forEach(one::add);
    for (int trial = 0; trial < 5; trial++) {
      Collections.shuffle(values, r);
      NumericHistogram merged = new NumericHistogram();
      for (int part = 0; part < 7; part++) {
        NumericHistogram h = new NumericHistogram();
        values.subList(part * values.size() / 7, (part + 1) * values.size() / 7).forEach(h::add);
        merged.merge(h);
      }
      assertEquals(one.width(), merged.width(), 0);
      assertArrayEquals(one.lowerEdges(), merged.lowerEdges(), 0);
      assertArrayEquals(one.counts(), merged.counts());
    }
    assertTrue(one.counts().length <= NumericHistogram.MAX_BINS);
    assertEquals(5000, java.util.Arrays.stream(one.counts()).sum());
  }

  @Test
  public void givenWholeNumbers_binsAreNeverNarrowerThanOne() {
    NumericHistogram h = new NumericHistogram(0);
    h.add(0);
    h.add(1);
    h.add(1);
    assertEquals(1.0, h.width(), 0);
    assertArrayEquals(new long[] {1, 2}, h.counts());
  }
}
