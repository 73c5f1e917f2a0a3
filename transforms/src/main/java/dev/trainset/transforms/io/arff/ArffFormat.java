package dev.trainset.transforms.io.arff;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.TypedSource;
import dev.trainset.transforms.parse.ArffReader;
import dev.trainset.transforms.parse.RecordTyper;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.SourceRecord;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.io.Reader;

/** Weka ARFF as a {@link FileFormat}: the header declares the schema, so no inference pass is needed. */
public final class ArffFormat implements FileFormat {
  public static ArffFormat of() {
    return new ArffFormat();
  }

  @Override
  public String name() {
    return "arff";
  }

  @Override
  public TableSchema declaredSchema(String source, Reader reader) throws IOException {
    try (ArffReader r = ArffReader.open(reader)) {
      return r.schema();
    }
  }

  @Override
  public long infer(String source, Reader reader, SchemaAccumulator into, long limit) {
    throw new UnsupportedOperationException("ARFF declares its schema; there is nothing to infer");
  }

  @Override
  public TypedSource open(String source, Reader reader, RecordTyper typer) throws IOException {
    ArffReader r = ArffReader.open(reader);
    int[] mapping;
    try {
      mapping = typer.mapping(r.schema().names());
    } catch (IllegalArgumentException e) {
      r.close();
      throw new IOException("its @attribute declarations differ from the schema: " + e.getMessage(), e);
    }
    return new TypedSource() {
      @Override
      public SourceRecord<Object[]> next() throws IOException {
        SourceRecord<Object[]> rec = r.next();
        if (rec == null || rec.isBad()) {
          return rec;
        }
        try {
          return SourceRecord.ok(rec.position(), typer.type(mapping, rec.values()));
        } catch (IllegalArgumentException e) {
          return SourceRecord.bad(rec.position(), java.util.Arrays.toString(rec.values()), e.getMessage());
        }
      }

      @Override
      public long lastPosition() {
        return r.lastPosition();
      }

      @Override
      public String positionUnit() {
        return "line";
      }

      @Override
      public void close() throws IOException {
        r.close();
      }
    };
  }
}
