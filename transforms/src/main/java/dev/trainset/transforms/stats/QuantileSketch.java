package dev.trainset.transforms.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of distinct values, kept exact up to {@link #MAX_KEYS} distinct values and then at a relative precision
 * (values rounded toward zero to fewer mantissa bits) just coarse enough to fit. Mergeable, and the result depends only
 * on the values (the precision is the finest at which all of them fit), so every runner finds the same quantile edges.
 * Unlike fixed-width bins it resolves skewed distributions (a log-normal target) as well as uniform ones.
 */
public final class QuantileSketch implements Serializable {
  public static final int MAX_KEYS = 1 << 16;

  private int bits = 52; // mantissa bits kept
  private final TreeMap<Double, Long> counts = new TreeMap<>();

  /** A value as this sketch keys it: rounded toward zero to {@code bits} mantissa bits. */
  public static double key(double v, int bits) {
    if (v == 0.0) {
      return 0.0; // -0.0 and 0.0 together
    }
    long mask = bits >= 52 ? -1L : ~((1L << (52 - bits)) - 1);
    return Double.longBitsToDouble(Double.doubleToRawLongBits(v) & mask);
  }

  public void add(double v) {
    if (Double.isFinite(v)) {
      counts.merge(key(v, bits), 1L, Long::sum);
      fit();
    }
  }

  public QuantileSketch merge(QuantileSketch other) {
    while (bits > other.bits) {
      coarsen();
    }
    for (Map.Entry<Double, Long> e : other.counts.entrySet()) {
      counts.merge(key(e.getKey(), bits), e.getValue(), Long::sum);
    }
    fit();
    return this;
  }

  private void fit() {
    while (counts.size() > MAX_KEYS && bits > 0) {
      coarsen();
    }
  }

  private void coarsen() {
    bits--;
    TreeMap<Double, Long> next = new TreeMap<>();
    counts.forEach((k, n) -> next.merge(key(k, bits), n, Long::sum));
    counts.clear();
    counts.putAll(next);
  }

  /** The precision reached: compare {@link #key(double, int)} of a value with these bits to the edges. */
  public int bits() {
    return bits;
  }

  /**
   * Up to {@code parts - 1} increasing edges (keys) that cut the values into groups of about equal counts: a value
   * belongs to the group of the last edge its key is at or above. Fewer edges when many values are equal.
   */
  public double[] edges(int parts) {
    long total = 0;
    for (long n : counts.values()) {
      total += n;
    }
    List<Double> edges = new ArrayList<>();
    long before = 0;
    int next = 1;
    for (Map.Entry<Double, Long> e : counts.entrySet()) {
      // A key starts a new group when the values before it reach the next share.
      while (next < parts && before >= (double) total * next / parts) {
        if (before > 0 && (edges.isEmpty() || edges.get(edges.size() - 1) < e.getKey())) {
          edges.add(e.getKey());
        }
        next++;
      }
      before += e.getValue();
    }
    double[] out = new double[edges.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = edges.get(i);
    }
    return out;
  }
}
