package dev.trainset.pipelines.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.RunConfig.SplitMethod;
import dev.trainset.pipelines.config.RunConfig.SplitSettings;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.split.ExactSplit;
import dev.trainset.transforms.split.RowHash;
import dev.trainset.transforms.split.SplitPlan;
import dev.trainset.transforms.split.SplitUnit;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
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
  static final String METRICS_NAMESPACE = "trainset";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Result(PCollection<KV<Integer, Row>> rows, PCollection<String> plan) {}

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
          return new Result(null, null);
        }
        return new Result(
            rows.apply("Unsplit", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.rows())).via(r -> KV.of(0, r)))
                .setCoder(kvCoder),
            null);
      case HASH:
        if (planOnly) {
          return new Result(null, null);
        }
        int keyIndex = s.key() != null ? prep.output().indexOf(s.key()) : groupIndex;
        if (s.key() != null && keyIndex < 0) {
          throw new Preparation.InvalidSetting("split.key", "no column '" + s.key() + "' among the output columns " + prep.output().names());
        }
        return new Result(
            rows.apply("HashSplit", ParDo.of(new HashSplitFn(s.fractions(), s.seed(), keyIndex))).setCoder(kvCoder), null);
      default:
        break;
    }
    if (groupIndex < 0) {
      SerializableFunction<Row, SplitUnit> unit = new RowUnit(stratified, featuresFrom, s.seed());
      PCollection<SplitPlan> plan =
          rows.apply(
              "PlanSplit",
              ExactSplit.plan(s.names(), s.fractions(), s.seed(), unit).withAllowEmptySplitClasses(s.allowEmptySplitClasses()));
      if (planOnly) {
        return new Result(null, plan.apply("PlanJson", ParDo.of(new PlanJsonFn("row"))).setCoder(StringUtf8Coder.of()));
      }
      PCollectionView<SplitPlan> view = plan.apply("PlanView", View.asSingleton());
      PCollection<KV<Integer, Row>> assigned = rows.apply("AssignSplit", ExactSplit.assign(view, unit, rows.getCoder()));
      return new Result(assigned, plan.apply("PlanJson", ParDo.of(new PlanJsonFn("row"))).setCoder(StringUtf8Coder.of()));
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
      return new Result(null, plan.apply("PlanJson", ParDo.of(new PlanJsonFn("group"))).setCoder(StringUtf8Coder.of()));
    }
    PCollectionView<SplitPlan> view = plan.apply("PlanView", View.asSingleton());
    PCollection<KV<String, Integer>> groupSplit =
        groups
            .apply("AssignSplit", ExactSplit.assign(view, unit, strings))
            .apply("GroupToSplit", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
                .via(kv -> KV.of(kv.getValue().getKey(), kv.getKey())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    TupleTag<Row> rowTag = new TupleTag<>();
    TupleTag<Integer> splitTag = new TupleTag<>();
    PCollection<KV<Integer, Row>> joined =
        KeyedPCollectionTuple.of(rowTag, byGroup)
            .and(splitTag, groupSplit)
            .apply("JoinGroups", CoGroupByKey.create())
            .apply("RowsToSplit", ParDo.of(new JoinFn(rowTag, splitTag)))
            .setCoder(kvCoder);
    return new Result(joined, plan.apply("PlanJson", ParDo.of(new PlanJsonFn("group"))).setCoder(StringUtf8Coder.of()));
  }

  /** Keeps one of each set of identical rows (128-bit content key); counts the others in {@code trainset/duplicates}. */
  private static PCollection<Row> dedupe(PCollection<Row> rows) {
    return rows.apply("ContentKey", ParDo.of(new ContentKeyFn()))
        .setCoder(KvCoder.of(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()), rows.getCoder()))
        .apply("GroupIdentical", GroupByKey.create())
        .apply("KeepOne", ParDo.of(new KeepOneFn()))
        .setRowSchema(rows.getSchema());
  }

  static final class ContentKeyFn extends DoFn<Row, KV<KV<Long, Long>, Row>> {
    @ProcessElement
    public void process(@Element Row r, OutputReceiver<KV<KV<Long, Long>, Row>> out) {
      out.output(KV.of(KV.of(RowHash.of(r, 0, 11), RowHash.of(r, 0, 12)), r));
    }
  }

  static final class KeepOneFn extends DoFn<KV<KV<Long, Long>, Iterable<Row>>, Row> {
    private final Counter duplicates = Metrics.counter(METRICS_NAMESPACE, "duplicates");

    @ProcessElement
    public void process(@Element KV<KV<Long, Long>, Iterable<Row>> e, OutputReceiver<Row> out) {
      long n = 0;
      for (Row r : e.getValue()) {
        if (n++ == 0) {
          out.output(r);
        }
      }
      duplicates.inc(n - 1);
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
      String cls = stratified ? Preparation.labelText(r.getValue(0)) : "*";
      return new SplitUnit(cls, RowHash.mix(RowHash.of(r, featuresFrom, 0), seed), RowHash.of(r, 0, 1));
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
      Object g = r.getValue(index);
      // A row without a group id is a group of its own.
      String key = g == null ? "\u0000row:" + Long.toHexString(RowHash.of(r, 0, 3)) : "=" + Preparation.labelText(g);
      out.output(KV.of(key, r));
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

  static final class JoinFn extends DoFn<KV<String, CoGbkResult>, KV<Integer, Row>> {
    private final TupleTag<Row> rowTag;
    private final TupleTag<Integer> splitTag;

    JoinFn(TupleTag<Row> rowTag, TupleTag<Integer> splitTag) {
      this.rowTag = rowTag;
      this.splitTag = splitTag;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> e, OutputReceiver<KV<Integer, Row>> out) {
      Integer split = e.getValue().getOnly(splitTag);
      for (Row r : e.getValue().getAll(rowTag)) {
        out.output(KV.of(split, r));
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
