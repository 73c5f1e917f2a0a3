package dev.trainset.transforms.io.json;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.TypedSource;
import dev.trainset.transforms.parse.JsonRecordReader;
import dev.trainset.transforms.parse.JsonSettings;
import dev.trainset.transforms.parse.JsonText;
import dev.trainset.transforms.parse.RecordTyper;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.SourceRecord;
import java.io.IOException;
import java.io.Reader;
import java.util.Map;

/** JSON Lines, a top-level JSON array, or records under a path in a JSON document, as a {@link FileFormat}. */
public final class JsonFormat implements FileFormat {
  private final JsonSettings settings;
  private final long firstLine;

  private JsonFormat(JsonSettings settings, long firstLine) {
    this.settings = settings;
    this.firstLine = firstLine;
  }

  public static JsonFormat of(JsonSettings settings) {
    return new JsonFormat(settings, 1);
  }

  /** JSON Lines may be cut anywhere between lines: JSON strings cannot hold a raw line break. */
  @Override
  public Slicing slicing() {
    return settings.linesOnly() ? new Slicing(-1, -1) : null;
  }

  @Override
  public FileFormat forSlice(java.util.List<String> header, long startLine) {
    return new JsonFormat(settings, startLine);
  }

  @Override
  public String toString() {
    return name() + " " + settings;
  }

  @Override
  public String name() {
    return settings.linesOnly() ? "jsonl" : "json";
  }

  @Override
  public long infer(String source, Reader reader, SchemaAccumulator into, long limit) throws IOException {
    try (JsonRecordReader r = JsonRecordReader.open(reader, settings, firstLine)) {
      long n = 0;
      SourceRecord<Map<String, Object>> rec;
      while (n < limit && (rec = r.next()) != null) {
        if (!rec.isBad()) {
          into.addJson(source, rec.position(), rec.values());
          n++;
        }
      }
      return n;
    }
  }

  @Override
  public TypedSource open(String source, Reader reader, RecordTyper typer) throws IOException {
    JsonRecordReader r = JsonRecordReader.open(reader, settings, firstLine);
    return new TypedSource() {
      @Override
      public SourceRecord<Object[]> next() throws IOException {
        SourceRecord<Map<String, Object>> rec = r.next();
        if (rec == null) {
          return null;
        }
        if (rec.isBad()) {
          return SourceRecord.bad(rec.position(), rec.raw(), rec.error());
        }
        try {
          return SourceRecord.ok(rec.position(), typer.type(rec.values()));
        } catch (IllegalArgumentException e) {
          return SourceRecord.bad(rec.position(), JsonText.of(rec.values()), e.getMessage());
        }
      }

      @Override
      public long lastPosition() {
        return r.lastPosition();
      }

      @Override
      public String positionUnit() {
        return r.positionUnit();
      }

      @Override
      public void close() throws IOException {
        r.close();
      }
    };
  }
}
