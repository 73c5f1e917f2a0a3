package dev.trainset.pipelines.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.RunConfig.SplitMethod;
import dev.trainset.pipelines.config.RunConfig.SplitSettings;
import dev.trainset.transforms.coders.SummaryCoder;
import dev.trainset.transforms.io.ReadRecords;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.Values;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.split.CountLeakage;
import dev.trainset.transforms.split.ExactSplit;
import dev.trainset.transforms.split.RowHash;
import dev.trainset.transforms.split.SplitPlan;
import dev.trainset.transforms.split.SplitUnit;
import dev.trainset.transforms.stats.QuantileSketch;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The split step of the batch job, from the {@code split} settings: rows in, {@code KV<split index, row>} out, plus
 * the plan as JSON for the manifest. Rows are prepared: the label, when there is one, is column 0.
 *
 * <ul>
 *   <li>{@code none}: every row in split 0 ({@code data}).
 *   <li>{@code stratified} / {@code random}: {@link ExactSplit} over rows; a row's class is its label text (or
 *       {@code *}), its order key the seeded hash of its features, so identical feature rows sit next to each other
 *       and nearly always share a split.
 *   <li>with {@code groupBy}: the units are groups. A group's class is its most frequent label (ties: the smallest
 *       label text); groups are split exactly, then every row joins its group's split (a join by group: a group's
 *       rows meet on one worker, a class never does). Exact at group level, approximate at row level.
 *   <li>{@code hash}: split = where {@code hash(key, seed)} falls in the cumulative fractions; no pass over the data.
 * </ul>
 */
final class SplitStage {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * @param leakage the leakage check for these rows: after an exact split of rows it looks only at the rows that can
   *     leak ({@link CountLeakage#skipRowsInOneSplit}); null when nothing is split
   */
  record Result(PCollection<KV<Integer, Row>> rows, PCollection<String> plan, CountLeakage leakage) {}

  private SplitStage() {}

  static Result apply(PCollection<Row> rows, SplitSettings s, Preparation prep) {
    return apply(rows, s, prep, false);
  }

  /**
   * Only the plan (a dry run: {@code trainset validate}); null for methods without one ({@code none}, {@code hash}).
   */
  static PCollection<String> planOnly(PCollection<Row> rows, SplitSettings s, Preparation prep) {
    return apply(rows, s, prep, true).plan();
  }

  private static Result apply(PCollection<Row> rows, SplitSettings s, Preparation prep, boolean planOnly) {
    KvCoder<Integer, Row> kvCoder = KvCoder.of(VarIntCoder.of(), rows.getCoder());
    if (s.dedupe()) {
      rows = dedupe(rows);
    }
    int featuresFrom = prep.hasLabel() ? 1 : 0;
    boolean stratified = s.method() == SplitMethod.STRATIFIED;
    int groupIndex = s.groupBy() == null ? -1 : prep.output().indexOf(s.groupBy());
    if (s.groupBy() != null && groupIndex < 0) {
      throw new Preparation.InvalidSetting("split.groupBy", "no column '" + s.groupBy() + "' among the output columns " + prep.output().names());
    }
    switch (s.method()) {
      case NONE:
        if (planOnly) {
          return new Result(null, null, null);
        }
        return new Result(
            rows.apply("Unsplit", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.rows())).via(r -> KV.of(0, r)))
                .setCoder(kvCoder),
            null,
            null);
      case HASH:
        if (planOnly) {
          return new Result(null, null, null);
        }
        int keyIndex = s.key() != null ? prep.output().indexOf(s.key()) : groupIndex;
        if (s.key() != null && keyIndex < 0) {
          throw new Preparation.InvalidSetting("split.key", "no column '" + s.key() + "' among the output columns " + prep.output().names());
        }
        return new Result(
            rows.apply("HashSplit", ParDo.of(new HashSplitFn(s.fractions(), s.seed(), keyIndex))).setCoder(kvCoder),
            null,
            CountLeakage.of(featuresFrom));
      default:
        break;
    }
    if (s.bins() > 0) {
      return binned(rows, s, prep, planOnly, featuresFrom);
    }
    if (groupIndex < 0) {
      SerializableFunction<Row, SplitUnit> unit = new RowUnit(stratified, featuresFrom, s.seed());
      PCollection<SplitPlan> plan =
          rows.apply(
              "PlanSplit",
              ExactSplit.plan(s.names(), s.fractions(), s.seed(), unit).withAllowEmptySplitClasses(s.allowEmptySplitClasses()));
      if (planOnly) {
        return new Result(null, planJson(plan, "row"), null);
      }
      PCollectionView<SplitPlan> view = plan.apply("PlanView", View.asSingleton());
      PCollection<KV<Integer, Row>> assigned = rows.apply("AssignSplit", ExactSplit.assign(view, unit, rows.getCoder()));
      return new Result(assigned, planJson(plan, "row"), rowLeakage(view, featuresFrom, s.seed()));
    }

    // Group-aware: split the groups, then join rows to their group's split.
    KvCoder<String, String> strings = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, Row>> byGroup =
        rows.apply("KeyByGroup", ParDo.of(new GroupKeyFn(groupIndex))).setCoder(KvCoder.of(StringUtf8Coder.of(), rows.getCoder()));
    PCollection<KV<String, String>> groups =
        byGroup
            .apply("GroupLabel", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via(kv -> KV.of(kv.getKey(), stratified ? Preparation.labelText(kv.getValue().getValue(0)) : "*")))
            .setCoder(strings)
            .apply("GroupClass", Combine.perKey(new MajorityFn()))
            .setCoder(strings);
    SerializableFunction<KV<String, String>, SplitUnit> unit = new GroupUnit(s.seed());
    PCollection<SplitPlan> plan =
        groups.apply(
            "PlanSplit",
            ExactSplit.plan(s.names(), s.fractions(), s.seed(), unit)
                .withAllowEmptySplitClasses(s.allowEmptySplitClasses())
                .withUnitName("group"));
    if (planOnly) {
      return new Result(null, planJson(plan, "group"), null);
    }
    PCollectionView<SplitPlan> view = plan.apply("PlanView", View.asSingleton());
    PCollection<KV<String, Integer>> groupSplit =
        groups
            .apply("AssignSplit", ExactSplit.assign(view, unit, strings))
            .apply("GroupToSplit", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
                .via(kv -> KV.of(kv.getValue().getKey(), kv.getKey())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    // Join by shard of the group id (1,024 keys), not by group: a runner never handles one key per group.
    TupleTag<Row> rowTag = new TupleTag<>();
    TupleTag<KV<String, Integer>> splitTag = new TupleTag<>();
    PCollection<KV<Integer, Row>> rowsByShard =
        byGroup.apply("RowShard", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.rows()))
                .via(kv -> KV.of(shard(kv.getKey()), kv.getValue())))
            .setCoder(kvCoder);
    PCollection<KV<Integer, KV<String, Integer>>> splitsByShard =
        groupSplit
            .apply("GroupShard", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers())))
                .via(kv -> KV.of(shard(kv.getKey()), kv)))
            .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of())));
    PCollection<KV<Integer, Row>> joined =
        KeyedPCollectionTuple.of(rowTag, rowsByShard)
            .and(splitTag, splitsByShard)
            .apply("JoinGroups", CoGroupByKey.create())
            .apply("RowsToSplit", ParDo.of(new JoinFn(rowTag, splitTag, groupIndex)))
            .setCoder(kvCoder);
    // A group's order key is not its rows' features: every row is checked.
    return new Result(joined, planJson(plan, "group"), CountLeakage.of(featuresFrom));
  }

  /** The leakage check after an exact split of rows by {@link RowUnit}'s order key. */
  private static CountLeakage rowLeakage(PCollectionView<SplitPlan> plan, int featuresFrom, long seed) {
    return CountLeakage.of(featuresFrom).skipRowsInOneSplit(plan, new FeatureOrder(featuresFrom, seed));
  }

  /**
   * Regression: stratify by quantile bins of a numeric label. A combine builds a {@link QuantileSketch} of the label (exact up to 65,536 distinct values, then at a relative
   * precision; order-independent, so every runner finds the same edges), its quantile edges become a side input, and
   * each row's class is its bin ("03 [1.5, 2.25)"); then the exact split as usual.
   */
  private static Result binned(PCollection<Row> rows, SplitSettings s, Preparation prep, boolean planOnly, int featuresFrom) {
    ColumnType t = prep.output().column(0).type();
    if (t != ColumnType.LONG && t != ColumnType.DOUBLE) {
      throw new Preparation.InvalidSetting("split.bins", "needs a numeric label; '" + prep.output().column(0).name() + "' is " + t.configName());
    }
    int bins = s.bins();
    PCollectionView<double[]> edges =
        rows.apply("LabelValues", MapElements.into(TypeDescriptors.doubles()).via(r -> r.getValue(0) == null ? Double.NaN : ((Number) r.getValue(0)).doubleValue()))
            .apply("LabelHistogram", Combine.globally(new FineHistogramFn()))
            .apply("QuantileEdges", MapElements.into(TypeDescriptor.of(double[].class)).via(h -> withBits(h.edges(bins), h.bits())))
            .setCoder(SummaryCoder.of(double[].class))
            .apply("EdgesView", View.asSingleton());
    KvCoder<String, Row> keyed = KvCoder.of(StringUtf8Coder.of(), rows.getCoder());
    PCollection<KV<String, Row>> byBin = rows.apply("LabelBin", ParDo.of(new BinFn(edges)).withSideInputs(edges)).setCoder(keyed);
    SerializableFunction<KV<String, Row>, SplitUnit> unit = new BinnedUnit(featuresFrom, s.seed());
    PCollection<SplitPlan> plan =
        byBin.apply(
            "PlanSplit",
            ExactSplit.plan(s.names(), s.fractions(), s.seed(), unit).withAllowEmptySplitClasses(s.allowEmptySplitClasses()));
    PCollection<String> planJson = planJson(plan, "row");
    if (planOnly) {
      return new Result(null, planJson, null);
    }
    PCollectionView<SplitPlan> view = plan.apply("PlanView", View.asSingleton());
    PCollection<KV<Integer, Row>> assigned =
        byBin.apply("AssignSplit", ExactSplit.assign(view, unit, keyed))
            .apply("DropBin", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.rows()))
                .via(kv -> KV.of(kv.getKey(), kv.getValue().getValue())))
            .setCoder(KvCoder.of(VarIntCoder.of(), rows.getCoder()));
    return new Result(assigned, planJson, rowLeakage(view, featuresFrom, s.seed()));
  }

  /** The edges, then the sketch's precision as the last element (a BinFn rounds values the same way). */
  static double[] withBits(double[] edges, int bits) {
    double[] out = java.util.Arrays.copyOf(edges, edges.length + 1);
    out[edges.length] = bits;
    return out;
  }

  static final class FineHistogramFn extends Combine.CombineFn<Double, QuantileSketch, QuantileSketch> {
    @Override
    public QuantileSketch createAccumulator() {
      return new QuantileSketch();
    }

    @Override
    public QuantileSketch addInput(QuantileSketch h, Double v) {
      h.add(v);
      return h;
    }

    @Override
    public QuantileSketch mergeAccumulators(Iterable<QuantileSketch> hs) {
      QuantileSketch out = createAccumulator();
      hs.forEach(out::merge);
      return out;
    }

    @Override
    public QuantileSketch extractOutput(QuantileSketch h) {
      return h;
    }

    @Override
    public Coder<QuantileSketch> getAccumulatorCoder(
        CoderRegistry r, Coder<Double> in) {
      return SummaryCoder.of(QuantileSketch.class);
    }

    @Override
    public Coder<QuantileSketch> getDefaultOutputCoder(
        CoderRegistry r, Coder<Double> in) {
      return SummaryCoder.of(QuantileSketch.class);
    }
  }

  /** KV<bin name, row>: bins are named by number and range so they sort in order: "03 [1.5, 2.25)". */
  static final class BinFn extends DoFn<Row, KV<String, Row>> {
    private final PCollectionView<double[]> edges;
    private transient String[] names;

    BinFn(PCollectionView<double[]> edges) {
      this.edges = edges;
    }

    @ProcessElement
    public void process(@Element Row r, ProcessContext c) {
      double[] withBits = c.sideInput(edges);
      double[] e = java.util.Arrays.copyOf(withBits, withBits.length - 1);
      int bits = (int) withBits[withBits.length - 1];
      if (names == null || names.length != e.length + 1) {
        names = new String[e.length + 1];
        for (int i = 0; i <= e.length; i++) {
          String lo = i == 0 ? "-inf" : Values.formatDouble(e[i - 1]);
          String hi = i == e.length ? "inf" : Values.formatDouble(e[i]);
          names[i] = String.format(java.util.Locale.ROOT, "%02d [%s, %s)", i + 1, lo, hi);
        }
      }
      Object v = r.getValue(0);
      if (v == null) {
        c.output(KV.of("missing", r));
        return;
      }
      double d = QuantileSketch.key(((Number) v).doubleValue(), bits);
      int i = 0;
      while (i < e.length && d >= e[i]) {
        i++;
      }
      c.output(KV.of(names[i], r));
    }
  }

  /** A row keyed by its label bin: class = the bin, order = the seeded hash of the features. */
  static final class BinnedUnit implements SerializableFunction<KV<String, Row>, SplitUnit> {
    private final int featuresFrom;
    private final long seed;

    BinnedUnit(int featuresFrom, long seed) {
      this.featuresFrom = featuresFrom;
      this.seed = seed;
    }

    @Override
    public SplitUnit apply(KV<String, Row> kv) {
      return RowUnit.of(kv.getKey(), kv.getValue(), featuresFrom, seed);
    }
  }

  /**
   * Keeps one of each set of identical rows (by a 128-bit content key), counting the others in {@code
   * trainset/duplicates}. Rows are grouped by 1,024 shards of the key, and each shard keeps the keys it has seen.
   */
  private static PCollection<Row> dedupe(PCollection<Row> rows) {
    return rows.apply("ContentShard", ParDo.of(new ContentShardFn()))
        .setCoder(KvCoder.of(VarIntCoder.of(), rows.getCoder()))
        .apply("GroupShards", GroupByKey.create())
        .apply("KeepFirstOfEach", ParDo.of(new KeepFirstFn()))
        .setRowSchema(rows.getSchema());
  }

  static final class ContentShardFn extends DoFn<Row, KV<Integer, Row>> {
    @ProcessElement
    public void process(@Element Row r, OutputReceiver<KV<Integer, Row>> out) {
      out.output(KV.of((int) (RowHash.of(r, 0, 11) >>> 54), r));
    }
  }

  static final class KeepFirstFn extends DoFn<KV<Integer, Iterable<Row>>, Row> {
    private final Counter duplicates = Metrics.counter(ReadRecords.METRICS_NAMESPACE, "duplicates");

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Row>> shard, OutputReceiver<Row> out) {
      java.util.Set<KV<Long, Long>> seen = new java.util.HashSet<>();
      long dropped = 0;
      for (Row r : shard.getValue()) {
        if (seen.add(KV.of(RowHash.of(r, 0, 11), RowHash.of(r, 0, 12)))) {
          out.output(r);
        } else {
          dropped++;
        }
      }
      duplicates.inc(dropped);
    }
  }

  /** A row as a split unit: class = label text (or *), order = seeded hash of the features. */
  static final class RowUnit implements SerializableFunction<Row, SplitUnit> {
    private final boolean stratified;
    private final int featuresFrom;
    private final long seed;

    RowUnit(boolean stratified, int featuresFrom, long seed) {
      this.stratified = stratified;
      this.featuresFrom = featuresFrom;
      this.seed = seed;
    }

    @Override
    public SplitUnit apply(Row r) {
      return of(stratified ? Preparation.labelText(r.getValue(0)) : "*", r, featuresFrom, seed);
    }

    /** Order: the seeded hash of the features ({@link FeatureOrder}); tie-break: the hash of the whole row. */
    static SplitUnit of(String cls, Row r, int featuresFrom, long seed) {
      return new SplitUnit(cls, FeatureOrder.of(r, featuresFrom, seed), RowHash.of(r, 0, 1));
    }
  }

  /** A row's order key in the split: the seeded hash of its features, whatever its class. */
  static final class FeatureOrder implements SerializableFunction<Row, Long> {
    private final int featuresFrom;
    private final long seed;

    FeatureOrder(int featuresFrom, long seed) {
      this.featuresFrom = featuresFrom;
      this.seed = seed;
    }

    @Override
    public Long apply(Row r) {
      return of(r, featuresFrom, seed);
    }

    static long of(Row r, int featuresFrom, long seed) {
      return RowHash.mix(RowHash.of(r, featuresFrom, 0), seed);
    }
  }

  /** A group as a split unit: KV<group id, class>. */
  static final class GroupUnit implements SerializableFunction<KV<String, String>, SplitUnit> {
    private final long seed;

    GroupUnit(long seed) {
      this.seed = seed;
    }

    @Override
    public SplitUnit apply(KV<String, String> g) {
      return new SplitUnit(g.getValue(), RowHash.mix(RowHash.ofText(g.getKey(), 0), seed), RowHash.ofText(g.getKey(), 1));
    }
  }

  static final class GroupKeyFn extends DoFn<Row, KV<String, Row>> {
    private final int index;

    GroupKeyFn(int index) {
      this.index = index;
    }

    @ProcessElement
    public void process(@Element Row r, OutputReceiver<KV<String, Row>> out) {
      out.output(KV.of(key(r, index), r));
    }

    /** The group id as text; a row without one is a group of its own. */
    static String key(Row r, int index) {
      Object g = r.getValue(index);
      return g == null ? "\u0000row:" + Long.toHexString(RowHash.of(r, 0, 3)) : "=" + Preparation.labelText(g);
    }
  }

  /** The most frequent class of a group; ties go to the smallest class text. */
  static final class MajorityFn extends Combine.CombineFn<String, HashMap<String, Long>, String> {
    @Override
    public HashMap<String, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<String, Long> addInput(HashMap<String, Long> acc, String cls) {
      acc.merge(cls, 1L, Long::sum);
      return acc;
    }

    @Override
    public HashMap<String, Long> mergeAccumulators(Iterable<HashMap<String, Long>> accs) {
      HashMap<String, Long> out = new HashMap<>();
      for (HashMap<String, Long> a : accs) {
        a.forEach((k, v) -> out.merge(k, v, Long::sum));
      }
      return out;
    }

    @Override
    public String extractOutput(HashMap<String, Long> acc) {
      String best = null;
      long n = -1;
      for (Map.Entry<String, Long> e : acc.entrySet()) {
        if (e.getValue() > n || (e.getValue() == n && e.getKey().compareTo(best) < 0)) {
          best = e.getKey();
          n = e.getValue();
        }
      }
      return best;
    }
  }

  static final int SHARDS = 1024;

  static int shard(String key) {
    return (int) (RowHash.ofText(key, 7) >>> 54);
  }

  /** Per shard: the shard's group → split map, then every row of the shard to its group's split. */
  static final class JoinFn extends DoFn<KV<Integer, CoGbkResult>, KV<Integer, Row>> {
    private final TupleTag<Row> rowTag;
    private final TupleTag<KV<String, Integer>> splitTag;
    private final int groupIndex;

    JoinFn(TupleTag<Row> rowTag, TupleTag<KV<String, Integer>> splitTag, int groupIndex) {
      this.rowTag = rowTag;
      this.splitTag = splitTag;
      this.groupIndex = groupIndex;
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> e, OutputReceiver<KV<Integer, Row>> out) {
      Map<String, Integer> splits = new HashMap<>();
      for (KV<String, Integer> g : e.getValue().getAll(splitTag)) {
        splits.put(g.getKey(), g.getValue());
      }
      for (Row r : e.getValue().getAll(rowTag)) {
        out.output(KV.of(splits.get(GroupKeyFn.key(r, groupIndex)), r));
      }
    }
  }

  /** Split = where hash(key, seed) falls in the cumulative fractions (key: a column, or the whole row). */
  static final class HashSplitFn extends DoFn<Row, KV<Integer, Row>> {
    private final double[] cumulative;
    private final long seed;
    private final int keyIndex;

    HashSplitFn(List<BigDecimal> fractions, long seed, int keyIndex) {
      this.cumulative = new double[fractions.size()];
      BigDecimal c = BigDecimal.ZERO;
      for (int i = 0; i < fractions.size(); i++) {
        c = c.add(fractions.get(i));
        cumulative[i] = c.doubleValue();
      }
      this.seed = seed;
      this.keyIndex = keyIndex;
    }

    @ProcessElement
    public void process(@Element Row r, OutputReceiver<KV<Integer, Row>> out) {
      long h = keyIndex >= 0 ? RowHash.ofValue(r.getValue(keyIndex), 0) : RowHash.of(r, 0, 0);
      double u = (RowHash.mix(h, seed) >>> 11) * 0x1.0p-53;
      int split = cumulative.length - 1;
      for (int i = 0; i < cumulative.length; i++) {
        if (u < cumulative[i]) {
          split = i;
          break;
        }
      }
      out.output(KV.of(split, r));
    }
  }

  private static PCollection<String> planJson(PCollection<SplitPlan> plan, String unit) {
    return plan.apply("PlanJson", ParDo.of(new PlanJsonFn(unit))).setCoder(StringUtf8Coder.of());
  }

  /** The plan as JSON: per class the units per split, and the totals. */
  static final class PlanJsonFn extends DoFn<SplitPlan, String> {
    private final String unit;

    PlanJsonFn(String unit) {
      this.unit = unit;
    }

    @ProcessElement
    public void process(@Element SplitPlan plan, OutputReceiver<String> out) {
      ObjectNode n = MAPPER.createObjectNode();
      n.put("kind", "plan");
      n.put("unit", unit);
      ObjectNode classes = n.putObject("apportionment");
      plan.apportionment().asMap().forEach((cls, counts) -> {
        ObjectNode c = classes.putObject(cls);
        for (int j = 0; j < counts.length; j++) {
          c.put(plan.splits().get(j), counts[j]);
        }
      });
      ObjectNode totals = n.putObject("totals");
      long[] t = plan.totals();
      for (int j = 0; j < t.length; j++) {
        totals.put(plan.splits().get(j), t[j]);
      }
      out.output(n.toString());
    }
  }
}
