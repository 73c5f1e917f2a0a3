package dev.trainset.pipelines.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.SlicePlanner;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.io.parquet.ParquetRowWriter.Codec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.JsonSettings;
import dev.trainset.transforms.parse.ReadLimits;
import dev.trainset.transforms.prepare.Preparation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated run configuration: the one run file (YAML or JSON) merged with command-line flags, checked once here
 * into typed values. The keys, their defaults and their meaning are documented in the README ("Configuration").
 *
 * @param input where and how to read
 * @param schema how to find the schema
 * @param prepare label, column selection and missing values ({@code label}, {@code columns}, {@code missing})
 * @param split how rows are split ({@code split})
 * @param output where and how to write
 * @param maxRejectedFraction the run fails when rejected / read exceeds it (0: any bad record fails the run)
 * @param storage how to reach S3 and Azure storage ({@code storage})
 * @param effective the merged configuration tree, for the manifest (mask it with {@link #masked})
 */
public record RunConfig(
    Input input,
    SchemaSettings schema,
    Preparation.Settings prepare,
    SplitSettings split,
    Output output,
    double maxRejectedFraction,
    StorageSettings storage,
    JsonNode effective) {

  public static final double DEFAULT_MAX_REJECTED_FRACTION = 0.01;

  /** The top-level keys of a run file. */
  public static final List<String> ROOT_KEYS =
      List.of("input", "schema", "label", "columns", "missing", "split", "output", "maxRejectedFraction", "storage", "train", "evaluate");

  /** Input formats. */
  public enum Format {
    CSV,
    ARFF,
    JSON,
    JSONL;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the schema is found when the input does not declare one. */
  public enum Inference {
    /** Every row is looked at (a first Beam job); the default. */
    FULL,
    /** The first {@code sampleRows} rows are looked at, on the launcher. */
    SAMPLE
  }

  /**
   * @param path a file, glob or folder
   * @param format the format, or null to take it from the file extension
   * @param csv CSV settings; a null delimiter means "sniff it"
   * @param json JSON settings
   * @param sliceBytes about how many bytes of a big file one worker reads at a time ({@code input.sliceSize})
   * @param encoding the text encoding of the files ({@code input.encoding})
   * @param allowUnreadable whether a run may succeed when part of a file could not be read ({@code
   *     input.allowUnreadable}; the manifest lists what was not read)
   * @param limits what an input may hold ({@code input.limits})
   */
  public record Input(
      String path, Format format, CsvSettings csv, JsonSettings json, long sliceBytes, TextEncoding encoding,
      boolean allowUnreadable, ReadLimits limits) {}

  public record SchemaSettings(Inference inference, long sampleRows, Map<String, ColumnType> columns) {}

  /** Split methods. */
  public enum SplitMethod {
    /** Exact per-class apportionment, seeded. */
    STRATIFIED,
    /** Exact split totals, seeded, not stratified. */
    RANDOM,
    /** bucket = hash(key, seed): deterministic, not exact, needs no pass over the data. */
    HASH,
    /** No split: one output, {@code data}. */
    NONE
  }

  /**
   * @param method the method
   * @param names split names, in order
   * @param fractions one per split, exact decimals summing to 1
   * @param seed the seed
   * @param groupBy a column whose rows stay together, or null
   * @param key the column hashed by {@code method: hash} (null: the whole row, or groupBy)
   * @param allowEmptySplitClasses allow a class with fewer rows (or groups) than splits
   * @param dedupe remove identical rows before splitting
   * @param bins 0, or stratify by this many quantile bins of a numeric label instead of by its values (regression)
   */
  public record SplitSettings(
      SplitMethod method,
      List<String> names,
      List<BigDecimal> fractions,
      long seed,
      String groupBy,
      String key,
      boolean allowEmptySplitClasses,
      boolean dedupe,
      int bins) {
    public static final String UNSPLIT = "data";

    public static SplitSettings none() {
      return new SplitSettings(SplitMethod.NONE, List.of(UNSPLIT), List.of(BigDecimal.ONE), DEFAULT_SEED, null, null, false, false, 0);
    }
  }

  public static final long DEFAULT_SEED = 42;

  /**
   * @param path the run's output folder
   * @param formats file formats, in the order given
   * @param mltable also write an Azure ML {@code MLTable} file per split (over the Parquet files)
   * @param compression Parquet compression
   * @param textGzip gzip CSV and JSON Lines files ({@code .csv.gz})
   * @param rowGroupBytes Parquet row-group size in bytes
   */
  public record Output(
      String path, List<OutputFormat> formats, boolean mltable, Codec compression, boolean textGzip, long rowGroupBytes) {}


  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(secret|password|passwd|token|credential|accesskey|access_key|sas|connectionstring|apikey|api_key).*");

  /** Binds and validates a merged configuration tree. */
  public static RunConfig from(JsonNode tree) {
    ConfigNode root = ConfigNode.root(tree);
    root.allowOnly(ROOT_KEYS.toArray(new String[0]));

    ConfigNode in = root.object("input").allowOnly("path", "format", "csv", "json", "sliceSize", "encoding", "allowUnreadable", "limits");
    ReadLimits inputLimits = limits(in.object("limits"));
    String path = StoragePaths.normalize("input.path", in.requiredString("path"));
    Format format = in.enumValue("format", Format.class, null);

    CsvSettings csvSettings = csv(in.object("csv"));

    ConfigNode json = in.object("json").allowOnly("recordsPath");
    JsonSettings jsonSettings = new JsonSettings(json.string("recordsPath", null), format == Format.JSONL);

    ConfigNode sch = root.object("schema").allowOnly("inference", "sampleRows", "columns");
    Map<String, ColumnType> overrides = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : sch.stringMap("columns").entrySet()) {
      try {
        overrides.put(e.getKey(), ColumnType.parse(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw TrainsetException.config("schema.columns." + e.getKey(), ex.getMessage());
      }
    }
    SchemaSettings schema =
        new SchemaSettings(
            sch.enumValue("inference", Inference.class, Inference.FULL),
            sch.longValue("sampleRows", 10_000, 1),
            overrides);

    Preparation.Settings prepare = prepare(root);
    SplitSettings split = split(root.object("split"), prepare);

    Output output = output(root.object("output"), prepare);

    double maxRejected = root.fraction("maxRejectedFraction", DEFAULT_MAX_REJECTED_FRACTION);
    StorageSettings storage = StorageSettings.from(root.object("storage"));
    return new RunConfig(
        new Input(path, format, csvSettings, jsonSettings, sliceSize(in), encoding(in), in.bool("allowUnreadable", false), inputLimits), schema, prepare, split, output, maxRejected, storage, tree);
  }

  /** {@code input.csv} (and a stream file's {@code csv}). */
  static CsvSettings csv(ConfigNode csv) {
    csv.allowOnly("delimiter", "header", "quote", "escape", "columns", "missing", "trim");
    if (csv.has("escape") && csv.string("escape", null) != null) {
      throw TrainsetException.config(
          csv.key() + ".escape", "escape characters are not read (RFC 4180 CSV, parsed with FastCSV, doubles quotes inside quoted fields instead)");
    }
    return new CsvSettings(
            delimiter(csv),
            singleChar(csv, "quote", '"'),
            csv.bool("header", true),
            csv.strings("columns", List.of()),
            new LinkedHashSet<>(csv.strings("missing", new ArrayList<>(CsvSettings.DEFAULT_MISSING))),
            csv.bool("trim", true));
  }

  /** {@code output}: shared by run files and stream files. */
  static Output output(ConfigNode out, Preparation.Settings prepare) {
    out.allowOnly("path", "formats", "compression", "textCompression", "rowGroupSize", "oneHot", "ordinal");
    List<OutputFormat> formats = new ArrayList<>();
    boolean mltable = false;
    for (String f : out.strings("formats", List.of("parquet"))) {
      if (f.trim().equalsIgnoreCase("mltable")) {
        mltable = true;
        if (!formats.contains(OutputFormat.PARQUET)) {
          formats.add(OutputFormat.PARQUET);
        }
        continue;
      }
      OutputFormat of = OutputFormat.parse(f);
      if (of == null) {
        throw TrainsetException.config(
            "output.formats", "unknown format '" + f + "' (expected parquet, sagemaker-csv, features-csv, jsonl or mltable)");
      }
      if (!formats.contains(of)) {
        formats.add(of);
      }
    }
    if (formats.isEmpty()) {
      throw TrainsetException.config("output.formats", "needs at least one format");
    }
    if (formats.contains(OutputFormat.SAGEMAKER_CSV) && prepare.label() == null) {
      throw TrainsetException.config("output.formats", "sagemaker-csv needs a label in the first column: set label.column");
    }
    String textCompression = out.string("textCompression", "none").trim().toLowerCase(Locale.ROOT);
    if (!textCompression.equals("none") && !textCompression.equals("gzip")) {
      throw TrainsetException.config("output.textCompression", "expected none or gzip, got '" + textCompression + "'");
    }
    long rowGroup = out.bytes("rowGroupSize", 64L * 1024 * 1024);
    if (rowGroup > Integer.MAX_VALUE) {
      throw TrainsetException.config("output.rowGroupSize", "at most 2GB");
    }
    return new Output(
            StoragePaths.normalize("output.path", out.requiredString("path")),
            List.copyOf(formats),
            mltable,
            out.enumValue("compression", Codec.class, Codec.SNAPPY),
            textCompression.equals("gzip"),
            rowGroup);
  }

  static Preparation.Settings prepare(ConfigNode root) {
    ConfigNode label = root.object("label").allowOnly("column", "map", "unmapped", "required");
    String column = label.string("column", null);
    Map<String, String> map = label.stringMap("map");
    if (column == null && (!map.isEmpty() || label.has("unmapped"))) {
      throw TrainsetException.config("label.column", "is required when label.map or label.unmapped is set");
    }
    Preparation.Unmapped unmapped = label.enumValue("unmapped", Preparation.Unmapped.class, Preparation.Unmapped.REJECT);
    boolean required = label.bool("required", true);

    ConfigNode columns = root.object("columns").allowOnly("keep", "drop");
    List<String> keep = columns.strings("keep", List.of());
    List<String> drop = columns.strings("drop", List.of());
    if (!keep.isEmpty() && !drop.isEmpty()) {
      throw TrainsetException.config("columns", "give either keep or drop, not both");
    }

    ConfigNode missing = root.object("missing").allowOnly("default", "columns");
    Preparation.Missing dflt = missingRule(missing, "default", Preparation.Missing.KEEP);
    Map<String, Preparation.Missing> perColumn = new LinkedHashMap<>();
    ConfigNode cols = missing.object("columns");
    for (String name : cols.names()) {
      perColumn.put(name, missingRule(cols, name, null));
    }
    ConfigNode output = root.object("output");
    return new Preparation.Settings(
        column, map, unmapped, required, keep, drop, dflt, perColumn, categories(output, "oneHot"), categories(output, "ordinal"));
  }

  /** {@code [a, b]} (categories from the declared domain) or {@code {a: [x, y], b: []}}. */
  private static Map<String, List<String>> categories(ConfigNode output, String name) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (!output.has(name)) {
      return out;
    }
    if (output.isObject(name)) {
      ConfigNode m = output.object(name);
      for (String col : m.names()) {
        out.put(col, m.strings(col, List.of()));
      }
    } else {
      output.strings(name, List.of()).forEach(col -> out.put(col, List.of()));
    }
    return out;
  }

  /** {@code keep}, {@code drop}, or {@code {fill: value}}. */
  private static Preparation.Missing missingRule(ConfigNode parent, String name, Preparation.Missing dflt) {
    if (!parent.has(name)) {
      return dflt;
    }
    if (parent.isObject(name)) {
      ConfigNode rule = parent.object(name).allowOnly("fill");
      String fill = rule.string("fill", null);
      if (fill == null) {
        throw TrainsetException.config(rule.key() + ".fill", "needs a value");
      }
      return new Preparation.Missing(Preparation.MissingPolicy.FILL, fill);
    }
    Preparation.MissingPolicy p = parent.enumValue(name, Preparation.MissingPolicy.class, null);
    if (p == Preparation.MissingPolicy.FILL) {
      throw TrainsetException.config(parent.key() + "." + name, "write fill as {fill: value}");
    }
    return p == Preparation.MissingPolicy.DROP ? Preparation.Missing.DROP : Preparation.Missing.KEEP;
  }

  static SplitSettings split(ConfigNode split, Preparation.Settings prepare) {
    split.allowOnly("method", "fractions", "seed", "groupBy", "key", "allowEmptySplitClasses", "dedupe", "bins");
    if (!split.present()) {
      return SplitSettings.none();
    }
    SplitMethod method =
        split.enumValue("method", SplitMethod.class, prepare.label() != null ? SplitMethod.STRATIFIED : SplitMethod.RANDOM);
    long seed = split.longValue("seed", DEFAULT_SEED, Long.MIN_VALUE);
    boolean dedupe = split.bool("dedupe", false);
    if (method == SplitMethod.NONE) {
      return new SplitSettings(
          SplitMethod.NONE, List.of(SplitSettings.UNSPLIT), List.of(BigDecimal.ONE), seed, null, null, false, dedupe, 0);
    }
    Map<String, String> given = split.stringMap("fractions");
    if (given.isEmpty()) {
      given.put("train", "0.8");
      given.put("validation", "0.1");
      given.put("test", "0.1");
    }
    List<String> names = new ArrayList<>();
    List<BigDecimal> fractions = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    for (Map.Entry<String, String> e : given.entrySet()) {
      String key = "split.fractions." + e.getKey();
      if (!e.getKey().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        throw TrainsetException.config(
            key, "a split name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
      }
      if (e.getKey().equals(SplitSettings.UNSPLIT) || e.getKey().equals("rejected")) {
        throw TrainsetException.config(key, "'" + e.getKey() + "' is reserved for another output folder");
      }
      BigDecimal f;
      try {
        f = new BigDecimal(e.getValue().trim());
      } catch (NumberFormatException ex) {
        throw TrainsetException.config(key, "expected a number between 0 and 1, got '" + e.getValue() + "'");
      }
      if (f.signum() <= 0 || f.compareTo(BigDecimal.ONE) >= 0) {
        throw TrainsetException.config(key, "expected a number between 0 and 1 (exclusive), got " + e.getValue());
      }
      names.add(e.getKey());
      fractions.add(f);
      sum = sum.add(f);
    }
    if (names.size() < 2 || names.size() > 5) {
      throw TrainsetException.config("split.fractions", "expected 2 to 5 splits, got " + names.size());
    }
    if (sum.compareTo(BigDecimal.ONE) != 0) {
      throw TrainsetException.config(
          "split.fractions", "the fractions must sum to 1, they sum to " + sum.stripTrailingZeros().toPlainString());
    }
    if (method == SplitMethod.STRATIFIED && prepare.label() == null) {
      throw TrainsetException.config("split.method", "stratified needs label.column (or use method: random)");
    }
    String key = split.string("key", null);
    if (key != null && method != SplitMethod.HASH) {
      throw TrainsetException.config("split.key", "only used by method: hash");
    }
    int bins = (int) split.longValue("bins", 0, 0);
    if (bins == 1 || bins > 1000) {
      throw TrainsetException.config("split.bins", "expected 2 to 1000 quantile bins (or 0: stratify by label value), got " + bins);
    }
    if (bins > 0 && (prepare.label() == null || method == SplitMethod.HASH)) {
      throw TrainsetException.config("split.bins", "stratifies by quantile bins of the label: needs label.column and method stratified or random");
    }
    if (bins > 0 && split.has("groupBy")) {
      throw TrainsetException.config("split.bins", "cannot be combined with split.groupBy");
    }
    return new SplitSettings(
        method,
        List.copyOf(names),
        List.copyOf(fractions),
        seed,
        split.string("groupBy", null),
        key,
        split.bool("allowEmptySplitClasses", false),
        dedupe,
        bins);
  }


  static TextEncoding encoding(ConfigNode in) {
    String name = in.string("encoding", null);
    if (name == null) {
      return TextEncoding.UTF_8;
    }
    TextEncoding e = TextEncoding.named(name);
    if (e == null) {
      List<String> names = new ArrayList<>();
      for (TextEncoding t : TextEncoding.values()) {
        names.add(t.configName());
      }
      throw TrainsetException.config("input.encoding", "expected one of " + String.join(", ", names) + ", got '" + name + "'");
    }
    return e;
  }

  /** {@code input.limits}: each key bounded so that no limit can be set past what the readers can hold. */
  static ReadLimits limits(ConfigNode node) {
    node.allowOnly("columns", "inflation", "recordChars", "fieldChars", "jsonDepth", "jsonStringChars", "jsonNumberChars");
    ReadLimits d = ReadLimits.DEFAULTS;
    return new ReadLimits(
        intValue(node, "columns", d.columns(), Integer.MAX_VALUE),
        node.longValue("inflation", d.inflation(), 0),
        intValue(node, "recordChars", d.recordChars(), Integer.MAX_VALUE - 8),
        intValue(node, "fieldChars", d.fieldChars(), ReadLimits.MAX_FIELD_CHARS),
        intValue(node, "jsonDepth", d.jsonDepth(), Integer.MAX_VALUE),
        intValue(node, "jsonStringChars", d.jsonStringChars(), Integer.MAX_VALUE - 8),
        intValue(node, "jsonNumberChars", d.jsonNumberChars(), Integer.MAX_VALUE));
  }

  private static int intValue(ConfigNode node, String name, int dflt, int max) {
    long v = node.longValue(name, dflt, 1);
    if (v > max) {
      throw TrainsetException.config(node.key(name), "expected a number <= " + max + ", got " + v);
    }
    return (int) v;
  }

  private static long sliceSize(ConfigNode in) {
    long b = in.bytes("sliceSize", SlicePlanner.DEFAULT_SLICE_BYTES);
    if (b < 64 * 1024) {
      throw TrainsetException.config("input.sliceSize", "expected at least 64KB, got " + b + " bytes");
    }
    return b;
  }

  private static Character delimiter(ConfigNode csv) {
    String d = csv.string("delimiter", null);
    if (d == null || d.equalsIgnoreCase("auto")) {
      return null;
    }
    switch (d) {
      case "tab":
      case "\\t":
      case "\t":
        return '\t';
      case ",":
      case ";":
      case "|":
        return d.charAt(0);
      default:
        if (d.length() == 1) {
          return d.charAt(0);
        }
        throw TrainsetException.config(
            csv.key() + ".delimiter", "expected one character such as , ; | or tab (or auto), got '" + d + "'");
    }
  }

  private static char singleChar(ConfigNode node, String name, char dflt) {
    String s = node.string(name, null);
    if (s == null) {
      return dflt;
    }
    if (s.length() != 1) {
      throw TrainsetException.config(node.key() + "." + name, "expected one character, got '" + s + "'");
    }
    return s.charAt(0);
  }

  /** This configuration with other input and output paths (after templates such as {@code {date}} are filled in). */
  public RunConfig withPaths(String inputPath, String outputPath) {
    return new RunConfig(
        new Input(inputPath, input.format(), input.csv(), input.json(), input.sliceBytes(), input.encoding(), input.allowUnreadable(), input.limits()),
        schema,
        prepare,
        split,
        new Output(outputPath, output.formats(), output.mltable(), output.compression(), output.textGzip(), output.rowGroupBytes()),
        maxRejectedFraction,
        storage,
        effective);
  }

  /** The configuration tree with secret-looking values replaced by {@code ***}. */
  public JsonNode masked() {
    return mask(effective.deepCopy());
  }

  public static JsonNode mask(JsonNode node) {
    if (node instanceof ObjectNode) {
      ObjectNode o = (ObjectNode) node;
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      List<String> secret = new ArrayList<>();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (SECRET_KEY.matcher(e.getKey()).matches() && e.getValue().isValueNode()) {
          secret.add(e.getKey());
        } else {
          mask(e.getValue());
        }
      }
      secret.forEach(k -> o.put(k, "***"));
    } else if (node != null && node.isArray()) {
      node.forEach(RunConfig::mask);
    }
    return node;
  }
}
