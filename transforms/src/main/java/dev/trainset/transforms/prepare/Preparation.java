package dev.trainset.transforms.prepare;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.JsonText;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.parse.Values;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns typed input values into training rows: maps the label, puts it first, keeps or drops columns, and applies the
 * missing-value policy. Pure and serializable; a row it turns away raises {@link Rejected} with the reason, which the
 * reader sends to the dead-letter output with the record's source and position.
 *
 * <p>Output column order: the label (when there is one), then every kept column in input order.
 */
public final class Preparation implements Serializable {
  /** What to do with a label value that {@code label.map} does not list. */
  public enum Unmapped {
    REJECT,
    KEEP
  }

  /** Missing-value policy of a column. */
  public enum MissingPolicy {
    /** Keep the null. */
    KEEP,
    /** Reject the row, naming the column. */
    DROP,
    /** Replace the null with a constant. */
    FILL
  }

  /** A column's missing-value rule; {@code fill} is the constant as written in the configuration. */
  public record Missing(MissingPolicy policy, String fill) implements Serializable {
    public static final Missing KEEP = new Missing(MissingPolicy.KEEP, null);
    public static final Missing DROP = new Missing(MissingPolicy.DROP, null);
  }

  /**
   * What the user asked for.
   *
   * @param label the label column, or null for none
   * @param labelMap label value (as text) → output value (as text); empty for no mapping
   * @param unmapped what to do with a value outside {@code labelMap}
   * @param labelRequired reject rows without a label
   * @param keep columns to keep (empty: all), in any order
   * @param drop columns to drop
   * @param missingDefault the rule for columns not in {@code missing}
   * @param missing per-column rules
   * @param oneHot text columns to one-hot encode → their categories (an empty list: the declared domain, e.g. ARFF's)
   * @param ordinal text columns to encode as the 0-based index of their value → their categories (same rule)
   */
  public record Settings(
      String label,
      Map<String, String> labelMap,
      Unmapped unmapped,
      boolean labelRequired,
      List<String> keep,
      List<String> drop,
      Missing missingDefault,
      Map<String, Missing> missing,
      Map<String, List<String>> oneHot,
      Map<String, List<String>> ordinal)
      implements Serializable {
    public Settings(
        String label,
        Map<String, String> labelMap,
        Unmapped unmapped,
        boolean labelRequired,
        List<String> keep,
        List<String> drop,
        Missing missingDefault,
        Map<String, Missing> missing) {
      this(label, labelMap, unmapped, labelRequired, keep, drop, missingDefault, missing, Map.of(), Map.of());
    }

    public static Settings none() {
      return new Settings(null, Map.of(), Unmapped.REJECT, true, List.of(), List.of(), Missing.KEEP, Map.of());
    }
  }

  /** A row turned away; the message is the reason a person reads in {@code rejected/}. */
  public static final class Rejected extends RuntimeException {
    public Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  private final TableSchema input;
  private final TableSchema output;
  private final int[] sources; // output column i takes input column sources[i]
  private final boolean hasLabel;
  private final Map<String, Object> labelMap; // input label text → typed output label
  private final Unmapped unmapped;
  private final boolean labelRequired;
  private final MissingPolicy[] policies;
  private final Object[] fills;
  private final int[] encoding; // per prepared column: 0 as is, 1 one-hot, 2 ordinal; null when nothing is encoded
  private final List<String>[] categories;
  private final Map<String, Integer>[] categoryIndex;

  private Preparation(
      TableSchema input,
      TableSchema output,
      int[] sources,
      boolean hasLabel,
      Map<String, Object> labelMap,
      Unmapped unmapped,
      boolean labelRequired,
      MissingPolicy[] policies,
      Object[] fills,
      int[] encoding,
      List<String>[] categories) {
    this.input = input;
    this.output = output;
    this.sources = sources;
    this.hasLabel = hasLabel;
    this.labelMap = labelMap;
    this.unmapped = unmapped;
    this.labelRequired = labelRequired;
    this.policies = policies;
    this.fills = fills;
    this.encoding = encoding;
    this.categories = categories;
    @SuppressWarnings("unchecked")
    Map<String, Integer>[] idx = new Map[categories.length];
    for (int k = 0; k < categories.length; k++) {
      if (categories[k] != null) {
        idx[k] = new java.util.HashMap<>();
        for (int c = 0; c < categories[k].size(); c++) {
          idx[k].putIfAbsent(categories[k].get(c), c);
        }
      }
    }
    this.categoryIndex = idx;
  }

  /** Identity: every column, unchanged. */
  public static Preparation identity(TableSchema schema) {
    return of(schema, Settings.none());
  }

  /**
   * Checks the settings against the input schema.
   *
   * @throws InvalidSetting naming the configuration key and the problem
   */
  public static Preparation of(TableSchema in, Settings s) {
    for (String c : s.keep()) {
      requireColumn(in, c, "columns.keep");
    }
    for (String c : s.drop()) {
      requireColumn(in, c, "columns.drop");
    }
    if (!s.keep().isEmpty() && !s.drop().isEmpty()) {
      throw new InvalidSetting("columns", "give either keep or drop, not both");
    }
    int labelIndex = -1;
    if (s.label() != null) {
      labelIndex = requireColumn(in, s.label(), "label.column");
      if (s.drop().contains(s.label())) {
        throw new InvalidSetting("columns.drop", "cannot drop the label column '" + s.label() + "'");
      }
    } else if (!s.labelMap().isEmpty()) {
      throw new InvalidSetting("label.map", "needs label.column");
    }
    for (String c : s.missing().keySet()) {
      requireColumn(in, c, "missing.columns");
    }

    List<Integer> order = new ArrayList<>();
    if (labelIndex >= 0) {
      order.add(labelIndex);
    }
    for (int i = 0; i < in.size(); i++) {
      String name = in.column(i).name();
      boolean kept = s.keep().isEmpty() ? !s.drop().contains(name) : s.keep().contains(name);
      if (i != labelIndex && kept) {
        order.add(i);
      }
    }

    Map<String, Object> typedMap = new LinkedHashMap<>();
    ColumnSpec labelSpec = labelIndex >= 0 ? in.column(labelIndex) : null;
    if (labelSpec != null && !s.labelMap().isEmpty()) {
      if (labelSpec.list()) {
        throw new InvalidSetting("label.column", "'" + s.label() + "' holds lists; a label must be one value");
      }
      ColumnType mapped = mappedType(s.labelMap().values());
      ColumnSpec target = new ColumnSpec(labelSpec.name(), mapped, false, true, null);
      for (Map.Entry<String, String> e : s.labelMap().entrySet()) {
        typedMap.put(e.getKey(), Values.convert(e.getValue(), target));
      }
      labelSpec = target;
    }

    List<ColumnSpec> cols = new ArrayList<>();
    MissingPolicy[] policies = new MissingPolicy[order.size()];
    Object[] fills = new Object[order.size()];
    int[] sources = new int[order.size()];
    for (int k = 0; k < order.size(); k++) {
      int i = order.get(k);
      sources[k] = i;
      ColumnSpec spec = i == labelIndex ? labelSpec : in.column(i);
      Missing m = s.missing().getOrDefault(spec.name(), i == labelIndex ? null : s.missingDefault());
      if (i == labelIndex) {
        if (m != null && m.policy() == MissingPolicy.FILL) {
          throw new InvalidSetting("missing.columns." + spec.name(), "the label cannot be filled; rows without a label are rejected (label.required)");
        }
        m = s.labelRequired() ? Missing.DROP : Missing.KEEP;
      }
      policies[k] = m.policy();
      if (m.policy() == MissingPolicy.FILL) {
        if (m.fill() == null) {
          throw new InvalidSetting("missing.columns." + spec.name() + ".fill", "needs a value");
        }
        try {
          fills[k] = Values.convert(spec.list() ? List.of(m.fill()) : m.fill(), spec);
        } catch (IllegalArgumentException e) {
          throw new InvalidSetting("missing.columns." + spec.name() + ".fill", e.getMessage());
        }
      }
      cols.add(m.policy() == MissingPolicy.KEEP ? spec : spec.withNullable(false));
    }

    // Encoding of text columns: one-hot (one 0/1 column per category) or ordinal (the category's index).
    for (String c : s.oneHot().keySet()) {
      requireColumn(in, c, "output.oneHot");
      if (s.ordinal().containsKey(c)) {
        throw new InvalidSetting("output.ordinal", "column '" + c + "' is also in output.oneHot");
      }
    }
    s.ordinal().keySet().forEach(c -> requireColumn(in, c, "output.ordinal"));
    int[] encoding = null;
    @SuppressWarnings("unchecked")
    List<String>[] categories = new List[cols.size()];
    List<ColumnSpec> encoded = new ArrayList<>();
    for (int k = 0; k < cols.size(); k++) {
      ColumnSpec spec = cols.get(k);
      boolean hot = s.oneHot().containsKey(spec.name());
      boolean ord = s.ordinal().containsKey(spec.name());
      if (!hot && !ord) {
        encoded.add(spec);
        continue;
      }
      String key = hot ? "output.oneHot" : "output.ordinal";
      if (k == 0 && labelIndex >= 0) {
        throw new InvalidSetting(key, "'" + spec.name() + "' is the label; map it with label.map");
      }
      if (spec.type() != ColumnType.STRING || spec.list()) {
        throw new InvalidSetting(key, "column '" + spec.name() + "' is " + spec.describeType() + "; only text columns are encoded");
      }
      List<String> given = hot ? s.oneHot().get(spec.name()) : s.ordinal().get(spec.name());
      List<String> cats = given != null && !given.isEmpty() ? given : spec.domain();
      if (cats == null || cats.isEmpty()) {
        throw new InvalidSetting(
            key, "column '" + spec.name() + "' declares no categories; list them: " + key + ": {" + spec.name() + ": [a, b, c]}");
      }
      if (encoding == null) {
        encoding = new int[cols.size()];
      }
      encoding[k] = hot ? 1 : 2;
      categories[k] = List.copyOf(cats);
      if (hot) {
        for (String cat : cats) {
          encoded.add(new ColumnSpec(spec.name() + "=" + cat, ColumnType.LONG, false, spec.nullable(), null));
        }
      } else {
        encoded.add(new ColumnSpec(spec.name(), ColumnType.LONG, false, spec.nullable(), null));
      }
    }
    return new Preparation(
        in, new TableSchema(encoded), sources, labelIndex >= 0, typedMap, s.unmapped(), s.labelRequired(), policies, fills,
        encoding, categories);
  }

  private static int requireColumn(TableSchema in, String name, String key) {
    int i = in.indexOf(name);
    if (i < 0) {
      throw new InvalidSetting(key, "no column '" + name + "' (columns are " + in.names() + ")");
    }
    return i;
  }

  /** long when every mapped value is a whole number, double when every one is a number, string otherwise. */
  static ColumnType mappedType(Iterable<String> values) {
    boolean allLong = true;
    boolean allNumber = true;
    for (String v : values) {
      String t = v.trim();
      int kind = Values.kindOf(t);
      allLong &= kind == Values.KIND_LONG;
      allNumber &= kind == Values.KIND_LONG || kind == Values.KIND_DOUBLE;
    }
    return allLong ? ColumnType.LONG : allNumber ? ColumnType.DOUBLE : ColumnType.STRING;
  }

  public TableSchema input() {
    return input;
  }

  public TableSchema output() {
    return output;
  }

  /** Whether the first output column is the label. */
  public boolean hasLabel() {
    return hasLabel;
  }

  /** The input column of the label, or -1. */
  public int labelSource() {
    return hasLabel ? sources[0] : -1;
  }

  /**
   * Prepares one row into {@code out} (the output schema), taking the label already prepared ({@link
   * #prepareLabel}, which callers memoise per label value).
   *
   * @throws Rejected when the row is turned away
   */
  public void apply(TypedRow in, TypedRow out, Object preparedLabel) {
    int j = 0;
    for (int k = 0; k < sources.length; k++) {
      if (k == 0 && hasLabel) {
        out.setValue(0, output.column(0), preparedLabel);
        j = 1;
        continue;
      }
      int src = sources[k];
      boolean missing = in.isNull(src);
      if (missing && policies[k] == MissingPolicy.DROP) {
        throw new Rejected("column '" + input.column(src).name() + "' is missing (missing policy: drop)");
      }
      int enc = encoding == null ? 0 : encoding[k];
      if (enc == 0) {
        if (missing && policies[k] == MissingPolicy.FILL) {
          out.setValue(j, output.column(j), fills[k]);
        } else {
          out.copy(in, src, j);
        }
        j++;
        continue;
      }
      Object v = missing && policies[k] == MissingPolicy.FILL ? fills[k] : in.getObject(src);
      List<String> cats = categories[k];
      Integer index = v == null ? null : categoryIndex[k].get(v);
      if (v != null && index == null) {
        throw new Rejected(
            "column '" + input.column(src).name() + "' value '" + v + "' is not among its categories " + cats
                + (enc == 1 ? " (output.oneHot)" : " (output.ordinal)"));
      }
      if (enc == 1) {
        for (int c = 0; c < cats.size(); c++) {
          if (v == null) {
            out.setNull(j++);
          } else {
            out.setLong(j++, c == index ? 1L : 0L);
          }
        }
      } else if (v == null) {
        out.setNull(j++);
      } else {
        out.setLong(j++, index);
      }
    }
  }

  /**
   * The prepared label for a typed label value (null when missing): mapped by {@code label.map}.
   *
   * @throws Rejected when the row is turned away for its label
   */
  public Object prepareLabel(Object v) {
    if (v != null && !labelMap.isEmpty()) {
      v = mapLabel(v);
    }
    if (v == null && policies[0] == MissingPolicy.DROP) {
      throw new Rejected("label '" + output.column(0).name() + "' is missing");
    }
    return v;
  }

  private Object mapLabel(Object v) {
    String key = labelText(v);
    Object mapped = labelMap.get(key);
    if (mapped != null) {
      return mapped;
    }
    if (unmapped == Unmapped.REJECT) {
      throw new Rejected("label '" + output.column(0).name() + "' value '" + key + "' is not in label.map " + labelMap.keySet());
    }
    try {
      return Values.convert(key, output.column(0));
    } catch (IllegalArgumentException e) {
      throw new Rejected(
          "label '" + output.column(0).name() + "' value '" + key + "' is not in label.map and is not a "
              + output.column(0).type().configName() + " (unmapped: keep)");
    }
  }

  /** A label value as text: the form {@code label.map} keys and {@code classCounts} use (1, 2.5, true, Abnormal). */
  public static String labelText(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double) {
      return Values.formatDouble((Double) v);
    }
    if (v instanceof List) {
      return JsonText.of(v);
    }
    return v.toString();
  }

  /** Renders input values as a JSON object, the raw text of a row turned away after typing. */
  public String describe(Object[] values) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      m.put(input.column(i).name(), v instanceof java.time.Instant ? v.toString() : v);
    }
    return JsonText.of(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preparation && ((Preparation) o).input.equals(input) && ((Preparation) o).output.equals(output);
  }

  @Override
  public int hashCode() {
    return Objects.hash(input, output);
  }

  /** A setting that does not fit the data; {@link #key()} is the configuration key. */
  public static final class InvalidSetting extends IllegalArgumentException {
    private final String key;
    private final String problem;

    public InvalidSetting(String key, String problem) {
      super(key + ": " + problem);
      this.key = key;
      this.problem = problem;
    }

    public String key() {
      return key;
    }

    /** What is wrong, without the key. */
    public String problem() {
      return problem;
    }
  }
}
