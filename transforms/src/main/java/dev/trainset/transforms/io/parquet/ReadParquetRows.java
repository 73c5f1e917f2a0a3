package dev.trainset.transforms.io.parquet;

import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.schema.BeamSchemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Reads Parquet files that trainset wrote ({@link ParquetRowSink}) back into rows of their table schema: the same
 * Avro schema ({@link AvroSchemas}), fields by position, {@code timestamp-millis} back to instants.
 */
public final class ReadParquetRows extends PTransform<PBegin, PCollection<Row>> {
  private final List<String> files;
  private final TableSchema schema;

  private ReadParquetRows(List<String> files, TableSchema schema) {
    this.files = files;
    this.schema = schema;
  }

  public static ReadParquetRows of(List<String> files, TableSchema schema) {
    return new ReadParquetRows(List.copyOf(files), schema);
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("ReadParquetRows: no files");
    }
    Schema beam = BeamSchemas.toBeam(schema);
    return input
        .apply("Files", Create.of(files).withCoder(StringUtf8Coder.of()))
        .apply("Match", FileIO.matchAll())
        .apply("Open", FileIO.readMatches())
        .apply("Read", ParquetIO.readFiles(AvroSchemas.toAvro(schema)))
        .apply("ToRows", ParDo.of(new ToRowFn(beam)))
        .setRowSchema(beam);
  }

  static final class ToRowFn extends DoFn<GenericRecord, Row> {
    private final Schema schema;

    ToRowFn(Schema schema) {
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element GenericRecord r, OutputReceiver<Row> out) {
      List<Object> values = new ArrayList<>(schema.getFieldCount());
      for (int i = 0; i < schema.getFieldCount(); i++) {
        values.add(fromAvro(r.get(i), schema.getField(i).getType()));
      }
      out.output(Row.withSchema(schema).attachValues(values));
    }

    private static Object fromAvro(Object v, Schema.FieldType type) {
      if (v == null) {
        return null;
      }
      switch (type.getTypeName()) {
        case STRING:
          return v.toString();
        case DATETIME:
          return new org.joda.time.Instant(((Number) v).longValue());
        case ARRAY:
          List<Object> out = new ArrayList<>();
          for (Object e : (Iterable<?>) v) {
            out.add(fromAvro(e, type.getCollectionElementType()));
          }
          return out;
        default:
          return v;
      }
    }
  }
}
