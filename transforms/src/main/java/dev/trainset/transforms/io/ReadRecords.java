package dev.trainset.transforms.io;

import dev.trainset.transforms.errors.RejectedRecord;
import dev.trainset.transforms.parse.ArffReader.ArffFormatException;
import dev.trainset.transforms.parse.RecordTyper;
import dev.trainset.transforms.parse.SourceRecord;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.schema.BeamSchemas;
import dev.trainset.transforms.schema.SchemaJson;
import java.io.IOException;
import java.io.Reader;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Reads files into typed {@link Row}s: plan the slices ({@link PlanSlices}: whole files, or uncompressed line-safe
 * files cut on line boundaries so several workers share one big file), then read each slice with its {@link
 * FileFormat}, so a CSV field may span lines. Files may be compressed ({@code .gz}, {@code .bz2}, {@code .zst}...).
 * Goes through Beam's {@code FileSystems}, so local paths, {@code s3://} and {@code azfs://} all work.
 *
 * <p>Every record read ends in exactly one output: {@link #ROWS} or {@link #REJECTED}. A source that breaks off
 * (truncated gzip, a quote never closed) adds one rejected entry that says where. Counters {@code trainset/read} and
 * {@code trainset/rejected} count records as they are read.
 */
public final class ReadRecords extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<Row> ROWS = new TupleTag<Row>() {};
  public static final TupleTag<RejectedRecord> REJECTED = new TupleTag<RejectedRecord>() {};
  public static final String METRICS_NAMESPACE = "trainset";

  private final List<String> files;
  private final FileFormat format;
  private final TableSchema schema;
  private final long sliceBytes;
  private final Preparation preparation;

  private ReadRecords(List<String> files, FileFormat format, TableSchema schema, long sliceBytes, Preparation preparation) {
    this.files = files;
    this.format = format;
    this.schema = schema;
    this.sliceBytes = sliceBytes;
    this.preparation = preparation;
  }

  /** Reads these files (paths or patterns, as listed by the caller: the list fixes the sources of a run). */
  public static ReadRecords from(List<String> files) {
    return new ReadRecords(List.copyOf(files), null, null, PlanSlices.DEFAULT_SLICE_BYTES, null);
  }

  public ReadRecords withFormat(FileFormat f) {
    return new ReadRecords(files, f, schema, sliceBytes, preparation);
  }

  public ReadRecords withSchema(TableSchema s) {
    return new ReadRecords(files, format, s, sliceBytes, preparation);
  }

  /** About how many bytes of an uncompressed, line-safe file one worker reads ({@link PlanSlices}). */
  public ReadRecords withSliceBytes(long bytes) {
    return new ReadRecords(files, format, schema, bytes, preparation);
  }

  /**
   * Prepares every typed row (label mapping, column order and selection, missing values) right after it is read, so
   * a row the preparation turns away goes to {@link #REJECTED} with its source and position. The rows then have the
   * preparation's output schema. Its input schema must be {@link #withSchema}'s.
   */
  public ReadRecords withPreparation(Preparation p) {
    return new ReadRecords(files, format, schema, sliceBytes, p);
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    if (format == null) {
      throw new IllegalStateException("ReadRecords: withFormat() is required");
    }
    if (schema == null) {
      throw new IllegalStateException("ReadRecords: withSchema() is required");
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("ReadRecords: from() needs at least one file");
    }
    Preparation prep = preparation == null ? Preparation.identity(schema) : preparation;
    if (!prep.input().equals(schema)) {
      throw new IllegalStateException("ReadRecords: withPreparation() was built for another schema");
    }
    PCollectionTuple out =
        input
            .apply("PlanSlices", PlanSlices.of(files, format).withTargetBytes(sliceBytes))
            .apply(
                "ParseAndType",
                ParDo.of(new ReadSliceFn(format, SchemaJson.toJsonString(schema), prep))
                    .withOutputTags(ROWS, TupleTagList.of(REJECTED)));
    out.get(ROWS).setRowSchema(BeamSchemas.toBeam(prep.output()));
    out.get(REJECTED).setCoder(RejectedRecord.Coder.of());
    return out;
  }

  static final class ReadSliceFn extends DoFn<FileSlice, Row> {
    private final FileFormat format;
    private final String schemaJson;
    private final Preparation preparation;
    private final Counter read = Metrics.counter(METRICS_NAMESPACE, "read");
    private final Counter rejected = Metrics.counter(METRICS_NAMESPACE, "rejected");
    private transient RecordTyper typer;
    private transient Schema beamSchema;

    ReadSliceFn(FileFormat format, String schemaJson, Preparation preparation) {
      this.format = format;
      this.schemaJson = schemaJson;
      this.preparation = preparation;
    }

    @Setup
    public void setup() {
      TableSchema schema = SchemaJson.fromJsonString(schemaJson);
      typer = new RecordTyper(schema);
      beamSchema = BeamSchemas.toBeam(preparation.output());
    }

    @ProcessElement
    public void process(@Element FileSlice slice, MultiOutputReceiver out) {
      String source = slice.path();
      FileFormat f = slice.formatFor(format);
      TypedSource src = null;
      long n = 0; // records read but not yet added to the counter (it is flushed in batches)
      try (Reader reader = slice.openText()) {
        src = f.open(source, reader, typer);
        SourceRecord<Object[]> r;
        while ((r = src.next()) != null) {
          if (r.isBad()) {
            out.get(REJECTED)
                .output(new RejectedRecord(source, src.positionUnit(), r.position(), r.raw(), r.error(), "read"));
            rejected.inc();
          } else {
            Object[] prepared;
            try {
              prepared = preparation.apply(r.values());
            } catch (Preparation.Rejected e) {
              prepared = null;
              out.get(REJECTED)
                  .output(
                      new RejectedRecord(
                          source, src.positionUnit(), r.position(), preparation.describe(r.values()), e.getMessage(), "prepare"));
              rejected.inc();
            }
            if (prepared != null) {
              out.get(ROWS).output(BeamSchemas.toRow(beamSchema, prepared));
            }
          }
          if (++n == 10_000) {
            read.inc(n);
            n = 0;
          }
        }
        src.close();
      } catch (IOException | RuntimeException e) {
        long position =
            e instanceof ArffFormatException
                ? ((ArffFormatException) e).line()
                : src == null || src.lastPosition() == 0 ? slice.firstLine() : src.lastPosition() + 1;
        String unit = src == null ? "line" : src.positionUnit();
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        out.get(REJECTED).output(new RejectedRecord(source, unit, position, "", "unreadable: " + reason, "read"));
        n++;
        rejected.inc();
      } finally {
        read.inc(n);
      }
    }
  }
}
