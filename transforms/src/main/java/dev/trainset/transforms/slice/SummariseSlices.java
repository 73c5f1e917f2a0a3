package dev.trainset.transforms.slice;

import dev.trainset.transforms.coders.SummaryCoder;
import dev.trainset.transforms.io.FileSlice;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * The first pass as a Beam transform, for runs whose input is best read by the cluster: each slice summarised by
 * {@link SummariseSlice} where it is read. One small {@link SliceSummary} per slice comes out.
 */
public final class SummariseSlices extends PTransform<PBegin, PCollection<SliceSummary>> {
  private final List<FileSlice> slices;
  private final SummariseSlice.Spec spec;
  private final String progressKey;

  private SummariseSlices(List<FileSlice> slices, SummariseSlice.Spec spec, String progressKey) {
    this.slices = slices;
    this.spec = spec;
    this.progressKey = progressKey;
  }

  public static SummariseSlices of(List<FileSlice> slices, SummariseSlice.Spec spec, String progressKey) {
    return new SummariseSlices(List.copyOf(slices), spec, progressKey);
  }

  @Override
  public PCollection<SliceSummary> expand(PBegin input) {
    return input
        .apply("ReadSlices", ReadSlices.of(slices))
        .apply("SummariseSlice", ParDo.of(new SummariseFn(spec, progressKey)))
        .setCoder(SummaryCoder.of(SliceSummary.class));
  }

  static final class SummariseFn extends DoFn<FileSlice, SliceSummary> {
    private final SummariseSlice.Spec spec;
    private final String progressKey;
    private final Counter read = Metrics.counter(WriteSlices.METRICS_NAMESPACE, "read");
    private transient SummariseSlice summariser;

    SummariseFn(SummariseSlice.Spec spec, String progressKey) {
      this.spec = spec;
      this.progressKey = progressKey;
    }

    @Setup
    public void setup() {
      summariser = new SummariseSlice(spec);
    }

    @ProcessElement
    public void process(@Element FileSlice slice, OutputReceiver<SliceSummary> out) throws Exception {
      out.output(
          summariser.summarise(
              slice,
              n -> {
                read.inc(n);
                LocalProgress.add(progressKey, n, 0, 0);
              }));
    }
  }
}
