package dev.trainset.transforms.split;

import java.util.List;
import java.util.Map;

/**
 * {@code split.groupBy}: every row goes to its group's split, decided by the first pass's plan over groups ({@link
 * GroupPlan}). A group's rows never meet in one place; each row looks its group up. A row whose features equal
 * another group's row may still leak, so every row goes to the leakage check.
 */
public final class GroupSplit implements RowSplitter {
  private static final long serialVersionUID = 1L;
  private final List<String> splits;
  private final Map<String, Integer> groupSplit;

  public GroupSplit(List<String> splits, Map<String, Integer> groupSplit) {
    this.splits = List.copyOf(splits);
    this.groupSplit = groupSplit;
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
        Integer s = groupSplit.get(row.group());
        if (s == null) {
          throw new IllegalStateException("group " + row.group() + " was not counted by the first pass");
        }
        return s;
      }

      @Override
      public boolean mayLeak(long featureKey) {
        return true;
      }
    };
  }
}
