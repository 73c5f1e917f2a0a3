package dev.trainset.transforms.io.json;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.parse.BadValue;
import dev.trainset.transforms.parse.JsonRecordReader;
import dev.trainset.transforms.parse.JsonSettings;
import dev.trainset.transforms.parse.JsonText;
import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.SourceRecord;
import dev.trainset.transforms.parse.ReadLimits;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.parse.Values;
import dev.trainset.transforms.split.ValueHash;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** JSON Lines, a top-level JSON array, or records under a path in a JSON document, as a {@link FileFormat}. */
public final class JsonFormat implements FileFormat {
  private static final long serialVersionUID = 3L;
  private final JsonSettings settings;
  private final TextEncoding encoding;
  private final ReadLimits limits;
  private final boolean countExtraFields;

  private JsonFormat(JsonSettings settings, TextEncoding encoding, ReadLimits limits, boolean countExtraFields) {
    this.settings = settings;
    this.encoding = encoding;
    this.limits = limits;
    this.countExtraFields = countExtraFields;
  }

  public static JsonFormat of(JsonSettings settings) {
    return new JsonFormat(settings, TextEncoding.UTF_8, ReadLimits.DEFAULTS, false);
  }

  public static JsonFormat of(JsonSettings settings, TextEncoding encoding) {
    return new JsonFormat(settings, encoding, ReadLimits.DEFAULTS, false);
  }

  /**
   * This format, keeping a record whose fields are not all in the declared schema: the others are left out and named
   * by {@link RecordSource#extraFields} (a stream counts them per window). Without it such a record is turned away.
   */
  public JsonFormat withExtraFieldsCounted() {
    return new JsonFormat(settings, encoding, limits, true);
  }

  @Override
  public ReadLimits limits() {
    return limits;
  }

  @Override
  public JsonFormat withLimits(ReadLimits limits) {
    return new JsonFormat(settings, encoding, limits, countExtraFields);
  }

  @Override
  public TextEncoding encoding() {
    return encoding;
  }

  /** JSON Lines may be cut between any two lines: a JSON string cannot hold a raw line break. */
  @Override
  public boolean lineRecords() {
    return settings.linesOnly() && encoding.asciiCompatible();
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
  public RecordSource open(FileSlice slice, SliceInput bytes, TableSchema schema) throws IOException {
    JsonRecordReader r =
        JsonRecordReader.open(
            encoding.reader(bytes, slice.path(), bytes.firstByte()), settings, Math.max(1, slice.firstLine()), limits);
    return new Records(r, schema, countExtraFields);
  }

  /** The records of one JSON slice: each flattened object's fields, named by first appearance in the slice. */
  private static final class Records implements RecordSource {
    private final JsonRecordReader r;
    private final TableSchema schema;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private int[] toSchema = new int[16];
    private boolean[] present;
    private SourceRecord<Map<String, Object>> rec;
    private int[] nameIndexes = new int[16];
    private Object[] values = new Object[16];
    private int count;
    private final boolean countExtra;
    private final List<String> extra = new ArrayList<>();

    Records(JsonRecordReader r, TableSchema schema, boolean countExtra) {
      this.r = r;
      this.schema = schema;
      this.present = schema == null ? null : new boolean[schema.size()];
      this.countExtra = countExtra;
    }

    @Override
    public List<String> extraFields() {
      return extra;
    }

    @Override
    public List<String> names() {
      return names;
    }

    @Override
    public boolean next() throws IOException {
      rec = r.next();
      if (rec == null) {
        return false;
      }
      count = 0;
      if (!rec.isBad()) {
        Map<String, Object> m = rec.values();
        if (m.size() > values.length) {
          values = Arrays.copyOf(values, m.size() * 2);
          nameIndexes = Arrays.copyOf(nameIndexes, m.size() * 2);
        }
        for (Map.Entry<String, Object> e : m.entrySet()) {
          nameIndexes[count] = nameIndex(e.getKey());
          values[count] = e.getValue();
          count++;
        }
      }
      return true;
    }

    private int nameIndex(String name) {
      Integer i = index.get(name);
      if (i != null) {
        return i;
      }
      int n = names.size();
      names.add(name);
      index.put(name, n);
      if (n >= toSchema.length) {
        toSchema = Arrays.copyOf(toSchema, n * 2);
      }
      toSchema[n] = schema == null ? -1 : schema.indexOf(name);
      return n;
    }

    @Override
    public long position() {
      return rec.position();
    }

    @Override
    public String positionUnit() {
      return r.positionUnit();
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
      return rec.isBad() ? rec.raw() : JsonText.of(rec.values());
    }

    @Override
    public int fieldCount() {
      return count;
    }

    @Override
    public int nameIndex(int k) {
      return nameIndexes[k];
    }

    @Override
    public boolean isMissing(int k) {
      return values[k] == null;
    }

    @Override
    public long hash(int k) {
      return ValueHash.of(values[k]);
    }

    @Override
    public Object token(int k) {
      return values[k];
    }

    @Override
    public void countKinds(KindCounter kinds, long position) {
      for (int k = 0; k < count; k++) {
        kinds.seen(nameIndexes[k], position, k);
        kinds.json(nameIndexes[k], values[k]);
      }
      kinds.record();
    }

    @Override
    public void type(TypedRow out) {
      Arrays.fill(present, false);
      extra.clear();
      for (int k = 0; k < count; k++) {
        int j = toSchema[nameIndexes[k]];
        if (j < 0) {
          if (countExtra) {
            extra.add(names.get(nameIndexes[k]));
            continue;
          }
          throw new BadValue("field '" + names.get(nameIndexes[k]) + "' is not in the schema");
        }
        present[j] = true;
        Object v = values[k];
        if (v == null) {
          if (!schema.column(j).nullable()) {
            throw BadValue.missingRequired(schema.column(j));
          }
          out.setNull(j);
        } else {
          out.setValue(j, schema.column(j), Values.convert(v, schema.column(j)));
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
