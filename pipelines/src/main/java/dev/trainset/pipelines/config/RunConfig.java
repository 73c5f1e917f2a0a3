package dev.trainset.pipelines.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.io.parquet.WriteParquet.Codec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.JsonSettings;
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
 * @param output where and how to write
 * @param maxRejectedFraction the run fails when rejected / read exceeds it (0: any bad record fails the run)
 * @param effective the merged configuration tree, for the manifest (mask it with {@link #masked})
 */
public record RunConfig(
    Input input, SchemaSettings schema, Output output, double maxRejectedFraction, JsonNode effective) {

  public static final double DEFAULT_MAX_REJECTED_FRACTION = 0.01;

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
   */
  public record Input(String path, Format format, CsvSettings csv, JsonSettings json) {}

  public record SchemaSettings(Inference inference, long sampleRows, Map<String, ColumnType> columns) {}

  /**
   * @param path the run's output folder
   * @param formats output formats (this version writes {@code parquet})
   * @param compression Parquet compression
   * @param rowGroupBytes Parquet row-group size in bytes
   */
  public record Output(String path, List<String> formats, Codec compression, long rowGroupBytes) {}

  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(secret|password|passwd|token|credential|accesskey|access_key|sas|connectionstring|apikey|api_key).*");

  /** Binds and validates a merged configuration tree. */
  public static RunConfig from(JsonNode tree) {
    ConfigNode root = ConfigNode.root(tree);
    root.allowOnly("input", "schema", "output", "maxRejectedFraction");

    ConfigNode in = root.object("input").allowOnly("path", "format", "csv", "json");
    String path = in.requiredString("path");
    Format format = in.enumValue("format", Format.class, null);

    ConfigNode csv = in.object("csv").allowOnly("delimiter", "header", "quote", "escape", "columns", "missing", "trim");
    CsvSettings csvSettings =
        new CsvSettings(
            delimiter(csv),
            singleChar(csv, "quote", '"'),
            csv.has("escape") ? singleChar(csv, "escape", '\\') : null,
            csv.bool("header", true),
            csv.strings("columns", List.of()),
            new LinkedHashSet<>(csv.strings("missing", new ArrayList<>(CsvSettings.DEFAULT_MISSING))),
            csv.bool("trim", true));

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

    ConfigNode out = root.object("output").allowOnly("path", "formats", "compression", "rowGroupSize");
    List<String> formats = out.strings("formats", List.of("parquet"));
    for (String f : formats) {
      if (!f.equals("parquet")) {
        throw TrainsetException.config("output.formats", "unsupported format '" + f + "' (this version writes: parquet)");
      }
    }
    long rowGroup = out.bytes("rowGroupSize", 64L * 1024 * 1024);
    if (rowGroup > Integer.MAX_VALUE) {
      throw TrainsetException.config("output.rowGroupSize", "at most 2GB");
    }
    Output output =
        new Output(
            out.requiredString("path"), formats, out.enumValue("compression", Codec.class, Codec.SNAPPY), rowGroup);

    double maxRejected = root.fraction("maxRejectedFraction", DEFAULT_MAX_REJECTED_FRACTION);
    return new RunConfig(new Input(path, format, csvSettings, jsonSettings), schema, output, maxRejected, tree);
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
        new Input(inputPath, input.format(), input.csv(), input.json()),
        schema,
        new Output(outputPath, output.formats(), output.compression(), output.rowGroupBytes()),
        maxRejectedFraction,
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
