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
import dev.trainset.transforms.parse.ColumnType;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Parquet files written with parquet-java's column writers straight from {@link TypedRow}s: no Avro record, no record
 * consumer in between; each value goes to its column's writer with its repetition and definition levels, and a row
 * group is closed when the buffered columns pass the row-group size. Column names
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

  /** Rows between two checks of the buffered size against the row-group size. */
  private static final int SIZE_CHECK_ROWS = 4096;

  private final ColumnSpec[] columns;
  private final MessageType message;
  private final ColumnDescriptor[] descriptors;
  private final ParquetProperties props;
  private final CodecFactory codecs;
  private final CodecFactory.BytesCompressor compressor;
  private final ParquetFileWriter file;
  private final long rowGroupBytes;
  private ColumnChunkPageWriteStore pages;
  private ColumnWriteStore store;
  private ColumnWriter[] writers;
  private long groupRows;

  public ParquetRowWriter(TableSchema schema, Codec codec, long rowGroupBytes, OutputStream out) throws IOException {
    this.columns = schema.columns().toArray(new ColumnSpec[0]);
    this.message = messageType(schema);
    this.rowGroupBytes = rowGroupBytes;
    ParquetProperties.Builder b = ParquetProperties.builder().withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0);
    for (ColumnSpec c : columns) {
      // Doubles measured here rarely fit a dictionary: building one only to fall back to plain costs time.
      if (c.type() == ColumnType.DOUBLE && !c.list() && c.name().indexOf('.') < 0) {
        b.withDictionaryEncoding(c.name(), false);
      }
    }
    this.props = b.build();
    this.codecs = new CodecFactory(new Configuration(false), props.getPageSizeThreshold());
    this.compressor = codecs.getCompressor(codec.parquet);
    this.file = new FixedOrderFileWriter(new StreamOutputFile(out), message, rowGroupBytes);
    file.start();
    this.descriptors = new ColumnDescriptor[columns.length];
    for (int i = 0; i < columns.length; i++) {
      String[] path = columns[i].list() ? new String[] {columns[i].name(), "list", "element"} : new String[] {columns[i].name()};
      descriptors[i] = message.getColumnDescription(path);
    }
    newRowGroup();
  }

  private void newRowGroup() {
    pages = new ColumnChunkPageWriteStore(compressor, message, props.getAllocator(), props.getColumnIndexTruncateLength(), false);
    store = props.newColumnWriteStore(message, pages, pages);
    writers = new ColumnWriter[columns.length];
    for (int i = 0; i < columns.length; i++) {
      writers[i] = store.getColumnWriter(descriptors[i]);
    }
    groupRows = 0;
  }

  private void flushRowGroup() throws IOException {
    if (groupRows == 0) {
      return;
    }
    file.startBlock(groupRows);
    store.flush();
    pages.flushToFileWriter(file);
    file.endBlock();
    store.close();
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
    for (int i = 0; i < columns.length; i++) {
      ColumnSpec c = columns[i];
      ColumnWriter w = writers[i];
      int present = c.nullable() ? 1 : 0; // the definition level of a value that is there
      if (row.isNull(i)) {
        w.writeNull(0, 0);
        continue;
      }
      if (c.list()) {
        writeList(w, c, present, (List<?>) row.getObject(i));
        continue;
      }
      switch (c.type()) {
        case BOOLEAN:
          w.write(row.getBoolean(i), 0, present);
          break;
        case LONG:
        case TIMESTAMP:
          w.write(row.getLong(i), 0, present);
          break;
        case DOUBLE:
          w.write(row.getDouble(i), 0, present);
          break;
        default:
          w.write(Binary.fromString((String) row.getObject(i)), 0, present);
      }
    }
    store.endRecord();
    if (++groupRows % SIZE_CHECK_ROWS == 0 && store.getBufferedSize() > rowGroupBytes) {
      flushRowGroup();
      newRowGroup();
    }
  }

  /** A three-level list: the list's own level, then one repeated entry per element, each optional. */
  private static void writeList(ColumnWriter w, ColumnSpec c, int listDefined, List<?> items) {
    if (items.isEmpty()) {
      w.writeNull(0, listDefined);
      return;
    }
    int rep = 0;
    for (Object v : items) {
      if (v == null) {
        w.writeNull(rep, listDefined + 1);
      } else {
        int d = listDefined + 2;
        switch (c.type()) {
          case BOOLEAN:
            w.write((Boolean) v, rep, d);
            break;
          case LONG:
            w.write((Long) v, rep, d);
            break;
          case TIMESTAMP:
            w.write(TypedRow.micros((Instant) v), rep, d);
            break;
          case DOUBLE:
            w.write((Double) v, rep, d);
            break;
          default:
            w.write(Binary.fromString((String) v), rep, d);
        }
      }
      rep = 1;
    }
  }

  @Override
  public void finish() throws IOException {
    flushRowGroup();
    file.end(new HashMap<>());
    codecs.release();
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
