package dev.trainset.transforms.schema;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.PlanSlices;
import dev.trainset.transforms.parse.SchemaAccumulator;
import java.io.IOException;
import java.io.Reader;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Whole-input schema inference as a Beam job: each worker summarises the file slices it reads into a {@link
 * SchemaAccumulator} (kinds of values, missing counts per column), and one combine merges the summaries. No machine
 * reads more than the files assigned to it, so it works on a cluster over inputs no single machine could hold. The
 * result is one accumulator; {@link SchemaAccumulator#toSchema} gives the schema.
 */
public final class InferSchema extends PTransform<PBegin, PCollection<SchemaAccumulator>> {
  private final List<String> files;
  private final FileFormat format;

  private InferSchema(List<String> files, FileFormat format) {
    this.files = files;
    this.format = format;
  }

  public static InferSchema of(List<String> files, FileFormat format) {
    return new InferSchema(List.copyOf(files), format);
  }

  @Override
  public PCollection<SchemaAccumulator> expand(PBegin input) {
    return input
        .apply("PlanSlices", PlanSlices.of(files, format))
        .apply("SummariseSlice", ParDo.of(new SummariseSliceFn(format)))
        .setCoder(SerializableCoder.of(SchemaAccumulator.class))
        .apply("MergeSummaries", Combine.globally(new MergeFn()));
  }

  static final class SummariseSliceFn extends DoFn<FileSlice, SchemaAccumulator> {
    private final FileFormat format;

    SummariseSliceFn(FileFormat format) {
      this.format = format;
    }

    @ProcessElement
    public void process(@Element FileSlice slice, OutputReceiver<SchemaAccumulator> out) {
      SchemaAccumulator acc = new SchemaAccumulator();
      FileFormat f = slice.formatFor(format);
      try (Reader reader = slice.openText()) {
        f.infer(slice.path(), reader, acc, Long.MAX_VALUE);
      } catch (IOException | RuntimeException e) {
        // The reading pass rejects what cannot be read, with its position; the schema comes from what could.
      }
      out.output(acc);
    }
  }

  static final class MergeFn extends CombineFn<SchemaAccumulator, SchemaAccumulator, SchemaAccumulator> {
    @Override
    public SchemaAccumulator createAccumulator() {
      return new SchemaAccumulator();
    }

    @Override
    public SchemaAccumulator addInput(SchemaAccumulator acc, SchemaAccumulator input) {
      return acc.merge(input);
    }

    @Override
    public SchemaAccumulator mergeAccumulators(Iterable<SchemaAccumulator> accs) {
      SchemaAccumulator out = new SchemaAccumulator();
      for (SchemaAccumulator a : accs) {
        out.merge(a);
      }
      return out;
    }

    @Override
    public SchemaAccumulator extractOutput(SchemaAccumulator acc) {
      return acc;
    }

    @Override
    public Coder<SchemaAccumulator> getAccumulatorCoder(CoderRegistry registry, Coder<SchemaAccumulator> input) {
      return SerializableCoder.of(SchemaAccumulator.class);
    }

    @Override
    public Coder<SchemaAccumulator> getDefaultOutputCoder(
        CoderRegistry registry, Coder<SchemaAccumulator> input) {
      return SerializableCoder.of(SchemaAccumulator.class);
    }
  }
}
