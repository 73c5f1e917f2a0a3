package dev.trainset.transforms.io.csv;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.TypedSource;
import dev.trainset.transforms.parse.CsvRecordReader;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.RecordTyper;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.SourceRecord;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/** CSV (RFC 4180) as a {@link FileFormat}; the delimiter must be resolved (sniffed) before use. */
public final class CsvFormat implements FileFormat {
  private final CsvSettings settings;
  private final long firstLine;

  private CsvFormat(CsvSettings settings, long firstLine) {
    if (settings.delimiter() == null) {
      throw new IllegalArgumentException("CsvFormat needs a resolved delimiter; sniff it first");
    }
    this.settings = settings;
    this.firstLine = firstLine;
  }

  public static CsvFormat of(CsvSettings settings) {
    return new CsvFormat(settings, 1);
  }

  @Override
  public Slicing slicing() {
    return new Slicing(settings.quote(), settings.escape() == null ? -1 : settings.escape());
  }

  @Override
  public List<String> header(Reader reader) throws IOException {
    try (CsvRecordReader r = CsvRecordReader.open(reader, settings)) {
      return r.columns();
    }
  }

  @Override
  public FileFormat forSlice(List<String> header, long startLine) {
    return new CsvFormat(settings.withHeader(false).withColumnNames(header), startLine);
  }

  @Override
  public String toString() {
    return "csv " + settings;
  }

  public CsvSettings settings() {
    return settings;
  }

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public long infer(String source, Reader reader, SchemaAccumulator into, long limit) throws IOException {
    try (CsvRecordReader r = CsvRecordReader.open(reader, settings, firstLine)) {
      into.addColumns(source, r.columns());
      long n = 0;
      SourceRecord<String[]> rec;
      while (n < limit && (rec = r.next()) != null) {
        if (!rec.isBad()) {
          into.addText(source, rec.position(), r.columns(), rec.values());
          n++;
        }
      }
      return n;
    }
  }

  @Override
  public TypedSource open(String source, Reader reader, RecordTyper typer) throws IOException {
    CsvRecordReader r = CsvRecordReader.open(reader, settings, firstLine);
    int[] mapping;
    try {
      mapping = typer.mapping(r.columns());
    } catch (IllegalArgumentException e) {
      r.close();
      throw new IOException(e.getMessage(), e);
    }
    char delimiter = settings.delimiter();
    char quote = settings.quote();
    return new TypedSource() {
      @Override
      public SourceRecord<Object[]> next() throws IOException {
        SourceRecord<String[]> rec = r.next();
        if (rec == null) {
          return null;
        }
        if (rec.isBad()) {
          return SourceRecord.bad(rec.position(), rec.raw(), rec.error());
        }
        try {
          return SourceRecord.ok(rec.position(), typer.type(mapping, rec.values()));
        } catch (IllegalArgumentException e) {
          return SourceRecord.bad(rec.position(), render(rec.values(), delimiter, quote), e.getMessage());
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

  /** The record as CSV text again (missing values empty), for rejects found after parsing. */
  static String render(String[] values, char delimiter, char quote) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        b.append(delimiter);
      }
      String v = values[i] == null ? "" : values[i];
      boolean needs = v.indexOf(delimiter) >= 0 || v.indexOf(quote) >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
      if (needs) {
        String q = String.valueOf(quote);
        b.append(quote).append(v.replace(q, q + q)).append(quote);
      } else {
        b.append(v);
      }
    }
    return b.toString();
  }
}
