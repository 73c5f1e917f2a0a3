package dev.trainset.transforms.parse;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What schema inference learns from records: per column, the kinds of values seen (see {@link Values}), how many
 * values were missing and in how many records the column appeared at all. Accumulators merge, in any order, to the
 * same result: the column order is that of first appearance by (source name, position, index in the record), so the
 * inferred schema is the same however the input was split across workers.
 */
public final class SchemaAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, Stats> columns = new HashMap<>();
  private long records;

  static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;
    int kinds;
    int elementKinds;
    boolean lists;
    boolean scalars;
    long nulls;
    long present;
    String firstSource;
    long firstPosition;
    int firstIndex;

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Stats)) {
        return false;
      }
      Stats t = (Stats) o;
      return kinds == t.kinds && elementKinds == t.elementKinds && lists == t.lists && scalars == t.scalars
          && nulls == t.nulls && present == t.present && firstSource.equals(t.firstSource)
          && firstPosition == t.firstPosition && firstIndex == t.firstIndex;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(kinds, nulls, present, firstSource, firstPosition, firstIndex);
    }

    Stats copy() {
      Stats c = new Stats();
      c.kinds = kinds;
      c.elementKinds = elementKinds;
      c.lists = lists;
      c.scalars = scalars;
      c.nulls = nulls;
      c.present = present;
      c.firstSource = firstSource;
      c.firstPosition = firstPosition;
      c.firstIndex = firstIndex;
      return c;
    }

    /** Whether (source, position, index) comes before this column's first appearance. */
    boolean before(String source, long position, int index) {
      int c = source.compareTo(firstSource);
      if (c != 0) {
        return c < 0;
      }
      if (position != firstPosition) {
        return position < firstPosition;
      }
      return index < firstIndex;
    }
  }

  public long records() {
    return records;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SchemaAccumulator
        && records == ((SchemaAccumulator) o).records
        && columns.equals(((SchemaAccumulator) o).columns);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(records, columns);
  }

  private Stats stats(String name, String source, long position, int index) {
    Stats s = columns.get(name);
    if (s == null) {
      s = new Stats();
      s.firstSource = source;
      s.firstPosition = position;
      s.firstIndex = index;
      columns.put(name, s);
    } else if (s.before(source, position, index)) {
      s.firstSource = source;
      s.firstPosition = position;
      s.firstIndex = index;
    }
    return s;
  }

  /** Adds a text record (CSV): values aligned with names; null is missing. */
  public void addText(String source, long position, List<String> names, String[] values) {
    records++;
    for (int i = 0; i < values.length; i++) {
      Stats s = stats(names.get(i), source, position, i);
      s.present++;
      String v = values[i];
      if (v == null) {
        s.nulls++;
      } else {
        s.scalars = true;
        s.kinds |= Values.kindOf(v);
      }
    }
  }

  /** Declares the columns of a source that has no records yet, so an empty file still names its columns. */
  public void addColumns(String source, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      stats(names.get(i), source, 0, i);
    }
  }

  /** Adds a flattened JSON record. */
  public void addJson(String source, long position, Map<String, Object> record) {
    records++;
    int i = 0;
    for (Map.Entry<String, Object> e : record.entrySet()) {
      Stats s = stats(e.getKey(), source, position, i++);
      s.present++;
      Object v = e.getValue();
      if (v == null) {
        s.nulls++;
      } else if (v instanceof List) {
        s.lists = true;
        for (Object item : (List<?>) v) {
          if (item != null) {
            s.elementKinds |= Values.kindOfJson(item);
          }
        }
      } else {
        s.scalars = true;
        s.kinds |= Values.kindOfJson(v);
      }
    }
  }

  /** Counts records a {@link KindCounter} saw. */
  public void addRecords(long n) {
    records += n;
  }

  /** Adds one column's tallies (from a {@link KindCounter}), as {@link #merge} would. */
  public void addColumn(
      String name, String source, long firstPosition, int firstIndex, int kinds, int elementKinds, boolean lists,
      boolean scalars, long nulls, long present) {
    Stats o = new Stats();
    o.firstSource = source;
    o.firstPosition = firstPosition;
    o.firstIndex = firstIndex;
    o.kinds = kinds;
    o.elementKinds = elementKinds;
    o.lists = lists;
    o.scalars = scalars;
    o.nulls = nulls;
    o.present = present;
    SchemaAccumulator one = new SchemaAccumulator();
    one.columns.put(name, o);
    merge(one);
  }

  public SchemaAccumulator merge(SchemaAccumulator other) {
    records += other.records;
    for (Map.Entry<String, Stats> e : other.columns.entrySet()) {
      Stats o = e.getValue();
      Stats s = columns.get(e.getKey());
      if (s == null) {
        columns.put(e.getKey(), o.copy());
        continue;
      }
      if (s.before(o.firstSource, o.firstPosition, o.firstIndex)) {
        s.firstSource = o.firstSource;
        s.firstPosition = o.firstPosition;
        s.firstIndex = o.firstIndex;
      }
      s.kinds |= o.kinds;
      s.elementKinds |= o.elementKinds;
      s.lists |= o.lists;
      s.scalars |= o.scalars;
      s.nulls += o.nulls;
      s.present += o.present;
    }
    return this;
  }

  /**
   * The inferred schema. A column is nullable when a value was missing or the column was absent from some record;
   * with {@code allNullable} (inference from a sample) every column is nullable, since unseen rows may have gaps.
   */
  public TableSchema toSchema(boolean allNullable) {
    List<Map.Entry<String, Stats>> entries = new ArrayList<>(columns.entrySet());
    entries.sort(
        Comparator.<Map.Entry<String, Stats>, String>comparing(e -> e.getValue().firstSource)
            .thenComparingLong(e -> e.getValue().firstPosition)
            .thenComparingInt(e -> e.getValue().firstIndex)
            .thenComparing(Map.Entry::getKey));
    List<ColumnSpec> out = new ArrayList<>(entries.size());
    for (Map.Entry<String, Stats> e : entries) {
      Stats s = e.getValue();
      boolean nullable = allNullable || s.nulls > 0 || s.present < records || s.present == 0;
      if (s.lists && !s.scalars) {
        out.add(new ColumnSpec(e.getKey(), Values.typeOf(s.elementKinds), true, nullable, null));
      } else if (s.lists) {
        // lists mixed with scalars: keep everything as text
        out.add(new ColumnSpec(e.getKey(), ColumnType.STRING, false, nullable, null));
      } else {
        out.add(new ColumnSpec(e.getKey(), Values.typeOf(s.kinds), false, nullable, null));
      }
    }
    return new TableSchema(out);
  }

  /** Missing values per column, for the schema printout. */
  public Map<String, Long> nullCounts() {
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<String, Stats> e : columns.entrySet()) {
      out.put(e.getKey(), e.getValue().nulls + (records - e.getValue().present));
    }
    return out;
  }
}
