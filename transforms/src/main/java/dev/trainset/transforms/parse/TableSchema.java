package dev.trainset.transforms.parse;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An ordered list of columns with unique names. Immutable. */
public final class TableSchema implements Serializable {
  private final List<ColumnSpec> columns;
  private final Map<String, Integer> index;

  public TableSchema(List<ColumnSpec> columns) {
    this.columns = List.copyOf(columns);
    Map<String, Integer> idx = new HashMap<>();
    for (int i = 0; i < this.columns.size(); i++) {
      if (idx.put(this.columns.get(i).name(), i) != null) {
        throw new IllegalArgumentException("duplicate column name '" + this.columns.get(i).name() + "'");
      }
    }
    this.index = idx;
  }

  public List<ColumnSpec> columns() {
    return columns;
  }

  public int size() {
    return columns.size();
  }

  public ColumnSpec column(int i) {
    return columns.get(i);
  }

  /** Index of the named column, or -1. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  public List<String> names() {
    List<String> names = new ArrayList<>(columns.size());
    for (ColumnSpec c : columns) {
      names.add(c.name());
    }
    return names;
  }

  /** Applies per-column type overrides; every overridden column must exist. */
  public TableSchema withOverrides(Map<String, ColumnType> overrides) {
    for (String name : overrides.keySet()) {
      if (indexOf(name) < 0) {
        throw new IllegalArgumentException(
            "schema.columns." + name + ": no such column (columns are " + names() + ")");
      }
    }
    List<ColumnSpec> out = new ArrayList<>(columns.size());
    for (ColumnSpec c : columns) {
      ColumnType t = overrides.get(c.name());
      out.add(t == null ? c : c.withType(t));
    }
    return new TableSchema(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableSchema && columns.equals(((TableSchema) o).columns);
  }

  @Override
  public int hashCode() {
    return Objects.hash(columns);
  }

  @Override
  public String toString() {
    return columns.toString();
  }
}
