package dev.trainset.transforms.parse;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One column of a table: its name, scalar type, whether it holds lists of that type, whether it may be null, and for
 * ARFF nominal attributes the declared domain (values outside it are bad records).
 */
public final class ColumnSpec implements Serializable {
  private final String name;
  private final ColumnType type;
  private final boolean list;
  private final boolean nullable;
  private final List<String> domain;

  public ColumnSpec(String name, ColumnType type, boolean list, boolean nullable, List<String> domain) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.list = list;
    this.nullable = nullable;
    this.domain = domain == null ? null : List.copyOf(domain);
  }

  public static ColumnSpec of(String name, ColumnType type) {
    return new ColumnSpec(name, type, false, true, null);
  }

  public String name() {
    return name;
  }

  public ColumnType type() {
    return type;
  }

  public boolean list() {
    return list;
  }

  public boolean nullable() {
    return nullable;
  }

  /** The nominal domain, or null when the column is not nominal. */
  public List<String> domain() {
    return domain;
  }

  public ColumnSpec withType(ColumnType newType) {
    // A declared domain only makes sense for a string column.
    return new ColumnSpec(name, newType, list, nullable, newType == ColumnType.STRING ? domain : null);
  }

  public ColumnSpec withNullable(boolean newNullable) {
    return new ColumnSpec(name, type, list, newNullable, domain);
  }

  public String describeType() {
    return list ? "list<" + type.configName() + ">" : type.configName();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ColumnSpec)) {
      return false;
    }
    ColumnSpec c = (ColumnSpec) o;
    return name.equals(c.name)
        && type == c.type
        && list == c.list
        && nullable == c.nullable
        && Objects.equals(domain, c.domain);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, list, nullable, domain);
  }

  @Override
  public String toString() {
    return name + ":" + describeType() + (nullable ? "" : " not null") + (domain == null ? "" : " " + domain);
  }
}
