package dev.trainset.transforms.slice;

import dev.trainset.transforms.coders.SummaryCoder;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.split.CountLeakage;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The writing pass as a Beam transform: the run's slices ({@link ReadSlices}), each written by {@link WriteSlice} in
 * one call. Outputs {@link #RESULTS}, one {@link SliceResult} per slice, and {@link #LEAKS}, the feature keys of rows
 * that may share their features with another split's rows, as {@code KV<shard, KV<feature key, split>>} for {@link
 * CountLeakage}. Counters {@code trainset/read}, {@code written} and {@code rejected} count records as they go.
 */
public final class WriteSlices extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<SliceResult> RESULTS = new TupleTag<SliceResult>() {};
  public static final TupleTag<KV<Integer, KV<Long, Integer>>> LEAKS = new TupleTag<KV<Integer, KV<Long, Integer>>>() {};
  public static final String METRICS_NAMESPACE = "trainset";

  private final List<FileSlice> slices;
  private final WriteSlice.Spec spec;
  private final String progressKey;

  private WriteSlices(List<FileSlice> slices, WriteSlice.Spec spec, String progressKey) {
    this.slices = slices;
    this.spec = spec;
    this.progressKey = progressKey;
  }

  /** @param progressKey the run's key in {@link LocalProgress} */
  public static WriteSlices of(List<FileSlice> slices, WriteSlice.Spec spec, String progressKey) {
    return new WriteSlices(List.copyOf(slices), spec, progressKey);
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    PCollectionTuple out =
        input
            .apply("ReadSlices", ReadSlices.of(slices))
            .apply("WriteSlice", ParDo.of(new WriteFn(spec, progressKey)).withOutputTags(RESULTS, TupleTagList.of(LEAKS)));
    out.get(RESULTS).setCoder(SummaryCoder.of(SliceResult.class));
    out.get(LEAKS).setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), VarIntCoder.of())));
    return out;
  }

  static final class WriteFn extends DoFn<FileSlice, SliceResult> {
    private final WriteSlice.Spec spec;
    private final String progressKey;
    private final Counter read = Metrics.counter(METRICS_NAMESPACE, "read");
    private final Counter written = Metrics.counter(METRICS_NAMESPACE, "written");
    private final Counter rejected = Metrics.counter(METRICS_NAMESPACE, "rejected");
    private transient WriteSlice writer;

    WriteFn(WriteSlice.Spec spec, String progressKey) {
      this.spec = spec;
      this.progressKey = progressKey;
    }

    @Setup
    public void setup() {
      writer = new WriteSlice(spec);
    }

    @ProcessElement
    public void process(@Element FileSlice slice, MultiOutputReceiver out) throws Exception {
      SliceResult r =
          writer.write(
              slice,
              (features, split) -> out.get(LEAKS).output(KV.of(CountLeakage.shard(features), KV.of(features, split))),
              (n, w, x) -> {
                read.inc(n);
                written.inc(w);
                rejected.inc(x);
                LocalProgress.add(progressKey, n, w, x);
              });
      out.get(RESULTS).output(r);
    }
  }
}
