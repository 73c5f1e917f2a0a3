package dev.trainset.transforms.slice;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.Values;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.stats.QuantileSketch;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A row's class, from its label: the prepared label ({@code label.map} applied), its text (what {@code classCounts}
 * show) and the class the split stratifies by (that text, or {@code *} when the split is not stratified). The first
 * pass resolves label values as the input wrote them ({@link #ofToken}), the writing pass typed values ({@link #of});
 * both end in {@link Preparation#prepareLabel}, so they agree. Per-slice copies memoise up to {@link #MEMO} values.
 */
public final class LabelClasses implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int MEMO = 10_000;
  /** The split class of every row when the split is not stratified (or there is no label). */
  public static final String ALL = "*";

  /** A label value's class; {@code rejected} holds the reason when the label turns the row away. */
  public record Entry(Object prepared, String text, String splitClass, String rejected) {}

  private final Preparation prep;
  private final boolean stratified;
  private final double[] binEdges;
  private final int binBits;
  private final String[] binNames;
  private transient Map<Object, Entry> memo;

  public LabelClasses(Preparation prep, boolean stratified) {
    this(prep, stratified, null, 0);
  }

  /**
   * Classes that are quantile bins of a numeric label ({@code split.bins}): a label's class is the bin its value
   * (rounded as the sketch that found the edges rounds) falls in, named by number and range so bins sort in order:
   * {@code "03 [1.5, 2.25)"}; a missing label's is {@code missing}.
   *
   * @param binEdges the bins' lower edges after the first, increasing; null for classes by label value
   * @param binBits the sketch's precision ({@link QuantileSketch#key})
   */
  public LabelClasses(Preparation prep, boolean stratified, double[] binEdges, int binBits) {
    this.prep = prep;
    this.stratified = stratified;
    this.binEdges = binEdges;
    this.binBits = binBits;
    if (binEdges == null) {
      this.binNames = null;
    } else {
      binNames = new String[binEdges.length + 1];
      for (int i = 0; i <= binEdges.length; i++) {
        String lo = i == 0 ? "-inf" : Values.formatDouble(binEdges[i - 1]);
        String hi = i == binEdges.length ? "inf" : Values.formatDouble(binEdges[i]);
        binNames[i] = String.format(java.util.Locale.ROOT, "%02d [%s, %s)", i + 1, lo, hi);
      }
    }
  }

  /** A copy with its own memo, for one slice. */
  public LabelClasses forSlice() {
    LabelClasses c = new LabelClasses(prep, stratified, binEdges, binBits);
    c.memo = new HashMap<>();
    return c;
  }

  /** The group of a row without a group value: a group of its own, named by where the row is. */
  public static String rowGroup(int slice, long record) {
    return "\u0000row:" + slice + ":" + record;
  }

  private String bin(Object prepared) {
    if (prepared == null) {
      return "missing";
    }
    double d = QuantileSketch.key(((Number) prepared).doubleValue(), binBits);
    int i = 0;
    while (i < binEdges.length && d >= binEdges[i]) {
      i++;
    }
    return binNames[i];
  }

  public boolean hasLabel() {
    return prep.hasLabel();
  }

  /** The class of a typed label value (as the input schema types it; null when missing). */
  public Entry of(Object typed) {
    if (memo != null) {
      Entry e = memo.get(typed);
      if (e != null) {
        return e;
      }
    }
    Entry e;
    try {
      Object p = prep.prepareLabel(typed);
      String text = Preparation.labelText(p);
      e = new Entry(p, text, binNames != null ? bin(p) : stratified ? text : ALL, null);
    } catch (Preparation.Rejected r) {
      e = new Entry(null, null, null, r.getMessage());
    }
    if (memo != null && memo.size() < MEMO) {
      memo.put(typed, e);
    }
    return e;
  }

  /** The class of a label as the source wrote it, typed by the input schema's label column. */
  public Entry ofToken(Object token) {
    ColumnSpec spec = prep.input().column(prep.labelSource());
    Object typed;
    try {
      typed = token == null ? null : Values.convert(token, spec);
    } catch (IllegalArgumentException e) {
      return new Entry(null, null, null, e.getMessage());
    }
    return of(typed);
  }
}
