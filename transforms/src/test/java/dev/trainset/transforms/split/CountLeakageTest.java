package dev.trainset.transforms.split;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.trainset.transforms.io.ReadRecords;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

public class CountLeakageTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final Schema SCHEMA = Schema.builder().addStringField("label").addInt64Field("x").addInt64Field("y").build();
  private static final List<String> NAMES = List.of("train", "validation", "test");
  private static final List<BigDecimal> FRACTIONS = List.of(new BigDecimal("0.8"), new BigDecimal("0.1"), new BigDecimal("0.1"));
  private static final long SEED = 42;

  /** The split's order key: the seeded hash of the features (x, y), as trainset's row split uses. */
  static long order(Row r) {
    return RowHash.mix(RowHash.of(r, 1, 0), SEED);
  }

  static SplitUnit unit(Row r) {
    return new SplitUnit(r.getString(0), order(r), RowHash.of(r, 0, 1));
  }

  /**
   * 12,000 rows over 2,000 feature vectors (6 rows each on average). Most vectors carry one label; every fourth
   * carries two, so it leaks whenever the two classes' splits differ, and single-label vectors leak only when a
   * class's cut falls between their identical rows in a boundary bucket.
   */
  static List<Row> rows() {
    Random rnd = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      long x = rnd.nextInt(2_000);
      String label = x % 4 == 0 ? (rnd.nextBoolean() ? "a" : "b") : x % 3 == 0 ? "c" : x % 3 == 1 ? "b" : "a";
      rows.add(Row.withSchema(SCHEMA).addValues(label, x, x % 7).build());
    }
    return rows;
  }

  @Test
  public void skippingRowsInOneSplit_countsTheSameLeakageAsCheckingEveryRow_fromFewRows() {
    List<Row> rows = rows();

    // The expected counts, by a full assignment in memory and the feature values themselves (no hash).
    SplitHistogram h = new SplitHistogram();
    List<SplitPlanTest.U> units = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      SplitUnit u = unit(rows.get(i));
      h.add(u.cls(), u.order());
      units.add(new SplitPlanTest.U(u.cls(), u.order(), u.tieBreak(), i));
    }
    SplitPlan plan = SplitPlan.of(h, NAMES, FRACTIONS, SEED, false, "row");
    Map<Integer, Integer> bySplit = new HashMap<>();
    SplitPlanTest.assign(plan, units, bySplit);
    Map<List<Object>, Set<Integer>> splitsOf = new HashMap<>();
    Map<List<Object>, Set<String>> labelsOf = new HashMap<>();
    Map<List<Object>, Integer> rowsOf = new HashMap<>();
    long inMixedBuckets = 0;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      List<Object> features = List.of(r.getInt64(1), r.getInt64(2));
      splitsOf.computeIfAbsent(features, k -> new HashSet<>()).add(bySplit.get(i));
      labelsOf.computeIfAbsent(features, k -> new HashSet<>()).add(r.getString(0));
      rowsOf.merge(features, 1, Integer::sum);
      inMixedBuckets += plan.inOneSplit(SplitHistogram.bucket(order(r))) ? 0 : 1;
    }
    long vectors = 0;
    long leakedRows = 0;
    long oneLabelLeaks = 0;
    for (Map.Entry<List<Object>, Set<Integer>> e : splitsOf.entrySet()) {
      if (e.getValue().size() > 1) {
        vectors++;
        leakedRows += rowsOf.get(e.getKey());
        oneLabelLeaks += labelsOf.get(e.getKey()).size() == 1 ? 1 : 0;
      }
    }
    assertTrue("leaks across labels: " + (vectors - oneLabelLeaks), vectors - oneLabelLeaks > 0);
    assertTrue("leaks within one label (a cut between identical rows): " + oneLabelLeaks, oneLabelLeaks > 0);
    String expected = "{\"kind\":\"leakage\",\"featureVectors\":" + vectors + ",\"rows\":" + leakedRows + "}";

    // The same through Beam: the split, then the check of every row and the check that skips rows in one split.
    SerializableFunction<Row, SplitUnit> unitFn = CountLeakageTest::unit;
    PCollection<Row> in = p.apply(Create.of(rows).withRowSchema(SCHEMA));
    PCollectionView<SplitPlan> view = in.apply("Plan", ExactSplit.plan(NAMES, FRACTIONS, SEED, unitFn)).apply(View.asSingleton());
    PCollection<KV<Integer, Row>> assigned = in.apply("Assign", ExactSplit.assign(view, unitFn, RowCoder.of(SCHEMA)));
    PAssert.that(assigned.apply("EveryRow", CountLeakage.of(1))).containsInAnyOrder(expected);
    PAssert.that(assigned.apply("Skipping", CountLeakage.of(1).skipRowsInOneSplit(view, CountLeakageTest::order)))
        .containsInAnyOrder(expected);
    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertEquals(rows.size(), checked(result, "EveryRow"));
    assertEquals(inMixedBuckets, checked(result, "Skipping"));
    assertTrue("rows checked: " + inMixedBuckets + " of " + rows.size(), inMixedBuckets > 0 && inMixedBuckets < rows.size() / 20);
  }

  private static long checked(PipelineResult result, String step) {
    long n = 0;
    for (MetricResult<Long> c :
        result.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(ReadRecords.METRICS_NAMESPACE, CountLeakage.CHECKED))
                    .addStep(step)
                    .build())
            .getCounters()) {
      n += c.getAttempted();
    }
    return n;
  }
}
