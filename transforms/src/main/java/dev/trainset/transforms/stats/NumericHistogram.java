package dev.trainset.transforms.stats;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mergeable histogram of at most {@link #MAX_BINS} bins whose width is a power of two and whose edges are multiples
 * of the width. The width is the smallest power of two (from 2^-20) at which the values fit in the bins, so the result
 * depends only on the values, not on the order they arrive or how partial histograms are merged.
 */
public final class NumericHistogram implements Serializable {
  public static final int MAX_BINS = 48;
  private static final int MIN_EXP = -20;

  private int exp;
  private final TreeMap<Long, Long> bins = new TreeMap<>();

  /** A histogram of any numbers: bins as narrow as 2^-20. */
  public NumericHistogram() {
    this(MIN_EXP);
  }

  /** @param minExp the narrowest bin is 2^minExp (0 for whole numbers: no bin narrower than 1) */
  public NumericHistogram(int minExp) {
    this.exp = minExp;
  }

  public void add(double v) {
    addCount(v, 1);
  }

  private void addCount(double v, long n) {
    if (!Double.isFinite(v)) {
      return;
    }
    while (Math.abs(Math.scalb(v, -exp)) > 0x1p52) {
      coarsen();
    }
    long key = (long) Math.floor(Math.scalb(v, -exp));
    bins.merge(key, n, Long::sum);
    fit();
  }

  public NumericHistogram merge(NumericHistogram other) {
    while (exp < other.exp) {
      coarsen();
    }
    for (Map.Entry<Long, Long> e : other.bins.entrySet()) {
      long key = e.getKey();
      for (int k = other.exp; k < exp; k++) {
        key = Math.floorDiv(key, 2);
      }
      bins.merge(key, e.getValue(), Long::sum);
    }
    fit();
    return this;
  }

  private void fit() {
    while (!bins.isEmpty() && bins.lastKey() - bins.firstKey() + 1 > MAX_BINS) {
      coarsen();
    }
  }

  private void coarsen() {
    TreeMap<Long, Long> next = new TreeMap<>();
    for (Map.Entry<Long, Long> e : bins.entrySet()) {
      next.merge(Math.floorDiv(e.getKey(), 2), e.getValue(), Long::sum);
    }
    bins.clear();
    bins.putAll(next);
    exp++;
  }

  /** Bin lower edges, width and counts, from the first to the last non-empty bin (empty bins in between included). */
  public double width() {
    return Math.scalb(1.0, exp);
  }

  public double[] lowerEdges() {
    if (bins.isEmpty()) {
      return new double[0];
    }
    int n = (int) (bins.lastKey() - bins.firstKey() + 1);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.scalb((double) (bins.firstKey() + i), exp);
    }
    return out;
  }

  public long[] counts() {
    if (bins.isEmpty()) {
      return new long[0];
    }
    int n = (int) (bins.lastKey() - bins.firstKey() + 1);
    long[] out = new long[n];
    for (Map.Entry<Long, Long> e : bins.entrySet()) {
      out[(int) (e.getKey() - bins.firstKey())] = e.getValue();
    }
    return out;
  }
}
