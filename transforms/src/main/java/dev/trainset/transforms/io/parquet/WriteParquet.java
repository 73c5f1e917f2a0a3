package dev.trainset.transforms.io.parquet;

import dev.trainset.transforms.io.ReadRecords;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import java.util.Collections;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.joda.time.ReadableInstant;

/**
 * Writes rows as Parquet files {@code part-SSSSS-of-NNNNN.parquet} under a folder, with an Avro schema derived from the
 * table schema ({@link AvroSchemas}); outputs the final file names.
 *
 * <p>Why not {@code FileIO.write()}: with runner-determined sharding, both the DirectRunner and the Flink runner
 * replace it with a sharded write, i.e. a GroupByKey of every row. On the DirectRunner that clones every row into
 * in-memory state (5 GB of heap for a 1M-row CSV, measured; see BENCHMARKS.md), on Flink it serialises and shuffles
 * the whole data set. This transform keeps WriteFiles' protocol without the shuffle:
 *
 * <ol>
 *   <li>{@code WriteBundles}: each bundle writes its rows to one temporary file under {@code .temp-trainset-<id>/}
 *       through {@link ParquetIO#sink} (a Beam sink), and emits that file's name when the bundle finishes. A retried
 *       bundle writes a new temporary file; the failed attempt's file is never emitted.
 *   <li>{@code FinalizeFiles}: once, after all bundles: renames the emitted files, in sorted order, to {@code
 *       part-i-of-n.parquet}, deletes the temporary folder (with any leftovers of failed attempts), and emits the final
 *       names. Renames skip missing sources, so a retried finalize completes the same way.
 * </ol>
 *
 * Rows are converted to Avro records inside the writer: no intermediate collection of Avro records. Counts rows in
 * {@code trainset/written}.
 */
public final class WriteParquet extends PTransform<PCollection<Row>, PCollection<String>> {
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
  public PCollection<String> expand(PCollection<Row> rows) {
    if (schema == null) {
      throw new IllegalStateException("WriteParquet: withSchema() is required");
    }
    String dir = directory.endsWith("/") ? directory : directory + "/";
    String temp = dir + ".temp-trainset-" + UUID.randomUUID() + "/";
    RowSink sink = new RowSink(AvroSchemas.toAvro(schema).toString(), codec, rowGroupBytes, counter);
    return rows.apply("WriteBundles", ParDo.of(new WriteBundleFn(sink, temp)))
        .setCoder(StringUtf8Coder.of())
        .apply("OneKey", WithKeys.of((Void) null))
        .setCoder(KvCoder.of(VoidCoder.of(), StringUtf8Coder.of()))
        .apply("CollectTempFiles", GroupByKey.create())
        .apply("FinalizeFiles", ParDo.of(new FinalizeFn(dir, temp)))
        .setCoder(StringUtf8Coder.of());
  }

  /** Writes each bundle's rows to one temporary Parquet file and emits its name when the bundle ends. */
  static final class WriteBundleFn extends DoFn<Row, String> {
    private final RowSink sinkPrototype;
    private final String temp;
    private transient RowSink sink;
    private transient WritableByteChannel channel;
    private transient String file;

    WriteBundleFn(RowSink sink, String temp) {
      this.sinkPrototype = sink;
      this.temp = temp;
    }

    @StartBundle
    public void start() {
      sink = null;
      file = null;
    }

    @ProcessElement
    public void process(@Element Row row) throws IOException {
      if (sink == null) {
        file = temp + UUID.randomUUID() + ".parquet";
        channel = FileSystems.create(FileSystems.matchNewResource(file, false), "application/x-parquet");
        sink = sinkPrototype.copy();
        sink.open(channel);
      }
      sink.write(row);
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws IOException {
      if (sink != null) {
        sink.flush();
        channel.close();
        c.output(file, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
        sink = null;
      }
    }
  }

  /** Renames the temporary files to their final names and removes the temporary folder. */
  static final class FinalizeFn extends DoFn<KV<Void, Iterable<String>>, String> {
    private final String dir;
    private final String temp;

    FinalizeFn(String dir, String temp) {
      this.dir = dir;
      this.temp = temp;
    }

    @ProcessElement
    public void process(@Element KV<Void, Iterable<String>> files, OutputReceiver<String> out) throws IOException {
      List<String> names = new ArrayList<>();
      files.getValue().forEach(names::add);
      Collections.sort(names);
      List<ResourceId> from = new ArrayList<>();
      List<ResourceId> to = new ArrayList<>();
      List<String> finals = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String name = dir + String.format("part-%05d-of-%05d.parquet", i, names.size());
        from.add(FileSystems.matchNewResource(names.get(i), false));
        to.add(FileSystems.matchNewResource(name, false));
        finals.add(name);
      }
      FileSystems.rename(from, to, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      List<ResourceId> leftovers = new ArrayList<>();
      MatchResult m = FileSystems.match(temp + "*", EmptyMatchTreatment.ALLOW);
      if (m.status() == MatchResult.Status.OK) {
        m.metadata().forEach(md -> leftovers.add(md.resourceId()));
      }
      leftovers.add(FileSystems.matchNewResource(temp, true));
      FileSystems.delete(leftovers, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      finals.forEach(out::output);
    }
  }

  /** A Parquet file sink for rows: converts each row to an Avro record by position and hands it to ParquetIO. */
  static final class RowSink implements FileIO.Sink<Row> {
    private final String avroJson;
    private final Codec codec;
    private final int rowGroupBytes;
    private final Counter written;
    private transient Schema avro;
    private transient ParquetIO.Sink parquet;

    RowSink(String avroJson, Codec codec, int rowGroupBytes, String counter) {
      this.avroJson = avroJson;
      this.codec = codec;
      this.rowGroupBytes = rowGroupBytes;
      this.written = Metrics.counter(ReadRecords.METRICS_NAMESPACE, counter);
    }

    /** A fresh, unopened sink with the same settings. */
    RowSink copy() {
      return new RowSink(avroJson, codec, rowGroupBytes, written);
    }

    private RowSink(String avroJson, Codec codec, int rowGroupBytes, Counter written) {
      this.avroJson = avroJson;
      this.codec = codec;
      this.rowGroupBytes = rowGroupBytes;
      this.written = written;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      avro = new Schema.Parser().parse(avroJson);
      parquet =
          ParquetIO.sink(avro).withCompressionCodec(codec.parquet).withRowGroupSize(rowGroupBytes);
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
      written.inc();
    }

    @Override
    public void flush() throws IOException {
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
}
