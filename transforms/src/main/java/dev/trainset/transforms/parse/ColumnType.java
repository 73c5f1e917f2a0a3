package dev.trainset.transforms.parse;

import java.util.Locale;

/** The scalar types a column can have. A list column is a {@link ColumnSpec} with {@code list=true}. */
public enum ColumnType {
  BOOLEAN,
  LONG,
  DOUBLE,
  TIMESTAMP,
  STRING;

  /** Parses a type name as written in configuration; accepts common aliases (int, float, date...). */
  public static ColumnType parse(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "boolean":
      case "bool":
        return BOOLEAN;
      case "long":
      case "int":
      case "integer":
      case "int64":
        return LONG;
      case "double":
      case "float":
      case "real":
      case "number":
      case "numeric":
        return DOUBLE;
      case "timestamp":
      case "datetime":
      case "date":
        return TIMESTAMP;
      case "string":
      case "text":
        return STRING;
      default:
        throw new IllegalArgumentException(
            "unknown column type '" + name + "' (expected boolean, long, double, timestamp or string)");
    }
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
