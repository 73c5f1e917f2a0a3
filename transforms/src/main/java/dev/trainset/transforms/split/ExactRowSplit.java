package dev.trainset.transforms.split;

import java.util.List;

/**
 * {@code split.method: stratified} or {@code random} over rows: the {@link SplitPlan} made by the first pass, and
 * each slice's offsets into the boundary buckets. A row's order key is its seeded feature key, so equal features
 * share a bucket, and only the rows of buckets that are not {@link SplitPlan#inOneSplit in one split} can leak.
 */
public final class ExactRowSplit implements RowSplitter {
  private static final long serialVersionUID = 1L;
  private final SplitPlan plan;
  private final long[][] offsets;

  /** @param offsets per slice (by slice number), per boundary ({@link SplitPlan#sliceOffsets}) */
  public ExactRowSplit(SplitPlan plan, long[][] offsets) {
    this.plan = plan;
    this.offsets = offsets;
  }

  public SplitPlan plan() {
    return plan;
  }

  @Override
  public List<String> splits() {
    return plan.splits();
  }

  @Override
  public ForSlice forSlice(int slice) {
    SplitPlan.Assigner a = plan.assigner(offsets[slice]);
    long seed = plan.seed();
    return new ForSlice() {
      private String lastClass;
      private int lastIndex;

      @Override
      public int split(Row row) {
        String splitClass = row.splitClass();
        if (!splitClass.equals(lastClass)) {
          lastIndex = plan.classIndex(splitClass);
          lastClass = splitClass;
          if (lastIndex < 0) {
            throw new IllegalStateException("class '" + splitClass + "' was not counted by the first pass");
          }
        }
        return a.assign(lastIndex, ValueHash.mix(row.featureKey(), seed));
      }

      @Override
      public boolean mayLeak(long featureKey) {
        return !plan.inOneSplit(SplitPlan.bucket(ValueHash.mix(featureKey, seed)));
      }
    };
  }
}
