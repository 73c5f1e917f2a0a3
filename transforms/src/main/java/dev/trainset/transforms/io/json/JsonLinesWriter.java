package dev.trainset.transforms.io.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.trainset.transforms.io.RowWriter;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** JSON Lines: one object per row with the column names as keys, nulls kept, timestamps in ISO-8601 UTC. */
public final class JsonLinesWriter implements RowWriter {
  private static final JsonFactory JSON = new JsonFactory();
  private final ColumnSpec[] columns;
  private final GZIPOutputStream gz;
  private final Writer out;
  private final JsonGenerator g;
  private boolean any;

  public JsonLinesWriter(TableSchema schema, boolean gzip, OutputStream os) throws IOException {
    this.columns = schema.columns().toArray(new ColumnSpec[0]);
    this.gz = gzip ? new GZIPOutputStream(os, 1 << 16) : null;
    this.out = new BufferedWriter(new OutputStreamWriter(gzip ? gz : os, StandardCharsets.UTF_8), 1 << 16);
    this.g = JSON.createGenerator(out);
    g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
  }

  @Override
  public void write(TypedRow row) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < columns.length; i++) {
      ColumnSpec c = columns[i];
      g.writeFieldName(c.name());
      if (row.isNull(i)) {
        g.writeNull();
      } else if (c.list()) {
        g.writeStartArray();
        for (Object e : (List<?>) row.getObject(i)) {
          writeBoxed(e);
        }
        g.writeEndArray();
      } else {
        switch (c.type()) {
          case LONG:
            g.writeNumber(row.getLong(i));
            break;
          case DOUBLE:
            double d = row.getDouble(i);
            if (Double.isFinite(d)) {
              g.writeNumber(d);
            } else {
              g.writeNull();
            }
            break;
          case BOOLEAN:
            g.writeBoolean(row.getBoolean(i));
            break;
          case TIMESTAMP:
            g.writeString(TypedRow.instant(row.getLong(i)).toString());
            break;
          default:
            g.writeString((String) row.getObject(i));
        }
      }
    }
    g.writeEndObject();
    any = true;
  }

  private void writeBoxed(Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Long) {
      g.writeNumber((Long) v);
    } else if (v instanceof Double) {
      double d = (Double) v;
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        g.writeNull();
      }
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else {
      g.writeString(v.toString()); // strings, and timestamps (Instant's ISO-8601 UTC form)
    }
  }

  @Override
  public void finish() throws IOException {
    g.flush();
    if (any) {
      out.write('\n');
    }
    out.flush();
    if (gz != null) {
      gz.finish();
    }
    out.close();
  }
}
