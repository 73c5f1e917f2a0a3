package dev.trainset.transforms.split;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * The leakage check: how many distinct feature vectors (every column but the label) occur in more than one split,
 * and how many rows carry them. Keyed by a 64-bit hash of the features (collisions are possible but vanishingly rare
 * below billions of rows); per key a combine ORs a split bit mask and counts rows, so only 16 bytes per distinct
 * feature vector move. Outputs {@code {"kind":"leakage","featureVectors":…,"rows":…}}.
 */
public final class CountLeakage extends PTransform<PCollection<KV<Integer, Row>>, PCollection<String>> {
  private final int featuresFrom;

  private CountLeakage(int featuresFrom) {
    this.featuresFrom = featuresFrom;
  }

  /** @param featuresFrom the first feature column (1 when column 0 is the label) */
  public static CountLeakage of(int featuresFrom) {
    return new CountLeakage(featuresFrom);
  }

  @Override
  public PCollection<String> expand(PCollection<KV<Integer, Row>> rows) {
    int from = featuresFrom;
    return rows.apply("FeatureHash", ParDo.of(new KeyFn(from)))
        .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
        .apply("SplitsPerFeatureVector", Combine.perKey(new OrAndCount()))
        .apply("Leaked", ParDo.of(new LeakedFn()))
        .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
        .apply("Total", Combine.globally(new SumPairs()).withoutDefaults())
        .apply("ToJson", ParDo.of(new ToJsonFn()))
        .setCoder(StringUtf8Coder.of());
  }

  /** (split bit mask in the low 8 bits, row count above). */
  static final class KeyFn extends DoFn<KV<Integer, Row>, KV<Long, Long>> {
    private final int from;

    KeyFn(int from) {
      this.from = from;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Row> e, OutputReceiver<KV<Long, Long>> out) {
      out.output(KV.of(RowHash.of(e.getValue(), from, 0x1eaca9eL), (1L << 8) | (1L << e.getKey())));
    }
  }

  static final class OrAndCount extends Combine.BinaryCombineLongFn {
    @Override
    public long apply(long a, long b) {
      return (((a >>> 8) + (b >>> 8)) << 8) | ((a | b) & 0xFF);
    }

    @Override
    public long identity() {
      return 0;
    }
  }

  static final class LeakedFn extends DoFn<KV<Long, Long>, KV<Long, Long>> {
    @ProcessElement
    public void process(@Element KV<Long, Long> e, OutputReceiver<KV<Long, Long>> out) {
      long v = e.getValue();
      if (Long.bitCount(v & 0xFF) > 1) {
        out.output(KV.of(1L, v >>> 8));
      }
    }
  }

  static final class SumPairs extends Combine.CombineFn<KV<Long, Long>, long[], KV<Long, Long>> {
    @Override
    public long[] createAccumulator() {
      return new long[2];
    }

    @Override
    public long[] addInput(long[] acc, KV<Long, Long> in) {
      acc[0] += in.getKey();
      acc[1] += in.getValue();
      return acc;
    }

    @Override
    public long[] mergeAccumulators(Iterable<long[]> accs) {
      long[] out = new long[2];
      for (long[] a : accs) {
        out[0] += a[0];
        out[1] += a[1];
      }
      return out;
    }

    @Override
    public KV<Long, Long> extractOutput(long[] acc) {
      return KV.of(acc[0], acc[1]);
    }
  }

  static final class ToJsonFn extends DoFn<KV<Long, Long>, String> {
    @ProcessElement
    public void process(@Element KV<Long, Long> e, OutputReceiver<String> out) {
      out.output("{\"kind\":\"leakage\",\"featureVectors\":" + e.getKey() + ",\"rows\":" + e.getValue() + "}");
    }
  }
}
