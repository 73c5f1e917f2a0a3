package dev.trainset.pipelines.batch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: what a run (or an export) read and wrote, as one typed model that the batch job writes and
 * export, the report and training read. Bound with Jackson; unknown fields are ignored when reading, absent optional
 * ones are left out when writing.
 *
 * @param outputs every output (per split and format, MLTable files, rejected records), in split order
 * @param splits per split: rows, class counts and that split's outputs
 * @param split how rows were split (absent for {@code method: none})
 * @param leakage feature vectors found in more than one split (absent for {@code method: none})
 * @param config the effective configuration, secrets masked
 * @param failure why the run failed (absent when it succeeded)
 * @param export how this training set was exported (absent for a run's own output)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    String runId,
    String version,
    String status,
    String createdAt,
    double durationSeconds,
    String runner,
    List<Input> inputs,
    String format,
    Schema schema,
    Columns columns,
    Counts counts,
    List<Output> outputs,
    Map<String, SplitInfo> splits,
    Split split,
    Leakage leakage,
    String statistics,
    String report,
    JsonNode config,
    String failure,
    Export export) {

  public static final String FILE = "manifest.json";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * An input file, as listed when the run started, and the parts of it that could not be read (null when all was).
   */
  public record Input(String path, long bytes, @JsonInclude(JsonInclude.Include.NON_NULL) List<Unread> unread) {}

  /**
   * Part of an input file that could not be read: from where, why, and about how many bytes after it were not read
   * (the rest of that slice of the file).
   */
  public record Unread(long from, String unit, String reason, long bytesUnread) {}

  /** The input schema and where it came from ({@code declared}, {@code inferred from all 299 rows}). */
  public record Schema(String source, List<Column> columns) {}

  /** A column as the manifest and {@code schema.json} describe it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Column(String name, String type, Boolean list, boolean nullable, List<String> domain, Long nulls) {
    public static Column of(ColumnSpec c, Long nulls) {
      return new Column(c.name(), c.type().configName(), c.list() ? Boolean.TRUE : null, c.nullable(), c.domain(), nulls);
    }

    public ColumnSpec spec() {
      return new ColumnSpec(name, ColumnType.parse(type), Boolean.TRUE.equals(list), nullable, domain);
    }

    public static List<Column> of(TableSchema schema, Map<String, Long> nulls) {
      List<Column> out = new ArrayList<>();
      for (ColumnSpec c : schema.columns()) {
        out.add(of(c, nulls == null ? null : nulls.get(c.name())));
      }
      return out;
    }

    public static TableSchema schema(List<Column> columns) {
      List<ColumnSpec> specs = new ArrayList<>();
      columns.forEach(c -> specs.add(c.spec()));
      return new TableSchema(specs);
    }
  }

  /** The training set's columns: the label (null without one), then the output columns in order. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Columns(String label, List<Column> output) {
    public TableSchema schema() {
      return Column.schema(output);
    }
  }

  /** Records read, written and rejected: read = written + rejected (+ duplicates removed). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Counts(long read, long written, long rejected, Long duplicatesRemoved) {}

  /**
   * One output: a split's files in one format, an MLTable file, or the rejected records.
   *
   * @param linesMatch for {@code features-csv}: the split's labelled outputs whose files it matches file by file (same
   *     name) and line for line (same rows in the same order), so predictions join back by (file, line)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Output(
      String name,
      String path,
      String format,
      String contentType,
      String compression,
      long rows,
      List<FileEntry> files,
      String split,
      String dataFrom,
      List<String> linesMatch) {
    public Output(
        String name, String path, String format, String contentType, String compression, long rows, List<FileEntry> files, String split,
        String dataFrom) {
      this(name, path, format, contentType, compression, rows, files, split, dataFrom, null);
    }
  }

  /**
   * A file: its full path, rows (absent for an MLTable file), bytes and sha256.
   *
   * @param linesMatch for a {@code features-csv} file: the labelled files whose rows it holds, line for line
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record FileEntry(String path, Long rows, long bytes, String sha256, List<String> linesMatch) {
    public FileEntry(String path, Long rows, long bytes, String sha256) {
      this(path, rows, bytes, sha256, null);
    }

    /** The same file, saying which labelled files it matches line for line. */
    public FileEntry matching(List<String> labelled) {
      return new FileEntry(path, rows, bytes, sha256, List.copyOf(labelled));
    }

    /** The file's name, without its folder. */
    public String fileName() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  /** A split's rows, rows per class (by label text) and outputs. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record SplitInfo(long rows, Map<String, Long> classCounts, List<Output> outputs) {}

  /** How rows were split. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Split(
      String method,
      Map<String, BigDecimal> fractions,
      long seed,
      String rowHash,
      String order,
      String groupBy,
      String key,
      boolean dedupe,
      String unit,
      Map<String, Map<String, Long>> apportionment,
      Map<String, Long> totals) {}

  public record Leakage(long featureVectorsInSeveralSplits, long rows) {}

  /** Where an exported training set came from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Export(
      String id, String source, String sourceManifestSha256, List<String> formats, String textCompression, String exportedAt, String version) {}

  /** The split names, in order. */
  public List<String> splitNames() {
    return splits == null ? List.of() : new ArrayList<>(splits.keySet());
  }

  /** The outputs of a split in a format ({@code parquet}), or null. */
  public Output output(String splitName, String formatName) {
    SplitInfo s = splits == null ? null : splits.get(splitName);
    if (s == null) {
      return null;
    }
    for (Output o : s.outputs()) {
      if (o.format().equals(formatName)) {
        return o;
      }
    }
    return null;
  }

  public Manifest withOutputs(List<Output> newOutputs, Map<String, SplitInfo> newSplits, Export newExport) {
    return new Manifest(
        runId, version, status, createdAt, durationSeconds, runner, inputs, format, schema, columns, counts, newOutputs,
        newSplits, split, leakage, statistics, report, config, failure, newExport);
  }

  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode toTree() {
    return MAPPER.valueToTree(this);
  }

  public static Manifest parse(String json) throws IOException {
    return MAPPER.readValue(json, Manifest.class);
  }
}
