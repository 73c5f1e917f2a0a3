package dev.trainset.transforms.split;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * The leakage check: how many distinct feature vectors occur in more than one split, and how many rows carry them.
 * Input: {@code KV<shard, KV<feature key, split>>} for every row that may leak (the writing pass leaves out rows of
 * buckets an exact split keeps in one split). Keys are grouped into {@link #SHARDS} shards by their top bits and each
 * shard counts its own keys, so 12 bytes per candidate move, a worker holds 1/1024 of the keys, and no runner handles
 * one key per row. Output: one {@code KV<vectors, rows>} (zeros when nothing leaks). Feature keys are 64-bit hashes:
 * collisions are possible but vanishingly rare below billions of rows.
 */
public final class CountLeakage
    extends PTransform<PCollection<KV<Integer, KV<Long, Integer>>>, PCollection<KV<Long, Long>>> {
  public static final int SHARDS = 1024;

  private CountLeakage() {}

  public static CountLeakage create() {
    return new CountLeakage();
  }

  /** The shard of a feature key. */
  public static int shard(long featureKey) {
    return (int) (featureKey >>> 54);
  }

  @Override
  public PCollection<KV<Long, Long>> expand(PCollection<KV<Integer, KV<Long, Integer>>> candidates) {
    return candidates
        .apply("GroupShards", GroupByKey.create())
        .apply("LeakedPerShard", ParDo.of(new ShardFn()))
        .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
        .apply("Total", Combine.globally(new SumPairs()))
        .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()));
  }

  /**
   * Feature keys and the split each row went to, 8 bytes a row: the key's top 61 bits and the split in the low 3 (at
   * most 5 splits). Sorting them puts the rows of a feature vector side by side. Not thread-safe.
   */
  public static final class Tally {
    private long[] entries = new long[1024];
    private int size;

    public void add(long featureKey, int split) {
      if (size == entries.length) {
        entries = java.util.Arrays.copyOf(entries, size * 2);
      }
      entries[size++] = (featureKey & ~7L) | split;
    }

    /** Adds another tally's rows. */
    public void merge(Tally other) {
      if (size + other.size > entries.length) {
        entries = java.util.Arrays.copyOf(entries, Math.max(entries.length * 2, size + other.size));
      }
      System.arraycopy(other.entries, 0, entries, size, other.size);
      size += other.size;
    }

    /** Feature vectors seen in more than one split, and their rows. */
    public long[] leaked() {
      java.util.Arrays.sort(entries, 0, size);
      long vectors = 0;
      long rows = 0;
      int i = 0;
      while (i < size) {
        long key = entries[i] & ~7L;
        int j = i;
        int splits = 0;
        while (j < size && (entries[j] & ~7L) == key) {
          splits |= 1 << (int) (entries[j] & 7);
          j++;
        }
        if (Integer.bitCount(splits) > 1) {
          vectors++;
          rows += j - i;
        }
        i = j;
      }
      return new long[] {vectors, rows};
    }
  }

  /** Per shard: the feature vectors seen in more than one split, and their rows: KV<vectors, rows>. */
  static final class ShardFn extends DoFn<KV<Integer, Iterable<KV<Long, Integer>>>, KV<Long, Long>> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KV<Long, Integer>>> shard, OutputReceiver<KV<Long, Long>> out) {
      Tally t = new Tally();
      for (KV<Long, Integer> e : shard.getValue()) {
        t.add(e.getKey(), e.getValue());
      }
      long[] l = t.leaked();
      if (l[0] > 0) {
        out.output(KV.of(l[0], l[1]));
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
}
