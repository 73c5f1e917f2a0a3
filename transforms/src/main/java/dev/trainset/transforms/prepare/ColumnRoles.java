package dev.trainset.transforms.prepare;

import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.Values;
import dev.trainset.transforms.split.ValueHash;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each source column is for, by name, from the settings alone (so it works before the schema is known): the
 * label, a feature, dropped. From it come the two things both passes over a slice compute from the source values, the
 * same way:
 *
 * <ul>
 *   <li>the <em>feature key</em>: a 64-bit hash of the row's feature values (every kept column but the label), as the
 *       input wrote them ({@link ValueHash}); a sum over columns, so field order and absent JSON fields do not matter,
 *       and a missing value that is filled counts as the fill value;
 *   <li>the rules that turn a row away before its types are known ({@link #check}): a missing value under {@code
 *       missing: drop}, a value outside its one-hot or ordinal categories, a value that does not fit a column whose
 *       type the configuration sets.
 * </ul>
 *
 * Per slice it keeps a table by name index ({@link #bind}); not thread-safe once bound.
 */
public final class ColumnRoles implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long FEATURE_SALT = 0x6c62272e07bb0142L;

  private final Preparation.Settings settings;
  private final Map<String, ColumnType> overrides;
  private final String groupBy;

  private transient RecordSource source;
  private transient int bound;
  private transient long[] salt; // 0: not a feature
  private transient long[] fillHash;
  private transient boolean[] drops;
  private transient Set<String>[] categories;
  private transient ColumnSpec[] override;
  private transient int labelIndex;
  private transient int groupIndex;

  /** @param groupBy the column whose value is a row's group ({@code split.groupBy}), or null */
  public ColumnRoles(Preparation.Settings settings, Map<String, ColumnType> overrides, String groupBy) {
    this.settings = settings;
    this.overrides = Map.copyOf(overrides);
    this.groupBy = groupBy;
  }

  /** A fresh, unbound copy for one slice. */
  public ColumnRoles forSlice(RecordSource records) {
    ColumnRoles r = new ColumnRoles(settings, overrides, groupBy);
    r.source = records;
    r.salt = new long[16];
    r.fillHash = new long[16];
    r.drops = new boolean[16];
    @SuppressWarnings("unchecked")
    Set<String>[] cats = new Set[16];
    r.categories = cats;
    r.override = new ColumnSpec[16];
    r.labelIndex = -1;
    r.groupIndex = -1;
    return r;
  }

  public String label() {
    return settings.label();
  }

  /** Brings the table up to date with the source's names (JSON sources meet new names as they read). */
  private void bind() {
    List<String> names = source.names();
    if (bound == names.size()) {
      return;
    }
    int n = names.size();
    if (n > salt.length) {
      int m = Math.max(n, salt.length * 2);
      salt = Arrays.copyOf(salt, m);
      fillHash = Arrays.copyOf(fillHash, m);
      drops = Arrays.copyOf(drops, m);
      categories = Arrays.copyOf(categories, m);
      override = Arrays.copyOf(override, m);
    }
    for (int i = bound; i < n; i++) {
      String name = names.get(i);
      if (name.equals(settings.label())) {
        labelIndex = i;
      }
      if (name.equals(groupBy)) {
        groupIndex = i;
      }
      boolean kept = settings.keep().isEmpty() ? !settings.drop().contains(name) : settings.keep().contains(name);
      boolean feature = kept && !name.equals(settings.label());
      Preparation.Missing m = settings.missing().getOrDefault(name, settings.missingDefault());
      salt[i] = feature ? ValueHash.fmix(ValueHash.text(name) ^ FEATURE_SALT) | 1 : 0;
      fillHash[i] = feature && m.policy() == Preparation.MissingPolicy.FILL ? contribution(salt[i], ValueHash.text(m.fill())) : 0;
      drops[i] = feature && m.policy() == Preparation.MissingPolicy.DROP;
      List<String> cats = settings.oneHot().containsKey(name) ? settings.oneHot().get(name) : settings.ordinal().get(name);
      categories[i] = feature && cats != null && !cats.isEmpty() ? new HashSet<>(cats) : null;
      ColumnType t = overrides.get(name);
      override[i] = t == null ? null : ColumnSpec.of(name, t);
    }
    bound = n;
  }

  private static long contribution(long salt, long valueHash) {
    return ValueHash.fmix(salt + valueHash);
  }

  /** The feature key of the current record. */
  public long featureKey() {
    bind();
    long sum = 0;
    int n = source.fieldCount();
    for (int k = 0; k < n; k++) {
      int i = source.nameIndex(k);
      long s = salt[i];
      if (s != 0 && !source.isMissing(k)) {
        sum += contribution(s, source.hash(k)) - fillHash[i];
      }
    }
    return ValueHash.fmix(sum);
  }

  /**
   * Both halves of the current record's 128-bit content key: its label and every feature as written, so rows that
   * are the same record twice have the same key ({@code split.dedupe}).
   */
  public long[] contentKey() {
    bind();
    long a = 0;
    long b = 0;
    int n = source.fieldCount();
    for (int k = 0; k < n; k++) {
      int i = source.nameIndex(k);
      long s = salt[i];
      if (s != 0 && !source.isMissing(k)) {
        long h = source.hash(k);
        a += contribution(s, h) - fillHash[i];
        b += ValueHash.fmix((s ^ 0x94D049BB133111EBL) + h) - (fillHash[i] == 0 ? 0 : ValueHash.fmix((s ^ 0x94D049BB133111EBL) + fillValue(i)));
      }
    }
    Object label = labelToken();
    long l = label == null ? 0x2545F4914F6CDD1DL : ValueHash.of(label);
    return new long[] {ValueHash.fmix(a ^ l), ValueHash.fmix(b + ValueHash.fmix(l ^ 0xBF58476D1CE4E5B9L))};
  }

  private long fillValue(int nameIndex) {
    String name = source.names().get(nameIndex);
    return ValueHash.text(settings.missing().getOrDefault(name, settings.missingDefault()).fill());
  }

  /**
   * The current record's group, as written ({@code split.groupBy}), or null when the record has no value there. Values
   * keep their JSON type: {@code 7} and {@code "7"} are different groups.
   */
  public String groupKey() {
    bind();
    int k = find(groupIndex);
    if (k < 0 || source.isMissing(k)) {
      return null;
    }
    Object v = source.token(k);
    return v instanceof String ? "=" + v : v.getClass().getSimpleName().charAt(0) + ":" + v;
  }

  /** The field number of the label in the current record, or -1 when the record has none. */
  public int labelField() {
    bind();
    return find(labelIndex);
  }

  /** The field number of a name index in the current record, or -1 (the table must be bound). */
  private int find(int nameIndex) {
    if (nameIndex < 0) {
      return -1;
    }
    int n = source.fieldCount();
    if (nameIndex < n && source.nameIndex(nameIndex) == nameIndex) {
      return nameIndex;
    }
    for (int k = 0; k < n; k++) {
      if (source.nameIndex(k) == nameIndex) {
        return k;
      }
    }
    return -1;
  }

  /** The label as the source wrote it (null when missing). */
  public Object labelToken() {
    int k = labelField();
    return k < 0 || source.isMissing(k) ? null : source.token(k);
  }

  /**
   * The reasons a record is turned away that the settings alone tell (before types are inferred), or null: the same
   * reasons, in the same words, as typing and {@link Preparation} give.
   */
  public String check() {
    bind();
    int n = source.fieldCount();
    for (int k = 0; k < n; k++) {
      int i = source.nameIndex(k);
      boolean missing = source.isMissing(k);
      if (override[i] != null && !missing) {
        try {
          Values.convert(source.token(k), override[i]);
        } catch (IllegalArgumentException e) {
          return e.getMessage();
        }
      }
      if (missing && drops[i]) {
        return "column '" + source.names().get(i) + "' is missing (missing policy: drop)";
      }
      if (!missing && categories[i] != null) {
        Object v = source.token(k);
        String text = v instanceof String ? (String) v : String.valueOf(Values.convert(v, ColumnSpec.of("x", ColumnType.STRING)));
        if (!categories[i].contains(text)) {
          return "column '" + source.names().get(i) + "' value '" + text + "' is not among its categories "
              + (settings.oneHot().containsKey(source.names().get(i))
                  ? settings.oneHot().get(source.names().get(i)) + " (output.oneHot)"
                  : settings.ordinal().get(source.names().get(i)) + " (output.ordinal)");
        }
      }
    }
    // A column dropped on missing values that the record does not have at all.
    for (int i = 0; i < bound; i++) {
      if (drops[i] && find(i) < 0) {
        return "column '" + source.names().get(i) + "' is missing (missing policy: drop)";
      }
    }
    return null;
  }
}
