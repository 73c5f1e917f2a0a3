package dev.trainset.transforms.io.parquet;

import dev.trainset.transforms.io.ReadRecords;
import dev.trainset.transforms.parse.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.joda.time.ReadableInstant;

/**
 * Writes rows as Parquet files {@code part-SSSSS-of-NNNNN.parquet} under a folder, through Beam's file sink (temporary
 * files, then rename), with an Avro schema derived from the table schema ({@link AvroSchemas}). Counts rows in {@code
 * trainset/written}.
 */
public final class WriteParquet extends PTransform<PCollection<Row>, WriteFilesResult<Void>> {
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

    public static Codec parse(String s) {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
  }

  public static final int DEFAULT_ROW_GROUP_BYTES = 64 * 1024 * 1024;

  private final String directory;
  private final TableSchema schema;
  private final Codec codec;
  private final int rowGroupBytes;
  private final String counter;

  private WriteParquet(String directory, TableSchema schema, Codec codec, int rowGroupBytes, String counter) {
    this.directory = directory;
    this.schema = schema;
    this.codec = codec;
    this.rowGroupBytes = rowGroupBytes;
    this.counter = counter;
  }

  public static WriteParquet to(String directory) {
    return new WriteParquet(directory, null, Codec.SNAPPY, DEFAULT_ROW_GROUP_BYTES, "written");
  }

  public WriteParquet withSchema(TableSchema s) {
    return new WriteParquet(directory, s, codec, rowGroupBytes, counter);
  }

  public WriteParquet withCodec(Codec c) {
    return new WriteParquet(directory, schema, c, rowGroupBytes, counter);
  }

  public WriteParquet withRowGroupBytes(int bytes) {
    return new WriteParquet(directory, schema, codec, bytes, counter);
  }

  /** The counter that counts rows written ({@code written} by default). */
  public WriteParquet withCounter(String name) {
    return new WriteParquet(directory, schema, codec, rowGroupBytes, name);
  }

  @Override
  public WriteFilesResult<Void> expand(PCollection<Row> rows) {
    if (schema == null) {
      throw new IllegalStateException("WriteParquet: withSchema() is required");
    }
    Schema avro = AvroSchemas.toAvro(schema);
    return rows.apply("ToAvro", ParDo.of(new ToAvroFn(avro.toString(), counter)))
        .setCoder(AvroCoder.of(avro))
        .apply(
            "WriteParquetFiles",
            FileIO.<GenericRecord>write()
                .via(ParquetIO.sink(avro).withCompressionCodec(codec.parquet).withRowGroupSize(rowGroupBytes))
                .to(directory)
                .withPrefix("part")
                .withSuffix(".parquet"));
  }

  /** Row to Avro record by position; the Avro names may differ from the column names (see {@link AvroSchemas}). */
  static final class ToAvroFn extends DoFn<Row, GenericRecord> {
    private final String avroJson;
    private final Counter written;
    private transient Schema avro;

    ToAvroFn(String avroJson, String counter) {
      this.avroJson = avroJson;
      this.written = Metrics.counter(ReadRecords.METRICS_NAMESPACE, counter);
    }

    @Setup
    public void setup() {
      avro = new Schema.Parser().parse(avroJson);
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<GenericRecord> out) {
      GenericData.Record r = new GenericData.Record(avro);
      int n = row.getFieldCount();
      for (int i = 0; i < n; i++) {
        r.put(i, toAvro(row.getValue(i)));
      }
      out.output(r);
      written.inc();
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
}
