package dev.trainset.transforms.io.parquet;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.TableSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Type;

/**
 * The Avro schema ParquetIO writes with, derived from a table schema. Avro (and so parquet-avro) only allows names of
 * {@code [A-Za-z_][A-Za-z0-9_]*}: other characters become {@code _}, a leading digit gets a {@code _} in front, and
 * clashes get {@code _2}, {@code _3}... The manifest records each such {@code parquetName}. Timestamps are {@code
 * timestamp-millis}; nullable columns are unions with null.
 */
public final class AvroSchemas {
  private AvroSchemas() {}

  public static Schema toAvro(TableSchema table) {
    List<String> names = fieldNames(table);
    List<Schema.Field> fields = new ArrayList<>(table.size());
    for (int i = 0; i < table.size(); i++) {
      ColumnSpec c = table.column(i);
      Schema t = scalar(c);
      if (c.list()) {
        t = Schema.createArray(Schema.createUnion(Schema.create(Type.NULL), t));
      }
      if (c.nullable()) {
        fields.add(
            new Schema.Field(
                names.get(i), Schema.createUnion(Schema.create(Type.NULL), t), null, Schema.Field.NULL_DEFAULT_VALUE));
      } else {
        fields.add(new Schema.Field(names.get(i), t, null, (Object) null));
      }
    }
    return Schema.createRecord("TrainsetRow", null, "dev.trainset", false, fields);
  }

  private static Schema scalar(ColumnSpec c) {
    switch (c.type()) {
      case BOOLEAN:
        return Schema.create(Type.BOOLEAN);
      case LONG:
        return Schema.create(Type.LONG);
      case DOUBLE:
        return Schema.create(Type.DOUBLE);
      case TIMESTAMP:
        return LogicalTypes.timestampMillis().addToSchema(Schema.create(Type.LONG));
      default:
        return Schema.create(Type.STRING);
    }
  }

  /** The Avro/Parquet field name of every column, in order. */
  public static List<String> fieldNames(TableSchema table) {
    List<String> out = new ArrayList<>(table.size());
    Set<String> used = new HashSet<>();
    for (ColumnSpec c : table.columns()) {
      String base = sanitize(c.name());
      String name = base;
      for (int k = 2; !used.add(name); k++) {
        name = base + "_" + k;
      }
      out.add(name);
    }
    return out;
  }

  static String sanitize(String name) {
    StringBuilder b = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
      if (!ok && i == 0 && c >= '0' && c <= '9') {
        b.append('_').append(c);
      } else {
        b.append(ok ? c : '_');
      }
    }
    return b.length() == 0 ? "_" : b.toString();
  }
}
