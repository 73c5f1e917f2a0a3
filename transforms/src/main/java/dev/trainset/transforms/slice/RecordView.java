package dev.trainset.transforms.slice;

import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.split.RowSplitter;
import dev.trainset.transforms.split.ValueHash;

/** What the splitter asks of the current row, worked out when asked. */
final class RecordView implements RowSplitter.Row {
  private final RecordSource r;
  private final ColumnRoles roles;
  private final String keyColumn;
  private final int slice;
  private String splitClass;
  private long record;
  private boolean haveFeatures;
  private long features;

  RecordView(RecordSource r, ColumnRoles roles, String keyColumn, int slice) {
    this.r = r;
    this.roles = roles;
    this.keyColumn = keyColumn;
    this.slice = slice;
  }

  void next(String cls, long ordinal) {
    splitClass = cls;
    record = ordinal;
    haveFeatures = false;
  }

  @Override
  public String splitClass() {
    return splitClass;
  }

  @Override
  public long featureKey() {
    if (!haveFeatures) {
      features = roles.featureKey();
      haveFeatures = true;
    }
    return features;
  }

  @Override
  public long keyHash() {
    if (keyColumn == null) {
      Object label = roles.label() == null ? null : roles.labelToken();
      return ValueHash.fmix(featureKey() ^ (label == null ? 0x2545F4914F6CDD1DL : ValueHash.of(label)));
    }
    int n = r.fieldCount();
    for (int k = 0; k < n; k++) {
      if (!r.isMissing(k) && r.names().get(r.nameIndex(k)).equals(keyColumn)) {
        return r.hash(k);
      }
    }
    return 0x5bd1e9955bd1e995L; // a missing key: one split for all such rows
  }

  @Override
  public String group() {
    String g = roles.groupKey();
    return g == null ? LabelClasses.rowGroup(slice, record) : g;
  }
}
