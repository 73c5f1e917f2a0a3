package dev.trainset.transforms.split;

import dev.trainset.transforms.io.ReadRecords;
import java.util.HashMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * The leakage check: how many distinct feature vectors (every column but the label) occur in more than one split,
 * and how many rows carry them. Each row becomes one 64-bit hash of its features plus its split (collisions are
 * possible but vanishingly rare below billions of rows); hashes are grouped into {@link #SHARDS} shards by their top
 * bits, and each shard counts its own hashes in a map. So 12 bytes per row move, a worker holds one shard's distinct
 * hashes (1/1024 of them), and no runner handles one key per row (the DirectRunner is very slow at that). Outputs
 * {@code {"kind":"leakage","featureVectors":…,"rows":…}}.
 *
 * <p>After an {@link ExactSplit} whose order key is a hash of the features, {@link #skipRowsInOneSplit} lets only the
 * rows that can leak through: those of the few buckets that are a boundary in some class, or that classes send to
 * different splits (1.5–2.5% of the rows for 80/10/10 in the tests); the counts are the same.
 */
public final class CountLeakage extends PTransform<PCollection<KV<Integer, Row>>, PCollection<String>> {
  private final int featuresFrom;
  private final PCollectionView<SplitPlan> plan;
  private final SerializableFunction<Row, Long> order;

  private CountLeakage(int featuresFrom, PCollectionView<SplitPlan> plan, SerializableFunction<Row, Long> order) {
    this.featuresFrom = featuresFrom;
    this.plan = plan;
    this.order = order;
  }

  /** @param featuresFrom the first feature column (1 when column 0 is the label) */
  public static CountLeakage of(int featuresFrom) {
    return new CountLeakage(featuresFrom, null, null);
  }

  /**
   * Checks only the rows of buckets that are not {@link SplitPlan#inOneSplit in one split}. Exact only when {@code
   * order} is the order key the plan split the rows by and depends on the features alone (with the seed): rows with
   * equal features then fall in one bucket, and a bucket in one split cannot hold a leaked feature vector.
   */
  public CountLeakage skipRowsInOneSplit(PCollectionView<SplitPlan> plan, SerializableFunction<Row, Long> order) {
    return new CountLeakage(featuresFrom, plan, order);
  }

  @Override
  public PCollection<String> expand(PCollection<KV<Integer, Row>> rows) {
    ParDo.SingleOutput<KV<Integer, Row>, KV<Integer, KV<Long, Integer>>> key = ParDo.of(new KeyFn(featuresFrom, plan, order));
    return rows.apply("FeatureHash", plan == null ? key : key.withSideInputs(plan))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), VarIntCoder.of())))
        .apply("GroupShards", GroupByKey.create())
        .apply("LeakedPerShard", ParDo.of(new ShardFn()))
        .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
        .apply("Total", Combine.globally(new SumPairs()).withoutDefaults())
        .apply("ToJson", ParDo.of(new ToJsonFn()))
        .setCoder(StringUtf8Coder.of());
  }

  public static final int SHARDS = 1024;

  /** The counter of rows that went through the check (in {@link ReadRecords#METRICS_NAMESPACE}). */
  public static final String CHECKED = "leakageRowsChecked";

  /** KV<shard, KV<feature hash, split>>, for the rows that can leak (all of them without a plan). */
  static final class KeyFn extends DoFn<KV<Integer, Row>, KV<Integer, KV<Long, Integer>>> {
    private final int from;
    private final PCollectionView<SplitPlan> plan;
    private final SerializableFunction<Row, Long> order;
    private final Counter checked = Metrics.counter(ReadRecords.METRICS_NAMESPACE, CHECKED);

    KeyFn(int from, PCollectionView<SplitPlan> plan, SerializableFunction<Row, Long> order) {
      this.from = from;
      this.plan = plan;
      this.order = order;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Row> e, ProcessContext c) {
      if (plan != null && c.sideInput(plan).inOneSplit(SplitHistogram.bucket(order.apply(e.getValue())))) {
        return;
      }
      checked.inc();
      long h = RowHash.of(e.getValue(), from, 0x1eaca9eL);
      c.output(KV.of((int) (h >>> 54), KV.of(h, e.getKey())));
    }
  }

  /** Per shard: the feature vectors seen in more than one split, and their rows: KV<vectors, rows>. */
  static final class ShardFn extends DoFn<KV<Integer, Iterable<KV<Long, Integer>>>, KV<Long, Long>> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KV<Long, Integer>>> shard, OutputReceiver<KV<Long, Long>> out) {
      // hash -> (row count << 8) | split bit mask
      HashMap<Long, Long> seen = new HashMap<>();
      for (KV<Long, Integer> e : shard.getValue()) {
        seen.merge(e.getKey(), (1L << 8) | (1L << e.getValue()), (a, b) -> (((a >>> 8) + (b >>> 8)) << 8) | ((a | b) & 0xFF));
      }
      long vectors = 0;
      long rows = 0;
      for (long v : seen.values()) {
        if (Long.bitCount(v & 0xFF) > 1) {
          vectors++;
          rows += v >>> 8;
        }
      }
      if (vectors > 0) {
        out.output(KV.of(vectors, rows));
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
