package dev.trainset.transforms.parse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One row of typed values, held in primitive arrays and reused from row to row, so reading, preparing, writing and
 * counting a row allocates nothing for numbers. Column {@code i} holds, as its schema says:
 *
 * <ul>
 *   <li>long: {@link #getLong}; boolean: {@link #getBoolean} (stored as 1/0); timestamp: {@link #getLong}, in
 *       microseconds since the epoch, UTC;
 *   <li>double: {@link #getDouble};
 *   <li>string: {@link #getObject} as a {@code String}; a list column: a {@code List} of boxed element values (Long,
 *       Double, Boolean, {@link Instant}, String, or null).
 * </ul>
 *
 * A row belongs to one thread; it is not a value to keep: copy what must outlive the next row.
 */
public final class TypedRow {
  private final long[] longs;
  private final double[] doubles;
  private final Object[] objects;
  private final boolean[] nulls;

  public TypedRow(int columns) {
    longs = new long[columns];
    doubles = new double[columns];
    objects = new Object[columns];
    nulls = new boolean[columns];
    Arrays.fill(nulls, true);
  }

  public int size() {
    return nulls.length;
  }

  /** Every column null. */
  public void clear() {
    Arrays.fill(nulls, true);
    Arrays.fill(objects, null);
  }

  public boolean isNull(int i) {
    return nulls[i];
  }

  public long getLong(int i) {
    return longs[i];
  }

  public double getDouble(int i) {
    return doubles[i];
  }

  public boolean getBoolean(int i) {
    return longs[i] != 0;
  }

  public Object getObject(int i) {
    return objects[i];
  }

  public void setNull(int i) {
    nulls[i] = true;
    objects[i] = null;
  }

  public void setLong(int i, long v) {
    longs[i] = v;
    nulls[i] = false;
  }

  public void setDouble(int i, double v) {
    doubles[i] = v;
    nulls[i] = false;
  }

  public void setBoolean(int i, boolean v) {
    longs[i] = v ? 1 : 0;
    nulls[i] = false;
  }

  public void setObject(int i, Object v) {
    objects[i] = v;
    nulls[i] = v == null;
  }

  /** Copies column {@code from} of another row into column {@code to} of this one. */
  public void copy(TypedRow source, int from, int to) {
    nulls[to] = source.nulls[from];
    longs[to] = source.longs[from];
    doubles[to] = source.doubles[from];
    objects[to] = source.objects[from];
  }

  /**
   * Sets a column from a boxed value as {@link Values#convert} gives it (Long, Double, Boolean, Instant, String,
   * List), for the slow paths (JSON, ARFF, constants).
   */
  public void setValue(int i, ColumnSpec spec, Object v) {
    if (v == null) {
      setNull(i);
      return;
    }
    if (spec.list()) {
      setObject(i, v);
      return;
    }
    switch (spec.type()) {
      case LONG:
        setLong(i, (Long) v);
        break;
      case DOUBLE:
        setDouble(i, (Double) v);
        break;
      case BOOLEAN:
        setBoolean(i, (Boolean) v);
        break;
      case TIMESTAMP:
        setLong(i, micros((Instant) v));
        break;
      default:
        setObject(i, v);
    }
  }

  /** Column {@code i} as a boxed value (Long, Double, Boolean, Instant, String, List), or null. */
  public Object value(int i, ColumnSpec spec) {
    if (nulls[i]) {
      return null;
    }
    if (spec.list()) {
      return objects[i];
    }
    switch (spec.type()) {
      case LONG:
        return longs[i];
      case DOUBLE:
        return doubles[i];
      case BOOLEAN:
        return longs[i] != 0;
      case TIMESTAMP:
        return instant(longs[i]);
      default:
        return objects[i];
    }
  }

  /** Every column boxed, in schema order. */
  public List<Object> values(TableSchema schema) {
    List<Object> out = new ArrayList<>(schema.size());
    for (int i = 0; i < schema.size(); i++) {
      out.add(value(i, schema.column(i)));
    }
    return out;
  }

  public static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  public static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }
}
