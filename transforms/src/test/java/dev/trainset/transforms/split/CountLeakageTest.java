package dev.trainset.transforms.split;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.junit.Rule;
import org.junit.Test;

public class CountLeakageTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  /** 20,000 rows over 3,000 feature keys, each row in one of three splits: some keys end up in several. */
  static List<KV<Long, Integer>> rows() {
    Random rnd = new Random(7);
    List<KV<Long, Integer>> out = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      long key = ValueHash.fmix(rnd.nextInt(3_000));
      int split = key % 5 == 0 ? rnd.nextInt(3) : (int) Math.floorMod(key, 3L);
      out.add(KV.of(key, split));
    }
    return out;
  }

  static long[] expected(List<KV<Long, Integer>> rows) {
    Map<Long, Set<Integer>> splits = new HashMap<>();
    Map<Long, Long> count = new HashMap<>();
    for (KV<Long, Integer> r : rows) {
      splits.computeIfAbsent(r.getKey(), k -> new HashSet<>()).add(r.getValue());
      count.merge(r.getKey(), 1L, Long::sum);
    }
    long vectors = 0;
    long n = 0;
    for (Map.Entry<Long, Set<Integer>> e : splits.entrySet()) {
      if (e.getValue().size() > 1) {
        vectors++;
        n += count.get(e.getKey());
      }
    }
    return new long[] {vectors, n};
  }

  @Test
  public void givenRowsOfFeatureKeys_countsTheVectorsInSeveralSplitsAndTheirRows_inMemoryAndThroughBeam() {
    List<KV<Long, Integer>> rows = rows();
    long[] want = expected(rows);
    assertTrue("some vectors leak: " + want[0], want[0] > 100);

    CountLeakage.Tally a = new CountLeakage.Tally();
    CountLeakage.Tally b = new CountLeakage.Tally();
    for (int i = 0; i < rows.size(); i++) {
      (i % 2 == 0 ? a : b).add(rows.get(i).getKey(), rows.get(i).getValue());
    }
    a.merge(b);
    assertArrayEquals(want, a.leaked());

    List<KV<Integer, KV<Long, Integer>>> sharded = new ArrayList<>();
    rows.forEach(r -> sharded.add(KV.of(CountLeakage.shard(r.getKey()), r)));
    PAssert.that(p.apply(Create.of(sharded)).apply(CountLeakage.create())).containsInAnyOrder(KV.of(want[0], want[1]));
    p.run().waitUntilFinish();
  }

  @Test
  public void givenNoCandidates_countsZero() {
    PAssert.that(
            p.apply(Create.empty(org.apache.beam.sdk.coders.KvCoder.of(
                    org.apache.beam.sdk.coders.VarIntCoder.of(),
                    org.apache.beam.sdk.coders.KvCoder.of(org.apache.beam.sdk.coders.VarLongCoder.of(), org.apache.beam.sdk.coders.VarIntCoder.of()))))
                .apply(CountLeakage.create()))
        .containsInAnyOrder(KV.of(0L, 0L));
    p.run().waitUntilFinish();
  }
}
