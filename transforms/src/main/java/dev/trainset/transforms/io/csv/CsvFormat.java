package dev.trainset.transforms.io.csv;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.parse.BadValue;
import dev.trainset.transforms.parse.CsvFieldReader;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.ReadLimits;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TextTyper;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.split.ValueHash;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/** CSV (RFC 4180) as a {@link FileFormat}, read by {@link CsvFieldReader}; the delimiter must be resolved first. */
public final class CsvFormat implements FileFormat {
  private static final long serialVersionUID = 2L;
  private final CsvSettings settings;
  private final TextEncoding encoding;
  private final ReadLimits limits;

  private CsvFormat(CsvSettings settings, TextEncoding encoding, ReadLimits limits) {
    if (settings.delimiter() == null) {
      throw new IllegalArgumentException("CsvFormat needs a resolved delimiter; sniff it first");
    }
    this.settings = settings;
    this.encoding = encoding;
    this.limits = limits;
  }

  public static CsvFormat of(CsvSettings settings) {
    return new CsvFormat(settings, TextEncoding.UTF_8, ReadLimits.DEFAULTS);
  }

  public static CsvFormat of(CsvSettings settings, TextEncoding encoding) {
    return new CsvFormat(settings, encoding, ReadLimits.DEFAULTS);
  }

  @Override
  public ReadLimits limits() {
    return limits;
  }

  @Override
  public CsvFormat withLimits(ReadLimits limits) {
    return new CsvFormat(settings, encoding, limits);
  }

  @Override
  public TextEncoding encoding() {
    return encoding;
  }

  public CsvSettings settings() {
    return settings;
  }

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public boolean lineRecords() {
    return encoding.asciiCompatible();
  }

  @Override
  public int quoteByte() {
    return settings.quote() < 0x80 ? settings.quote() : -1;
  }

  @Override
  public String toString() {
    return "csv " + settings;
  }

  @Override
  public RecordSource open(FileSlice slice, SliceInput bytes, TableSchema schema) throws IOException {
    Reader text = encoding.reader(bytes, slice.path(), bytes.firstByte());
    CsvFieldReader reader;
    long firstLine = Math.max(1, slice.firstLine());
    if (slice.isFirstOfFile()) {
      reader = CsvFieldReader.open(text, settings, limits);
    } else {
      reader = CsvFieldReader.openSlice(text, settings, header(slice.path()), firstLine, limits);
    }
    int[] mapping = null;
    if (schema != null) {
      List<String> names = reader.columns();
      mapping = new int[names.size()];
      for (int i = 0; i < mapping.length; i++) {
        mapping[i] = schema.indexOf(names.get(i));
        if (mapping[i] < 0) {
          reader.close();
          throw new IOException("column '" + names.get(i) + "' is not in the schema " + schema.names());
        }
      }
    }
    return new Records(reader, schema, mapping);
  }

  /** The column names of a file, from its first record (a header, or as many {@code cN} as it has fields). */
  private List<String> header(String path) throws IOException {
    try (SliceInput in = SliceInput.open(FileSlice.whole(0, path), false, -1, limits.inflation());
        CsvFieldReader r = CsvFieldReader.open(encoding.reader(in, path, 0), settings, limits)) {
      return r.columns();
    }
  }

  /** The records of one CSV slice. */
  private static final class Records implements RecordSource {
    private final CsvFieldReader r;
    private final TableSchema schema;
    private final int[] mapping;
    private final boolean[] present;

    Records(CsvFieldReader r, TableSchema schema, int[] mapping) {
      this.r = r;
      this.schema = schema;
      this.mapping = mapping;
      this.present = schema == null ? null : new boolean[schema.size()];
    }

    @Override
    public List<String> names() {
      return r.columns();
    }

    @Override
    public boolean next() throws IOException {
      return r.next();
    }

    @Override
    public long position() {
      return r.line();
    }

    @Override
    public String positionUnit() {
      return "line";
    }

    @Override
    public boolean isBad() {
      return r.isBad();
    }

    @Override
    public String badReason() {
      return r.badReason();
    }

    @Override
    public String raw() {
      return r.raw();
    }

    @Override
    public int fieldCount() {
      return r.count();
    }

    @Override
    public int nameIndex(int k) {
      return k;
    }

    @Override
    public boolean isMissing(int k) {
      return r.isMissing(k);
    }

    @Override
    public long hash(int k) {
      return ValueHash.chars(r.chars(), r.start(k), r.length(k));
    }

    @Override
    public Object token(int k) {
      return r.isMissing(k) ? null : r.text(k);
    }

    @Override
    public void countKinds(KindCounter kinds, long position) {
      int n = r.count();
      char[] c = r.chars();
      for (int k = 0; k < n; k++) {
        if (r.isMissing(k)) {
          kinds.missing(k);
        } else {
          kinds.text(k, c, r.start(k), r.length(k));
        }
      }
      kinds.record();
    }

    @Override
    public void type(TypedRow out) {
      int n = r.count();
      char[] c = r.chars();
      java.util.Arrays.fill(present, false);
      for (int k = 0; k < n; k++) {
        int j = mapping[k];
        present[j] = true;
        if (r.isMissing(k)) {
          if (!schema.column(j).nullable()) {
            throw BadValue.missingRequired(schema.column(j));
          }
          out.setNull(j);
        } else {
          TextTyper.type(schema.column(j), c, r.start(k), r.length(k), out, j);
        }
      }
      for (int j = 0; j < present.length; j++) {
        if (!present[j]) {
          if (!schema.column(j).nullable()) {
            throw BadValue.missingRequired(schema.column(j));
          }
          out.setNull(j);
        }
      }
    }

    @Override
    public void close() throws IOException {
      r.close();
    }
  }
}
