package dev.trainset.transforms.split;

import java.util.List;

/** {@code split.method: none}: every row in one output, {@code data}. */
public final class Unsplit implements RowSplitter {
  private static final long serialVersionUID = 1L;
  private final List<String> splits;

  public Unsplit(String name) {
    this.splits = List.of(name);
  }

  @Override
  public List<String> splits() {
    return splits;
  }

  @Override
  public ForSlice forSlice(int slice) {
    return new ForSlice() {
      @Override
      public int split(Row row) {
        return 0;
      }

      @Override
      public boolean mayLeak(long featureKey) {
        return false;
      }
    };
  }
}
