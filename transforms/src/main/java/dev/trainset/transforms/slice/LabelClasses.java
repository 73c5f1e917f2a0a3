package dev.trainset.transforms.slice;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.Values;
import dev.trainset.transforms.prepare.Preparation;
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
  private transient Map<Object, Entry> memo;

  public LabelClasses(Preparation prep, boolean stratified) {
    this.prep = prep;
    this.stratified = stratified;
  }

  /** A copy with its own memo, for one slice. */
  public LabelClasses forSlice() {
    LabelClasses c = new LabelClasses(prep, stratified);
    c.memo = new HashMap<>();
    return c;
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
      e = new Entry(p, text, stratified ? text : ALL, null);
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
