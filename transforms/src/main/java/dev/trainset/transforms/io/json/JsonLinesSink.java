package dev.trainset.transforms.io.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import dev.trainset.transforms.io.RowFileSink;
import dev.trainset.transforms.io.TextRowSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/** JSON Lines: one object per row with the column names as keys, nulls kept, timestamps in ISO-8601 UTC. */
public final class JsonLinesSink extends TextRowSink {
  private static final JsonFactory JSON = new JsonFactory();
  private final List<String> names;

  public JsonLinesSink(List<String> names, boolean gzip) {
    super(gzip);
    this.names = List.copyOf(names);
  }

  @Override
  public RowFileSink copy() {
    return new JsonLinesSink(names, gzip());
  }

  @Override
  protected void render(Row row, StringBuilder line) {
    try (SegmentedStringWriter w = new SegmentedStringWriter(JSON._getBufferRecycler());
        JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      for (int i = 0; i < names.size(); i++) {
        g.writeFieldName(names.get(i));
        write(g, row.getValue(i));
      }
      g.writeEndObject();
      g.flush();
      line.append(w.getAndClear());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
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
    } else if (v instanceof ReadableInstant) {
      g.writeString(java.time.Instant.ofEpochMilli(((ReadableInstant) v).getMillis()).toString());
    } else if (v instanceof List) {
      g.writeStartArray();
      for (Object e : (List<?>) v) {
        write(g, e);
      }
      g.writeEndArray();
    } else {
      g.writeString(v.toString());
    }
  }
}
