package dev.trainset.transforms.split;

import dev.trainset.transforms.coders.SummaryCoder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The exact, seeded split of a collection of units (rows, or groups of rows), in two transforms:
 *
 * <pre>{@code
 * PCollection<SplitPlan> plan = units.apply("PlanSplit", ExactSplit.plan(names, fractions, seed, unitFn));
 * PCollection<KV<Integer, T>> bySplit = units.apply("AssignSplit", ExactSplit.assign(View.asSingleton(plan), unitFn, coder));
 * }</pre>
 *
 * {@code plan} combines a {@link SplitHistogram} (no unit moves) and computes the {@link SplitPlan} once. {@code
 * assign} sends every unit of a decided bucket straight to its split, and groups only the units of boundary buckets
 * (at most splits − 1 buckets of 1,024 per class) by bucket to rank them. See {@link SplitPlan} for why that is exact.
 *
 * <p>The plan is a side input of the assignment, so units wait until the histogram is complete: Flink spills them to
 * disk (a 2M-row class splits in a 512 MB heap, see LargeSplitIT); the DirectRunner keeps them on the heap, like
 * everything else it runs.
 */
public final class ExactSplit {
  private ExactSplit() {}

  public static <T> Plan<T> plan(List<String> splits, List<BigDecimal> fractions, long seed, SerializableFunction<T, SplitUnit> unit) {
    return new Plan<>(splits, fractions, seed, false, "row", unit);
  }

  public static <T> Assign<T> assign(PCollectionView<SplitPlan> plan, SerializableFunction<T, SplitUnit> unit, Coder<T> coder) {
    return new Assign<>(plan, unit, coder);
  }

  /** Builds the plan: histogram by combine, then the apportionment. */
  public static final class Plan<T> extends PTransform<PCollection<T>, PCollection<SplitPlan>> {
    private final List<String> splits;
    private final List<BigDecimal> fractions;
    private final long seed;
    private final boolean allowEmptySplitClasses;
    private final String unitName;
    private final SerializableFunction<T, SplitUnit> unit;

    Plan(List<String> splits, List<BigDecimal> fractions, long seed, boolean allowEmpty, String unitName, SerializableFunction<T, SplitUnit> unit) {
      this.splits = List.copyOf(splits);
      this.fractions = List.copyOf(fractions);
      this.seed = seed;
      this.allowEmptySplitClasses = allowEmpty;
      this.unitName = unitName;
      this.unit = unit;
    }

    /** Lets a class have fewer units than splits (some of its cells are then 0). */
    public Plan<T> withAllowEmptySplitClasses(boolean allow) {
      return new Plan<>(splits, fractions, seed, allow, unitName, unit);
    }

    /** What a unit is called in messages ("row", "group"). */
    public Plan<T> withUnitName(String name) {
      return new Plan<>(splits, fractions, seed, allowEmptySplitClasses, name, unit);
    }

    @Override
    public PCollection<SplitPlan> expand(PCollection<T> units) {
      if (splits.size() != fractions.size() || splits.size() < 2) {
        throw new IllegalArgumentException("ExactSplit.plan: needs 2 or more splits, one fraction each");
      }
      return units
          .apply("Histogram", Combine.globally(new HistogramFn<>(unit)))
          .setCoder(SummaryCoder.of(SplitHistogram.class))
          .apply("Apportion", ParDo.of(new PlanFn(splits, fractions, seed, allowEmptySplitClasses, unitName)))
          .setCoder(SummaryCoder.of(SplitPlan.class));
    }
  }

  static final class HistogramFn<T> extends Combine.CombineFn<T, SplitHistogram, SplitHistogram> {
    private final SerializableFunction<T, SplitUnit> unit;

    HistogramFn(SerializableFunction<T, SplitUnit> unit) {
      this.unit = unit;
    }

    @Override
    public SplitHistogram createAccumulator() {
      return new SplitHistogram();
    }

    @Override
    public SplitHistogram addInput(SplitHistogram acc, T input) {
      SplitUnit u = unit.apply(input);
      acc.add(u.cls(), u.order());
      return acc;
    }

    @Override
    public SplitHistogram mergeAccumulators(Iterable<SplitHistogram> accs) {
      SplitHistogram out = new SplitHistogram();
      for (SplitHistogram a : accs) {
        out.merge(a);
      }
      return out;
    }

    @Override
    public SplitHistogram extractOutput(SplitHistogram acc) {
      return acc;
    }

    @Override
    public Coder<SplitHistogram> getAccumulatorCoder(org.apache.beam.sdk.coders.CoderRegistry r, Coder<T> in) {
      return SummaryCoder.of(SplitHistogram.class);
    }
  }

  static final class PlanFn extends DoFn<SplitHistogram, SplitPlan> {
    private final List<String> splits;
    private final List<BigDecimal> fractions;
    private final long seed;
    private final boolean allowEmpty;
    private final String unitName;

    PlanFn(List<String> splits, List<BigDecimal> fractions, long seed, boolean allowEmpty, String unitName) {
      this.splits = splits;
      this.fractions = fractions;
      this.seed = seed;
      this.allowEmpty = allowEmpty;
      this.unitName = unitName;
    }

    @ProcessElement
    public void process(@Element SplitHistogram h, OutputReceiver<SplitPlan> out) {
      out.output(SplitPlan.of(h, splits, fractions, seed, allowEmpty, unitName));
    }
  }

  /** Assigns every unit its split: {@code KV<split index, unit>}. */
  public static final class Assign<T> extends PTransform<PCollection<T>, PCollection<KV<Integer, T>>> {
    private final PCollectionView<SplitPlan> plan;
    private final SerializableFunction<T, SplitUnit> unit;
    private final Coder<T> coder;

    Assign(PCollectionView<SplitPlan> plan, SerializableFunction<T, SplitUnit> unit, Coder<T> coder) {
      this.plan = plan;
      this.unit = unit;
      this.coder = coder;
    }

    @Override
    public PCollection<KV<Integer, T>> expand(PCollection<T> units) {
      KvCoder<Integer, T> kv = KvCoder.of(VarIntCoder.of(), coder);
      PCollection<KV<Integer, T>> first =
          units.apply("ByBucket", ParDo.of(new AssignFn<>(plan, unit)).withSideInputs(plan)).setCoder(kv);
      PCollection<KV<Integer, T>> decided = first.apply("Decided", Filter.by(e -> e.getKey() >= 0)).setCoder(kv);
      PCollection<KV<Integer, T>> ranked =
          first
              .apply("BoundaryBuckets", Filter.by(e -> e.getKey() < 0))
              .setCoder(kv)
              .apply("GroupBoundaryBucket", GroupByKey.create())
              .apply("RankBoundaryBucket", ParDo.of(new RankFn<>(plan, unit)).withSideInputs(plan))
              .setCoder(kv);
      return PCollectionList.of(decided).and(ranked).apply("AllSplits", Flatten.pCollections()).setCoder(kv);
    }
  }

  static final class AssignFn<T> extends DoFn<T, KV<Integer, T>> {
    private final PCollectionView<SplitPlan> plan;
    private final SerializableFunction<T, SplitUnit> unit;

    AssignFn(PCollectionView<SplitPlan> plan, SerializableFunction<T, SplitUnit> unit) {
      this.plan = plan;
      this.unit = unit;
    }

    @ProcessElement
    public void process(@Element T t, ProcessContext c) {
      SplitUnit u = unit.apply(t);
      c.output(KV.of(c.sideInput(plan).assign(u.cls(), u.order()), t));
    }
  }

  static final class RankFn<T> extends DoFn<KV<Integer, Iterable<T>>, KV<Integer, T>> {
    private final PCollectionView<SplitPlan> plan;
    private final SerializableFunction<T, SplitUnit> unit;

    RankFn(PCollectionView<SplitPlan> plan, SerializableFunction<T, SplitUnit> unit) {
      this.plan = plan;
      this.unit = unit;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<T>> bucket, ProcessContext c) {
      List<T> items = new ArrayList<>();
      bucket.getValue().forEach(items::add);
      long[] orders = new long[items.size()];
      long[] ties = new long[items.size()];
      for (int k = 0; k < items.size(); k++) {
        SplitUnit u = unit.apply(items.get(k));
        orders[k] = u.order();
        ties[k] = u.tieBreak();
      }
      int[] splits = c.sideInput(plan).rankBucket(-bucket.getKey() - 1, orders, ties);
      for (int k = 0; k < items.size(); k++) {
        c.output(KV.of(splits[k], items.get(k)));
      }
    }
  }
}
