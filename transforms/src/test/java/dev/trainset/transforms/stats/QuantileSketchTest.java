package dev.trainset.transforms.stats;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class QuantileSketchTest {
  private static long below(List<Double> values, double edge, int bits) {
    return values.stream().filter(v -> QuantileSketch.key(v, bits) < edge).count();
  }

  @Test
  public void givenASkewedTarget_edgesCutItIntoQuartiles() {
    Random r = new Random(3);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      values.add(Math.exp(r.nextGaussian() * 2));
    }
    QuantileSketch s = new QuantileSketch();
    values.forEach(s::add);
    double[] edges = s.edges(4);
    assertEquals(3, edges.length);
    for (int k = 0; k < 3; k++) {
      assertEquals("edge " + k, 250 * (k + 1), below(values, edges[k], s.bits()));
    }
  }

  @Test
  public void givenMoreDistinctValuesThanItKeeps_theEdgesDoNotDependOnOrderOrMerges() {
    Random r = new Random(9);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      values.add(r.nextGaussian() * 1000);
    }
    QuantileSketch one = new QuantileSketch();
    values.forEach(one::add);
    assertTrue("coarsened", one.bits() < 52);
    Collections.shuffle(values, r);
    QuantileSketch merged = new QuantileSketch();
    for (int p = 0; p < 5; p++) {
      QuantileSketch part = new QuantileSketch();
      values.subList(p * 40_000, (p + 1) * 40_000).forEach(part::add);
      merged.merge(part);
    }
    assertEquals(one.bits(), merged.bits());
    assertArrayEquals(one.edges(10), merged.edges(10), 0);
    double[] e = one.edges(10);
    for (int k = 0; k < e.length; k++) {
      assertTrue("decile " + k, Math.abs(below(values, e[k], one.bits()) - 20_000 * (k + 1)) < 200);
    }
  }

  @Test
  public void givenFewDistinctValues_returnsFewerEdges() {
    QuantileSketch s = new QuantileSketch();
    for (int i = 0; i < 100; i++) {
      s.add(i < 90 ? 1.0 : 2.0);
    }
    assertArrayEquals(new double[] {2.0}, s.edges(4), 0);
  }
}
