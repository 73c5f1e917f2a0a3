package dev.trainset.transforms.io.parquet;

import dev.trainset.transforms.io.RowWriter;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Parquet files written with parquet-java straight from {@link TypedRow}s (no Avro record in between). Column names
 * are the schema's, exactly ({@code nested.k}, {@code sepal length (cm)}): Parquet, DuckDB, pandas and Spark read
 * them as they are. Types: boolean, int64, double, string (UTF-8 binary), timestamps as int64 {@code TIMESTAMP(MICROS,
 * UTC)}, and list columns as the standard three-level {@code LIST} of optional elements; a column that may be null is
 * optional, one that may not is required.
 */
public final class ParquetRowWriter implements RowWriter {
  /** Compression codecs users can choose. */
  public enum Codec {
    SNAPPY(CompressionCodecName.SNAPPY),
    ZSTD(CompressionCodecName.ZSTD),
    GZIP(CompressionCodecName.GZIP),
    NONE(CompressionCodecName.UNCOMPRESSED);

    final CompressionCodecName parquet;

    Codec(CompressionCodecName parquet) {
      this.parquet = parquet;
    }

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final int DEFAULT_ROW_GROUP_BYTES = 64 * 1024 * 1024;

  private final ParquetWriter<TypedRow> writer;

  public ParquetRowWriter(TableSchema schema, Codec codec, long rowGroupBytes, OutputStream out) throws IOException {
    Builder b =
        new Builder(new StreamOutputFile(out), schema)
            .withCompressionCodec(codec.parquet)
            .withRowGroupSize(rowGroupBytes)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withConf(new Configuration(false));
    if (!"true".equals(System.getProperty("trainset.parquet.doubleDictionary"))) {
      for (ColumnSpec c : schema.columns()) {
        if (c.type() == dev.trainset.transforms.parse.ColumnType.DOUBLE && !c.list() && c.name().indexOf('.') < 0) {
          b = b.withDictionaryEncoding(c.name(), false);
        }
      }
    }
    writer = b.build();
  }

  /** The Parquet schema of a table schema. */
  public static MessageType messageType(TableSchema schema) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (ColumnSpec c : schema.columns()) {
      Type.Repetition rep = c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
      if (c.list()) {
        Type element = primitive(c, Type.Repetition.OPTIONAL, "element");
        b.addField(
            Types.buildGroup(rep)
                .as(LogicalTypeAnnotation.listType())
                .addField(Types.repeatedGroup().addField(element).named("list"))
                .named(c.name()));
      } else {
        b.addField(primitive(c, rep, c.name()));
      }
    }
    return b.named("trainset");
  }

  private static Type primitive(ColumnSpec c, Type.Repetition rep, String name) {
    switch (c.type()) {
      case BOOLEAN:
        return Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(name);
      case LONG:
        return Types.primitive(PrimitiveTypeName.INT64, rep).named(name);
      case DOUBLE:
        return Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(name);
      case TIMESTAMP:
        return Types.primitive(PrimitiveTypeName.INT64, rep)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
            .named(name);
      default:
        return Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(name);
    }
  }

  @Override
  public void write(TypedRow row) throws IOException {
    writer.write(row);
  }

  @Override
  public void finish() throws IOException {
    writer.close();
  }

  private static final class Builder extends ParquetWriter.Builder<TypedRow, Builder> {
    private final TableSchema schema;

    Builder(OutputFile file, TableSchema schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<TypedRow> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema);
    }
  }

  /** Hands each row's values to Parquet's record consumer, column by column. */
  private static final class RowWriteSupport extends WriteSupport<TypedRow> {
    private final TableSchema schema;
    private final String[] names;
    private final ColumnSpec[] columns;
    private RecordConsumer consumer;

    RowWriteSupport(TableSchema schema) {
      this.schema = schema;
      this.names = schema.names().toArray(new String[0]);
      this.columns = schema.columns().toArray(new ColumnSpec[0]);
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(messageType(schema), new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(TypedRow row) {
      RecordConsumer c = consumer;
      c.startMessage();
      for (int i = 0; i < columns.length; i++) {
        if (row.isNull(i)) {
          continue;
        }
        ColumnSpec spec = columns[i];
        c.startField(names[i], i);
        if (spec.list()) {
          writeList(c, spec, (List<?>) row.getObject(i));
        } else {
          switch (spec.type()) {
            case BOOLEAN:
              c.addBoolean(row.getBoolean(i));
              break;
            case LONG:
            case TIMESTAMP:
              c.addLong(row.getLong(i));
              break;
            case DOUBLE:
              c.addDouble(row.getDouble(i));
              break;
            default:
              c.addBinary(Binary.fromString((String) row.getObject(i)));
          }
        }
        c.endField(names[i], i);
      }
      c.endMessage();
    }

    private static void writeList(RecordConsumer c, ColumnSpec spec, List<?> items) {
      c.startGroup();
      if (!items.isEmpty()) {
        c.startField("list", 0);
        for (Object v : items) {
          c.startGroup();
          if (v != null) {
            c.startField("element", 0);
            switch (spec.type()) {
              case BOOLEAN:
                c.addBoolean((Boolean) v);
                break;
              case LONG:
                c.addLong((Long) v);
                break;
              case TIMESTAMP:
                c.addLong(TypedRow.micros((Instant) v));
                break;
              case DOUBLE:
                c.addDouble((Double) v);
                break;
              default:
                c.addBinary(Binary.fromString((String) v));
            }
            c.endField("element", 0);
          }
          c.endGroup();
        }
        c.endField("list", 0);
      }
      c.endGroup();
    }
  }

  /** A Parquet output file over a stream that is written once, from the start. */
  private static final class StreamOutputFile implements OutputFile {
    private final OutputStream out;

    StreamOutputFile(OutputStream out) {
      this.out = out;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return stream();
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return stream();
    }

    private PositionOutputStream stream() {
      return new PositionOutputStream() {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          pos += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}
