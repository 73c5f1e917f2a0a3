package dev.trainset.transforms.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A mergeable histogram of at most {@link #MAX_BINS} bins whose width is a power of two and whose edges are multiples
 * of the width. The width is the smallest power of two (from 2^-20) at which the values fit in the bins, so the result
 * depends only on the values, not on the order they arrive or how partial histograms are merged. Counts live in one
 * array: adding a value is a multiplication, a floor and an increment.
 */
public final class NumericHistogram implements Serializable {
  private static final long serialVersionUID = 2L;
  public static final int MAX_BINS = 48;
  private static final int MIN_EXP = -20;

  private int exp;
  private long lo; // key of counts[0]
  private long hi; // the highest key with a count
  private long[] counts = new long[MAX_BINS];
  private boolean empty = true;

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
    addKey((long) Math.floor(Math.scalb(v, -exp)), n);
  }

  private void addKey(long key, long n) {
    if (empty) {
      lo = key;
      hi = key;
      counts[0] = n;
      empty = false;
      return;
    }
    while (Math.max(hi, key) - Math.min(lo, key) + 1 > MAX_BINS) {
      coarsen();
      key = Math.floorDiv(key, 2);
    }
    if (key < lo) {
      int shift = (int) (lo - key);
      System.arraycopy(counts, 0, counts, shift, (int) (hi - lo + 1));
      Arrays.fill(counts, 0, shift, 0);
      lo = key;
    }
    if (key > hi) {
      hi = key;
    }
    counts[(int) (key - lo)] += n;
  }

  private void coarsen() {
    if (!empty) {
      long[] next = new long[MAX_BINS];
      long nlo = Math.floorDiv(lo, 2);
      for (long k = lo; k <= hi; k++) {
        next[(int) (Math.floorDiv(k, 2) - nlo)] += counts[(int) (k - lo)];
      }
      counts = next;
      lo = nlo;
      hi = Math.floorDiv(hi, 2);
    }
    exp++;
  }

  public NumericHistogram merge(NumericHistogram other) {
    while (exp < other.exp) {
      coarsen();
    }
    if (other.empty) {
      return this;
    }
    for (long k = other.lo; k <= other.hi; k++) {
      long n = other.counts[(int) (k - other.lo)];
      if (n == 0) {
        continue;
      }
      long key = k;
      for (int e = other.exp; e < exp; e++) {
        key = Math.floorDiv(key, 2);
      }
      addKey(key, n);
    }
    return this;
  }

  /** The bin width. */
  public double width() {
    return Math.scalb(1.0, exp);
  }

  /** Bin lower edges, from the first to the last non-empty bin (empty bins in between included). */
  public double[] lowerEdges() {
    if (empty) {
      return new double[0];
    }
    int n = (int) (hi - lo + 1);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.scalb((double) (lo + i), exp);
    }
    return out;
  }

  public long[] counts() {
    if (empty) {
      return new long[0];
    }
    return Arrays.copyOf(counts, (int) (hi - lo + 1));
  }
}
