package dev.trainset.transforms.io.arff;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.parse.ArffReader;
import dev.trainset.transforms.parse.BadValue;
import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.SourceRecord;
import dev.trainset.transforms.parse.ReadLimits;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.parse.Values;
import dev.trainset.transforms.split.ValueHash;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.List;

/** Weka ARFF as a {@link FileFormat}: the header declares the schema, so nothing is inferred; files are read whole. */
public final class ArffFormat implements FileFormat {
  private static final long serialVersionUID = 2L;

  private final TextEncoding encoding;
  private final ReadLimits limits;

  private ArffFormat(TextEncoding encoding, ReadLimits limits) {
    this.encoding = encoding;
    this.limits = limits;
  }

  public static ArffFormat of() {
    return new ArffFormat(TextEncoding.UTF_8, ReadLimits.DEFAULTS);
  }

  public static ArffFormat of(TextEncoding encoding) {
    return new ArffFormat(encoding, ReadLimits.DEFAULTS);
  }

  @Override
  public ReadLimits limits() {
    return limits;
  }

  @Override
  public ArffFormat withLimits(ReadLimits limits) {
    return new ArffFormat(encoding, limits);
  }

  @Override
  public TextEncoding encoding() {
    return encoding;
  }

  @Override
  public String name() {
    return "arff";
  }

  @Override
  public boolean lineRecords() {
    return false;
  }

  @Override
  public TableSchema declaredSchema(String source, Reader reader) throws IOException {
    try (ArffReader r = ArffReader.open(reader, limits)) {
      return r.schema();
    }
  }

  @Override
  public RecordSource open(FileSlice slice, SliceInput bytes, TableSchema schema) throws IOException {
    ArffReader r = ArffReader.open(encoding.reader(bytes, slice.path(), bytes.firstByte()), limits);
    int[] mapping = null;
    if (schema != null) {
      List<String> names = r.schema().names();
      mapping = new int[names.size()];
      for (int i = 0; i < mapping.length; i++) {
        mapping[i] = schema.indexOf(names.get(i));
        if (mapping[i] < 0) {
          r.close();
          throw new IOException(
              "its @attribute declarations differ from the schema: column '" + names.get(i) + "' is not in the schema "
                  + schema.names());
        }
      }
    }
    return new Records(r, schema, mapping);
  }

  /** The rows of one ARFF file, typed as its header declares. */
  private static final class Records implements RecordSource {
    private final ArffReader r;
    private final TableSchema schema;
    private final int[] mapping;
    private final boolean[] present;
    private SourceRecord<Object[]> rec;

    Records(ArffReader r, TableSchema schema, int[] mapping) {
      this.r = r;
      this.schema = schema;
      this.mapping = mapping;
      this.present = schema == null ? null : new boolean[schema.size()];
    }

    @Override
    public List<String> names() {
      return r.schema().names();
    }

    @Override
    public boolean next() throws IOException {
      rec = r.next();
      return rec != null;
    }

    @Override
    public long position() {
      return rec.position();
    }

    @Override
    public String positionUnit() {
      return "line";
    }

    @Override
    public boolean isBad() {
      return rec.isBad();
    }

    @Override
    public String badReason() {
      return rec.error();
    }

    @Override
    public String raw() {
      return rec.isBad() ? rec.raw() : Arrays.toString(rec.values());
    }

    @Override
    public int fieldCount() {
      return rec.isBad() ? 0 : rec.values().length;
    }

    @Override
    public int nameIndex(int k) {
      return k;
    }

    @Override
    public boolean isMissing(int k) {
      return rec.values()[k] == null;
    }

    @Override
    public long hash(int k) {
      return ValueHash.of(rec.values()[k]);
    }

    @Override
    public Object token(int k) {
      return rec.values()[k];
    }

    @Override
    public void countKinds(KindCounter kinds, long position) {
      throw new UnsupportedOperationException("ARFF declares its schema; there is nothing to infer");
    }

    @Override
    public void type(TypedRow out) {
      Object[] v = rec.values();
      Arrays.fill(present, false);
      for (int k = 0; k < v.length; k++) {
        int j = mapping[k];
        present[j] = true;
        if (v[k] == null) {
          if (!schema.column(j).nullable()) {
            throw BadValue.missingRequired(schema.column(j));
          }
          out.setNull(j);
        } else {
          out.setValue(j, schema.column(j), Values.convert(v[k], schema.column(j)));
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
