package dev.trainset.pipelines.batch;

import dev.trainset.transforms.coders.SummaryCoder;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.slice.SliceResult;
import dev.trainset.transforms.slice.WriteSlice;
import dev.trainset.transforms.slice.WriteSlices;
import dev.trainset.transforms.split.CountLeakage;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The batch job's graph: slices in, one {@link BatchResult} out.
 *
 * <pre>
 * WriteSlices ─ results ─ MergeResults ──────────────── AttachLeakage ─▶ BatchResult
 *            └─ leakage candidates ─ CountLeakage ─ view ─┘
 * </pre>
 *
 * Every row is read, typed, prepared, split and written inside {@code WriteSlices}, one call per slice; what moves
 * between steps is one small result per slice and, for the leakage check, the feature keys of the rows that may
 * share their features with another split's rows.
 */
public final class BatchGraph extends PTransform<PBegin, PCollection<BatchResult>> {
  private final List<FileSlice> slices;
  private final WriteSlice.Spec spec;
  private final String progressKey;

  private BatchGraph(List<FileSlice> slices, WriteSlice.Spec spec, String progressKey) {
    this.slices = slices;
    this.spec = spec;
    this.progressKey = progressKey;
  }

  public static BatchGraph of(List<FileSlice> slices, WriteSlice.Spec spec, String progressKey) {
    return new BatchGraph(List.copyOf(slices), spec, progressKey);
  }

  @Override
  public PCollection<BatchResult> expand(PBegin input) {
    PCollectionTuple written = input.apply("WriteSlices", WriteSlices.of(slices, spec, progressKey));
    PCollection<BatchResult> merged =
        written
            .get(WriteSlices.RESULTS)
            .apply("MergeResults", Combine.globally(new MergeFn()))
            .setCoder(SummaryCoder.of(BatchResult.class));
    if (!spec.checkLeakage()) {
      return merged;
    }
    PCollectionView<KV<Long, Long>> leakage =
        written.get(WriteSlices.LEAKS).apply("CountLeakage", CountLeakage.create()).apply("LeakageView", View.asSingleton());
    return merged
        .apply("AttachLeakage", ParDo.of(new AttachFn(leakage)).withSideInputs(leakage))
        .setCoder(SummaryCoder.of(BatchResult.class));
  }

  static final class MergeFn extends Combine.CombineFn<SliceResult, BatchResult, BatchResult> {
    @Override
    public BatchResult createAccumulator() {
      return new BatchResult();
    }

    @Override
    public BatchResult addInput(BatchResult acc, SliceResult r) {
      acc.add(r);
      return acc;
    }

    @Override
    public BatchResult mergeAccumulators(Iterable<BatchResult> accs) {
      BatchResult out = new BatchResult();
      for (BatchResult a : accs) {
        out.merge(a);
      }
      return out;
    }

    @Override
    public BatchResult extractOutput(BatchResult acc) {
      return acc;
    }

    @Override
    public Coder<BatchResult> getAccumulatorCoder(CoderRegistry r, Coder<SliceResult> in) {
      return SummaryCoder.of(BatchResult.class);
    }

    @Override
    public Coder<BatchResult> getDefaultOutputCoder(CoderRegistry r, Coder<SliceResult> in) {
      return SummaryCoder.of(BatchResult.class);
    }
  }

  static final class AttachFn extends DoFn<BatchResult, BatchResult> {
    private final PCollectionView<KV<Long, Long>> leakage;

    AttachFn(PCollectionView<KV<Long, Long>> leakage) {
      this.leakage = leakage;
    }

    @ProcessElement
    public void process(@Element BatchResult r, ProcessContext c) {
      KV<Long, Long> l = c.sideInput(leakage);
      BatchResult out = new BatchResult().merge(r);
      out.leakedVectors = l.getKey();
      out.leakedRows = l.getValue();
      c.output(out);
    }
  }
}
