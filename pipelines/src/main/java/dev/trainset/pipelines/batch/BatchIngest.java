package dev.trainset.pipelines.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.RunConfig.Format;
import dev.trainset.pipelines.config.RunConfig.SplitMethod;
import dev.trainset.pipelines.config.RunConfig.SplitSettings;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.errors.CountReasons;
import dev.trainset.transforms.errors.RejectedRecord;
import dev.trainset.transforms.errors.WriteRejected;
import dev.trainset.transforms.io.DescribeFiles;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.ReadRecords;
import dev.trainset.transforms.io.RowFileSink;
import dev.trainset.transforms.io.WriteSplits;
import dev.trainset.transforms.io.csv.SageMakerCsvSink;
import dev.trainset.transforms.io.json.JsonLinesSink;
import dev.trainset.transforms.io.parquet.ParquetRowSink;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.schema.SchemaJson;
import dev.trainset.transforms.split.RowHash;
import dev.trainset.transforms.split.SplitPlan;
import dev.trainset.transforms.stats.ComputeStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;

/**
 * The batch job: files → typed, prepared rows → split → training-set files per split and format, with every bad
 * record in {@code rejected/}, then {@code stats.json}, {@code report.html}, the manifest and {@code _SUCCESS}.
 * {@link #run} is what the command line and the whole-job tests call.
 *
 * <p>Steps: list the inputs; choose the format; find the schema ({@link SchemaResolver}, a pre-pass job when it must
 * be inferred); check the preparation and the writers' rules against it; build and run the main pipeline ({@code
 * ReadRecords} with the preparation → {@link SplitStage} → {@code WriteSplits}; rejects → {@code WriteRejected};
 * statistics, the split plan, the leakage check, rejection reasons and a description of every written file →
 * {@code _trainset/results.jsonl}); check that read = written + rejected (+ duplicates removed) and that every format
 * holds every row; write the MLTable files, {@code stats.json}, {@code report.html} and {@code manifest.json}; fail
 * with exit code 3 when rejected / read exceeds {@code maxRejectedFraction}, and otherwise write {@code _SUCCESS}
 * last.
 */
public final class BatchIngest {
  public static final String REJECTED = "rejected";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What a run did. */
  public record Result(
      String runId, String output, String status, long read, long written, long rejected, JsonNode manifest, Duration duration) {}

  /**
   * How a run is started: overwrite or not, the run id (null: derived), the logical date ({@code {date}} in paths and
   * part of the derived run id), and where progress lines go.
   */
  public record Settings(boolean overwrite, String runId, LocalDate date, String version, Consumer<String> progress) {
    public Settings(boolean overwrite, String runId, String version, Consumer<String> progress) {
      this(overwrite, runId, LocalDate.now(ZoneOffset.UTC), version, progress);
    }

    public static Settings defaults() {
      return new Settings(false, null, "dev", line -> {});
    }
  }

  /** Status of a run whose output already holds a complete run with the same id: nothing was done. */
  public static final String ALREADY_COMPLETE = "already-complete";

  /**
   * The run's paths and id: {@code {date}} filled in everywhere, the inputs listed, the run id derived (unless given)
   * from the configuration, the inputs and the date, then {@code {runId}} filled in.
   */
  public record Plan(RunConfig config, List<Metadata> files, String runId) {}

  public static Plan plan(RunConfig cfg, Settings settings) {
    String date = settings.date().toString();
    String inputPath = cfg.input().path().replace("{date}", date);
    List<Metadata> files = Inputs.list(inputPath);
    String runId = settings.runId() != null ? settings.runId() : deriveRunId(cfg, files, settings.date());
    String outputPath = cfg.output().path().replace("{date}", date).replace("{runId}", runId);
    return new Plan(cfg.withPaths(inputPath, outputPath), files, runId);
  }

  private BatchIngest() {}

  public static Result run(RunConfig cfg, PipelineOptions options, Settings settings) {
    return run(plan(cfg, settings), options, settings);
  }

  /** Runs a planned run (the command line plans first, to choose the runner by input size). */
  public static Result run(Plan plan, PipelineOptions options, Settings settings) {
    Instant started = Instant.now();
    RunConfig cfg = plan.config();
    List<Metadata> files = plan.files();
    String runId = plan.runId();
    OutputDir out = OutputDir.of(cfg.output().path());
    Result done = alreadyComplete(out, runId, started);
    if (done != null) {
      return done;
    }
    Format format = Formats.resolve(cfg.input(), files);
    FileFormat fileFormat = Formats.build(cfg.input(), format, files);
    if (out.interruptedRun(runId)) {
      settings.progress().accept("an earlier run " + runId + " was interrupted; clearing its partial output and running again");
    }
    out.prepare(settings.overwrite(), runId);
    out.write(OutputDir.RUN_MARKER, MAPPER.createObjectNode().put("runId", runId).put("startedAt", started.toString()).toString(), "application/json");

    // Names the runner shows (Flink's job list): the run id, and which of the two jobs it is.
    options.setJobName(jobName("schema", runId));
    SchemaResolver.Resolved schema = SchemaResolver.resolve(cfg, fileFormat, files, out, options);
    options.setJobName(jobName("ingest", runId));
    settings.progress().accept("schema (" + schema.source() + "): " + schema.schema());

    Preparation prep = preparation(cfg, schema.schema());
    List<String> splitNames = cfg.split().names();
    SplitSettings splitSettings = cfg.split();

    Pipeline p = Pipeline.create(options);
    PCollectionTuple read =
        p.apply(
            "ReadRecords",
            ReadRecords.from(paths(files)).withFormat(fileFormat).withSchema(schema.schema()).withPreparation(prep));
    PCollection<Row> rows = read.get(ReadRecords.ROWS);
    PCollection<RejectedRecord> rejected = read.get(ReadRecords.REJECTED);

    SplitStage.Result split;
    try {
      split = SplitStage.apply(rows, splitSettings, prep);
    } catch (Preparation.InvalidSetting e) {
      throw TrainsetException.config(e.key(), e.getMessage().substring(e.key().length() + 2));
    }
    PCollection<KV<Integer, Row>> bySplit = split.rows();

    WriteSplits write = WriteSplits.to(out.root(), splitNames);
    for (OutputFormat f : cfg.output().formats()) {
      write = write.withFormat(f, sink(f, prep, cfg.output()), extension(f, cfg.output()));
    }
    PCollection<String> dataFiles =
        bySplit.apply("WriteSplits", write).apply("DescribeFiles[splits]", DescribeFiles.create());
    WriteFilesResult<Void> rejects = rejected.apply(
            "WriteRejected", WriteRejected.to(out.path(REJECTED + "/")).withTempDirectory(out.path(OutputDir.REJECTED_TEMP)));
    PCollection<String> rejectFiles =
        rejects
            .getPerDestinationOutputFilenames()
            .apply("RejectedFilenames", Values.create())
            .apply("DescribeFiles[" + REJECTED + "]", DescribeFiles.of(REJECTED));
    PCollectionList<String> results =
        PCollectionList.of(dataFiles)
            .and(rejectFiles)
            .and(bySplit.apply("Statistics", ComputeStats.of(splitNames, prep.output(), prep.hasLabel())))
            .and(rejected.apply("RejectionReasons", CountReasons.create()));
    if (split.plan() != null) {
      results = results.and(split.plan());
    }
    if (splitNames.size() > 1) {
      results = results.and(bySplit.apply("LeakageCheck", split.leakage()));
    }
    results
        .apply("AllResults", Flatten.pCollections())
        .apply("WriteResults", TextIO.write().to(out.path(OutputDir.WORK + "results")).withSuffix(".jsonl").withoutSharding());

    PipelineResult result = runToCompletion(p, "ingest", settings.progress());
    out.removeTemporary(OutputDir.REJECTED_TEMP);
    long readCount = counter(result, "read");
    long duplicates = splitSettings.dedupe() ? counter(result, "duplicates") : 0;
    Results res = readResults(out);
    long rejectedCount = sumRows(res.files.get(REJECTED));
    long written = 0;
    for (String name : splitNames) {
      written += sumRows(res.files.get(WriteSplits.destination(name, cfg.output().formats().get(0))));
    }
    for (OutputFormat f : cfg.output().formats()) {
      long rowsOfFormat = 0;
      for (String name : splitNames) {
        rowsOfFormat += sumRows(res.files.get(WriteSplits.destination(name, f)));
      }
      if (rowsOfFormat != written) {
        throw new TrainsetException(
            TrainsetException.INTERNAL,
            "the " + f.configName() + " files hold " + rowsOfFormat + " rows, the " + cfg.output().formats().get(0).configName()
                + " files " + written + " (output " + out.root() + " left without " + OutputDir.SUCCESS + ")");
      }
    }
    if (readCount != written + rejectedCount + duplicates) {
      throw new TrainsetException(
          TrainsetException.INTERNAL,
          "counts do not reconcile: read " + readCount + ", written " + written + ", rejected " + rejectedCount
              + (splitSettings.dedupe() ? ", duplicates removed " + duplicates : "")
              + " (output " + out.root() + " left without " + OutputDir.SUCCESS + ")");
    }

    double fraction = readCount == 0 ? 0 : (double) rejectedCount / readCount;
    boolean tooMany = fraction > cfg.maxRejectedFraction() || (cfg.maxRejectedFraction() == 0 && rejectedCount > 0);
    String status = tooMany ? "failed" : "succeeded";
    Duration duration = Duration.between(started, Instant.now());

    ObjectNode manifest = MAPPER.createObjectNode();
    manifest.put("runId", runId);
    manifest.put("version", settings.version());
    manifest.put("status", status);
    manifest.put("createdAt", started.toString());
    manifest.put("durationSeconds", duration.toMillis() / 1000.0);
    manifest.put("runner", options.getRunner().getSimpleName());
    ArrayNode inputs = manifest.putArray("inputs");
    for (Metadata f : files) {
      inputs.addObject().put("path", f.resourceId().toString()).put("bytes", f.sizeBytes());
    }
    manifest.put("format", format.configName());
    ObjectNode schemaNode = manifest.putObject("schema");
    schemaNode.put("source", schema.source());
    schemaNode.set("columns", SchemaJson.toJson(schema.schema(), null));
    ObjectNode prepared = manifest.putObject("columns");
    prepared.put("label", prep.hasLabel() ? prep.output().column(0).name() : null);
    prepared.set("output", SchemaJson.toJson(prep.output(), null));
    ObjectNode counts = manifest.putObject("counts");
    counts.put("read", readCount).put("written", written).put("rejected", rejectedCount);
    if (splitSettings.dedupe()) {
      counts.put("duplicatesRemoved", duplicates);
    }

    ArrayNode outputs = manifest.putArray("outputs");
    ObjectNode splitsNode = manifest.putObject("splits");
    ObjectNode statsJson = MAPPER.createObjectNode();
    statsJson.put("runId", runId);
    ObjectNode statsSplits = statsJson.putObject("splits");
    for (String name : splitNames) {
      JsonNode st = res.stats.get(name);
      ObjectNode sn = splitsNode.putObject(name);
      sn.put("rows", st == null ? 0 : st.path("rows").asLong());
      ObjectNode cc = sn.putObject("classCounts");
      if (st != null && st.has("classCounts")) {
        cc.setAll((ObjectNode) st.get("classCounts"));
      }
      ArrayNode splitOutputs = sn.putArray("outputs");
      for (OutputFormat f : cfg.output().formats()) {
        String dest = WriteSplits.destination(name, f);
        ObjectNode o =
            output(dest, out.path(dest + "/"), f.configName(), f.contentType(), compression(f, cfg.output()), res.files.get(dest));
        o.put("split", name);
        outputs.add(o);
        splitOutputs.add(o);
      }
      if (cfg.output().mltable()) {
        String parquetDest = WriteSplits.destination(name, OutputFormat.PARQUET);
        String text = mlTable(OutputFormat.PARQUET.folder());
        out.write(name + "/" + MLTABLE_FILE, text, "application/yaml");
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", name + "/" + MLTABLE_FILE);
        o.put("split", name);
        o.put("path", out.path(name + "/"));
        o.put("format", "mltable");
        o.put("contentType", "application/yaml");
        o.put("rows", sumRows(res.files.get(parquetDest)));
        o.put("dataFrom", parquetDest);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        o.putArray("files")
            .addObject()
            .put("path", out.path(name + "/" + MLTABLE_FILE))
            .put("bytes", bytes.length)
            .put("sha256", sha256(bytes));
        outputs.add(o);
        splitOutputs.add(o);
      }
      if (st != null) {
        statsSplits.set(name, st);
      }
    }
    outputs.add(output(REJECTED, out.path(REJECTED + "/"), "jsonl", "application/jsonlines", "none", res.files.get(REJECTED)));

    if (splitSettings.method() != SplitMethod.NONE) {
      ObjectNode sp = manifest.putObject("split");
      sp.put("method", splitSettings.method().name().toLowerCase(Locale.ROOT));
      ObjectNode fr = sp.putObject("fractions");
      for (int i = 0; i < splitNames.size(); i++) {
        fr.put(splitNames.get(i), splitSettings.fractions().get(i));
      }
      sp.put("seed", splitSettings.seed());
      sp.put("rowHash", RowHash.VERSION);
      if (splitSettings.groupBy() != null) {
        sp.put("groupBy", splitSettings.groupBy());
      }
      if (splitSettings.key() != null) {
        sp.put("key", splitSettings.key());
      }
      sp.put("dedupe", splitSettings.dedupe());
      if (res.plan != null) {
        sp.put("unit", res.plan.get("unit").asText());
        sp.set("apportionment", res.plan.get("apportionment"));
        sp.set("totals", res.plan.get("totals"));
      }
      ObjectNode leak = manifest.putObject("leakage");
      leak.put("featureVectorsInSeveralSplits", res.leakage == null ? 0 : res.leakage.get("featureVectors").asLong());
      leak.put("rows", res.leakage == null ? 0 : res.leakage.get("rows").asLong());
    }
    statsJson.set("rejectionReasons", res.reasons == null ? MAPPER.createArrayNode() : res.reasons.get("top"));
    manifest.put("statistics", STATS_FILE);
    manifest.put("report", REPORT_FILE);
    manifest.set("config", cfg.masked());
    if (tooMany) {
      manifest.put(
          "failure",
          String.format(
              "%d of %d records rejected (%.2f%%), more than maxRejectedFraction %s",
              rejectedCount, readCount, 100 * fraction, cfg.maxRejectedFraction()));
    }
    out.write(STATS_FILE, pretty(statsJson), "application/json");
    out.write(REPORT_FILE, Report.html(manifest, statsJson), "text/html");
    out.write(OutputDir.MANIFEST, pretty(manifest), "application/json");
    if (tooMany) {
      throw TrainsetException.data(
          manifest.get("failure").asText() + "; see " + out.path(REJECTED + "/") + " (no " + OutputDir.SUCCESS + " written)");
    }
    out.write(OutputDir.SUCCESS, "", "text/plain");
    return new Result(runId, out.root(), status, readCount, written, rejectedCount, manifest, duration);
  }

  public static final String STATS_FILE = "stats.json";
  public static final String REPORT_FILE = "report.html";
  public static final String MLTABLE_FILE = "MLTable";

  /**
   * A dry run of the split: reads and prepares every row and computes the plan, writing nothing but a scratch file.
   *
   * @return the plan as JSON ({@code apportionment}, {@code totals}), or null for methods without one
   */
  public static JsonNode planSplit(
      RunConfig cfg, FileFormat fileFormat, List<Metadata> files, TableSchema schema, OutputDir scratch, PipelineOptions options) {
    Preparation prep = preparation(cfg, schema);
    Pipeline p = Pipeline.create(options);
    PCollection<Row> rows =
        p.apply("ReadRecords", ReadRecords.from(paths(files)).withFormat(fileFormat).withSchema(schema).withPreparation(prep))
            .get(ReadRecords.ROWS);
    PCollection<String> plan;
    try {
      plan = SplitStage.planOnly(rows, cfg.split(), prep);
    } catch (Preparation.InvalidSetting e) {
      throw TrainsetException.config(e.key(), e.getMessage().substring(e.key().length() + 2));
    }
    if (plan == null) {
      return null;
    }
    plan.apply("WritePlan", TextIO.write().to(scratch.path("plan")).withSuffix(".json").withoutSharding());
    runToCompletion(p, "split plan", null);
    try {
      return MAPPER.readTree(scratch.read("plan.json"));
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot read the split plan: " + e.getMessage(), e);
    }
  }

  /** The preparation for the resolved schema; a setting that does not fit the data is a configuration error. */
  public static Preparation preparation(RunConfig cfg, TableSchema schema) {
    Preparation prep;
    try {
      prep = Preparation.of(schema, cfg.prepare());
    } catch (Preparation.InvalidSetting e) {
      throw TrainsetException.config(e.key(), e.getMessage().substring(e.key().length() + 2));
    }
    if (cfg.output().formats().contains(OutputFormat.SAGEMAKER_CSV)) {
      List<String> problems = SageMakerCsvSink.problems(prep.output(), prep.hasLabel());
      if (!problems.isEmpty()) {
        throw TrainsetException.config("output.formats", problems.get(0));
      }
    }
    return prep;
  }

  private static RowFileSink sink(OutputFormat f, Preparation prep, RunConfig.Output o) {
    switch (f) {
      case PARQUET:
        return new ParquetRowSink(prep.output(), o.compression(), (int) o.rowGroupBytes());
      case SAGEMAKER_CSV:
        return SageMakerCsvSink.of(prep.output(), prep.hasLabel(), o.textGzip());
      case JSONL:
        return new JsonLinesSink(prep.output().names(), o.textGzip());
      default:
        throw new IllegalStateException("no sink for " + f);
    }
  }

  private static String extension(OutputFormat f, RunConfig.Output o) {
    return f == OutputFormat.PARQUET || !o.textGzip() ? f.extension() : f.extension() + ".gz";
  }

  private static String compression(OutputFormat f, RunConfig.Output o) {
    return f == OutputFormat.PARQUET ? o.compression().configName() : o.textGzip() ? "gzip" : "none";
  }

  /** Azure ML's MLTable over the Parquet files of one split (paths relative to the split folder). */
  public static String mlTable(String parquetFolder) {
    return "$schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json\n"
        + "type: mltable\n"
        + "paths:\n"
        + "  - pattern: ./" + parquetFolder + "/*.parquet\n"
        + "transformations:\n"
        + "  - read_parquet:\n"
        + "      include_path_column: false\n";
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The result of the earlier run, when the output already holds a complete run with this id; otherwise null. */
  private static Result alreadyComplete(OutputDir out, String runId, Instant started) {
    JsonNode m = out.completedManifest();
    if (m == null || !runId.equals(m.path("runId").asText())) {
      return null;
    }
    return new Result(
        runId, out.root(), ALREADY_COMPLETE, m.at("/counts/read").asLong(), m.at("/counts/written").asLong(),
        m.at("/counts/rejected").asLong(), m, Duration.between(started, Instant.now()));
  }

  private static ObjectNode output(String name, String path, String format, String contentType, String compression, List<JsonNode> files) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", name);
    o.put("path", path);
    o.put("format", format);
    o.put("contentType", contentType);
    o.put("compression", compression);
    o.put("rows", sumRows(files));
    ArrayNode arr = o.putArray("files");
    List<JsonNode> sorted = new ArrayList<>(files == null ? List.of() : files);
    sorted.sort((a, b) -> a.get("path").asText().compareTo(b.get("path").asText()));
    for (JsonNode f : sorted) {
      arr.addObject()
          .put("path", f.get("path").asText())
          .put("rows", f.get("rows").asLong())
          .put("bytes", f.get("bytes").asLong())
          .put("sha256", f.get("sha256").asText());
    }
    return o;
  }

  private static long sumRows(List<JsonNode> files) {
    long n = 0;
    if (files != null) {
      for (JsonNode f : files) {
        n += f.get("rows").asLong();
      }
    }
    return n;
  }

  /** What the job wrote to {@code _trainset/results.jsonl}: file descriptions, statistics, the plan, leakage. */
  private static final class Results {
    final Map<String, List<JsonNode>> files = new LinkedHashMap<>();
    final Map<String, JsonNode> stats = new LinkedHashMap<>();
    JsonNode plan;
    JsonNode leakage;
    JsonNode reasons;
  }

  private static Results readResults(OutputDir out) {
    Results r = new Results();
    try {
      for (String line : out.read(OutputDir.WORK + "results.jsonl").split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = MAPPER.readTree(line);
        String kind = n.path("kind").asText("file");
        switch (kind) {
          case "stats":
            ObjectNode st = ((ObjectNode) n).deepCopy();
            st.remove("kind");
            r.stats.put(st.remove("split").asText(), st);
            break;
          case "plan":
            r.plan = n;
            break;
          case "leakage":
            r.leakage = n;
            break;
          case "reasons":
            r.reasons = n;
            break;
          default:
            r.files.computeIfAbsent(n.get("output").asText(), k -> new ArrayList<>()).add(n);
        }
      }
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot read the job's results: " + e.getMessage(), e);
    }
    return r;
  }

  static String jobName(String step, String runId) {
    return ("trainset-" + step + "-" + runId).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
  }

  static List<String> paths(List<Metadata> files) {
    List<String> out = new ArrayList<>();
    files.forEach(f -> out.add(f.resourceId().toString()));
    return out;
  }

  /** Derived from the effective configuration, the inputs (names, sizes, times) and the logical date. */
  static String deriveRunId(RunConfig cfg, List<Metadata> files, LocalDate date) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((cfg.effective() + "\n" + Inputs.identity(files) + date).getBytes(StandardCharsets.UTF_8));
      return date.toString().replace("-", "") + "-" + HexFormat.of().formatHex(d.digest()).substring(0, 10);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs a pipeline to the end. Runners that return at once (DirectRunner with {@code --blockOnRun=false}) get a
   * progress line every few seconds; a failed job becomes an internal error naming the step.
   */
  public static PipelineResult runToCompletion(Pipeline p, String what, Consumer<String> progress) {
    Instant start = Instant.now();
    try {
      PipelineResult r = p.run();
      PipelineResult.State state;
      long lastRead = 0;
      Instant last = start;
      while ((state = r.waitUntilFinish(org.joda.time.Duration.standardSeconds(5))) == null || !state.isTerminal()) {
        if (progress != null) {
          long read = counter(r, "read");
          Instant now = Instant.now();
          double secs = Math.max(1e-3, Duration.between(last, now).toMillis() / 1000.0);
          progress.accept(
              String.format(
                  "progress: %,d records read, %,d rejected, %,.0f records/s", read, counter(r, "rejected"), (read - lastRead) / secs));
          lastRead = read;
          last = now;
        }
      }
      if (state != PipelineResult.State.DONE) {
        throw new TrainsetException(TrainsetException.INTERNAL, "the " + what + " job ended in state " + state);
      }
      return r;
    } catch (TrainsetException e) {
      throw e;
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        if (root instanceof SplitPlan.TooFewUnits) {
          break;
        }
        root = root.getCause();
      }
      if (root instanceof SplitPlan.TooFewUnits
          || String.valueOf(root.getMessage()).contains("split.allowEmptySplitClasses")) {
        String m = root.getMessage();
        throw TrainsetException.data(m.substring(m.indexOf("class '")));
      }
      throw new TrainsetException(
          TrainsetException.INTERNAL, "the " + what + " job failed: " + root.getClass().getSimpleName() + ": " + root.getMessage(), e);
    }
  }

  static long counter(PipelineResult r, String name) {
    MetricQueryResults q =
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder().addNameFilter(MetricNameFilter.named(ReadRecords.METRICS_NAMESPACE, name)).build());
    long total = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      Long v;
      try {
        v = c.getCommitted();
      } catch (UnsupportedOperationException e) {
        v = c.getAttempted();
      }
      total += v == null ? 0 : v;
    }
    return total;
  }

  public static String pretty(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
