package dev.trainset.transforms.io.parquet;

import dev.trainset.transforms.io.RowFileSink;
import dev.trainset.transforms.io.parquet.AvroSchemas;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.joda.time.ReadableInstant;

/**
 * Parquet files through Beam's {@link ParquetIO#sink}, with an Avro schema derived from the table schema ({@link
 * AvroSchemas}); rows are converted to Avro records by position inside the writer.
 */
public final class ParquetRowSink implements RowFileSink {
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

  private final String avroJson;
  private final Codec codec;
  private final int rowGroupBytes;
  private transient Schema avro;
  private transient ParquetIO.Sink parquet;

  public ParquetRowSink(TableSchema schema, Codec codec, int rowGroupBytes) {
    this(AvroSchemas.toAvro(schema).toString(), codec, rowGroupBytes);
  }

  private ParquetRowSink(String avroJson, Codec codec, int rowGroupBytes) {
    this.avroJson = avroJson;
    this.codec = codec;
    this.rowGroupBytes = rowGroupBytes;
  }

  @Override
  public RowFileSink copy() {
    return new ParquetRowSink(avroJson, codec, rowGroupBytes);
  }

  @Override
  public void open(WritableByteChannel channel) throws IOException {
    avro = new Schema.Parser().parse(avroJson);
    parquet = ParquetIO.sink(avro).withCompressionCodec(codec.parquet).withRowGroupSize(rowGroupBytes);
    parquet.open(channel);
  }

  @Override
  public void write(Row row) throws IOException {
    GenericData.Record r = new GenericData.Record(avro);
    int n = row.getFieldCount();
    for (int i = 0; i < n; i++) {
      r.put(i, toAvro(row.getValue(i)));
    }
    parquet.write(r);
  }

  @Override
  public void finish() throws IOException {
    parquet.flush();
  }

  private static Object toAvro(Object v) {
    if (v instanceof ReadableInstant) {
      return ((ReadableInstant) v).getMillis();
    }
    if (v instanceof List) {
      List<?> in = (List<?>) v;
      List<Object> out = new ArrayList<>(in.size());
      for (Object e : in) {
        out.add(toAvro(e));
      }
      return out;
    }
    return v;
  }
}
