package dev.trainset.transforms.schema;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/** Maps trainset table schemas to Beam row schemas, and typed values to Beam rows. */
public final class BeamSchemas {
  private BeamSchemas() {}

  public static Schema toBeam(TableSchema table) {
    Schema.Builder b = Schema.builder();
    for (ColumnSpec c : table.columns()) {
      FieldType t = scalar(c);
      if (c.list()) {
        t = FieldType.array(t.withNullable(true));
      }
      b.addField(Schema.Field.of(c.name(), t).withNullable(c.nullable()));
    }
    return b.build();
  }

  private static FieldType scalar(ColumnSpec c) {
    switch (c.type()) {
      case BOOLEAN:
        return FieldType.BOOLEAN;
      case LONG:
        return FieldType.INT64;
      case DOUBLE:
        return FieldType.DOUBLE;
      case TIMESTAMP:
        return FieldType.DATETIME;
      default:
        return FieldType.STRING;
    }
  }

  /** Builds a row from typed values (as {@link dev.trainset.transforms.parse.RecordTyper} makes them). */
  public static Row toRow(Schema schema, Object[] values) {
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v instanceof Instant) {
        values[i] = new org.joda.time.Instant(((Instant) v).toEpochMilli());
      } else if (v instanceof List) {
        List<?> in = (List<?>) v;
        List<Object> out = new ArrayList<>(in.size());
        for (Object e : in) {
          out.add(e instanceof Instant ? new org.joda.time.Instant(((Instant) e).toEpochMilli()) : e);
        }
        values[i] = out;
      }
    }
    return Row.withSchema(schema).attachValues(Arrays.asList(values));
  }
}
