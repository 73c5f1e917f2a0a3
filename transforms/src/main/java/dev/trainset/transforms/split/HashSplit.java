package dev.trainset.transforms.split;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code split.method: hash}: the split is where {@code hash(key, seed)} falls in the cumulative fractions; the key
 * is a column's value ({@code split.key}) or the whole row. Not exact, but needs no pass over the data, and a key's
 * split never changes.
 */
public final class HashSplit implements RowSplitter {
  private static final long serialVersionUID = 1L;
  private final List<String> splits;
  private final double[] cumulative;
  private final long seed;
  private final String keyColumn;

  public HashSplit(List<String> splits, List<BigDecimal> fractions, long seed, String keyColumn) {
    this.splits = List.copyOf(splits);
    this.cumulative = new double[fractions.size()];
    BigDecimal c = BigDecimal.ZERO;
    for (int i = 0; i < fractions.size(); i++) {
      c = c.add(fractions.get(i));
      cumulative[i] = c.doubleValue();
    }
    this.seed = seed;
    this.keyColumn = keyColumn;
  }

  @Override
  public List<String> splits() {
    return splits;
  }

  @Override
  public String keyColumn() {
    return keyColumn;
  }

  /** The split of a key hash. */
  public int splitOf(long keyHash) {
    double u = (ValueHash.mix(keyHash, seed) >>> 11) * 0x1.0p-53;
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  @Override
  public ForSlice forSlice(int slice) {
    return new ForSlice() {
      @Override
      public int split(Row row) {
        return splitOf(row.keyHash());
      }

      @Override
      public boolean mayLeak(long featureKey) {
        return true;
      }
    };
  }
}
