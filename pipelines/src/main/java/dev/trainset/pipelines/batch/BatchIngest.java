package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.RunConfig.Format;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.Sha256;
import dev.trainset.transforms.io.RowWriters;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.slice.WriteSlice;
import dev.trainset.transforms.split.GroupPlan;
import dev.trainset.transforms.split.SplitPlan;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The batch job's driver: files in, a training set out. {@link #run} is what the command line and the whole-job
 * tests call.
 *
 * <ol>
 *   <li>{@link Planning}: slices, schema, preparation and split plan, with one first pass over the input when
 *       something must be learnt from it;
 *   <li>{@link BatchGraph}: the writing pass, one Beam job whose elements are slices;
 *   <li>{@link Finish}: the checks (counts reconcile, rows match the plan), the renames into place, statistics, the
 *       report, the manifest and, last, {@code _SUCCESS}.
 * </ol>
 */
public final class BatchIngest {
  public static final String REJECTED = WriteSlice.REJECTED;
  public static final String STATS_FILE = "stats.json";
  public static final String REPORT_FILE = "report.html";

  /** Status of a run whose output already holds a complete run with the same id: nothing was done. */
  public static final String ALREADY_COMPLETE = "already-complete";

  /** What a run did. */
  public record Result(
      String runId, String output, String status, long read, long written, long rejected, Manifest manifest, Duration duration) {}

  /** Where a run's passes run. */
  public enum Execution {
    /** Both passes in the launcher's threads, no Beam job (for an input of one slice). */
    LAUNCHER,
    /** The runner runs in this JVM (the DirectRunner, embedded Flink): the first pass in the launcher's threads. */
    JVM,
    /** The runner is a cluster: both passes are jobs on it. */
    CLUSTER
  }

  /**
   * How a run is started: overwrite or not, the run id (null: derived), the logical date ({@code {date}} in paths and
   * part of the derived run id), where progress lines go, where the passes run, and (on a cluster) how the cluster
   * reports a job's progress (null: no progress lines while a cluster job runs), and how long to wait for another run
   * that is writing the same output ({@link OutputLock}; zero: fail at once).
   */
  public record Settings(
      boolean overwrite, String runId, LocalDate date, String version, Consumer<String> progress, Execution execution,
      ClusterProgress cluster, Duration waitForOutput) {
    public Settings(boolean overwrite, String runId, String version, Consumer<String> progress) {
      this(overwrite, runId, LocalDate.now(ZoneOffset.UTC), version, progress, Execution.JVM, null, Duration.ZERO);
    }

    Progress.Out progressOut() {
      return new Progress.Out(progress, cluster);
    }

    boolean localFirstPass() {
      return execution != Execution.CLUSTER;
    }

    public static Settings defaults() {
      return new Settings(false, null, "dev", line -> {});
    }
  }

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

  /**
   * Runs a planned run (the command line plans first, to choose the runner by input size).
   *
   * @param options the Beam options; null with {@link Execution#LAUNCHER}
   */
  public static Result run(Plan plan, PipelineOptions options, Settings settings) {
    OutputDir out = OutputDir.of(plan.config().output().path());
    try (OutputLock lock = OutputLock.acquire(out, plan.runId(), settings.waitForOutput())) {
      return runHolding(plan, options, settings, out);
    }
  }

  private static Result runHolding(Plan plan, PipelineOptions options, Settings settings, OutputDir out) {
    Instant started = Instant.now();
    RunConfig cfg = plan.config();
    String runId = plan.runId();
    Result done = alreadyComplete(out, runId, started);
    if (done != null) {
      return done;
    }
    Format format = Formats.resolve(cfg.input(), plan.files());
    FileFormat fileFormat = Formats.build(cfg.input(), format, plan.files());
    if (out.interruptedRun(runId)) {
      settings.progress().accept("an earlier run " + runId + " was interrupted; clearing its partial output and running again");
    }
    out.prepare(settings.overwrite(), runId);
    out.write(OutputDir.RUN_MARKER, "{\"runId\":\"" + runId + "\",\"startedAt\":\"" + started + "\"}\n", "application/json");

    Planning.Planned planned =
        Planning.plan(cfg, fileFormat, plan.files(), out, options, settings.localFirstPass(), runId, settings.progressOut());
    settings.progress().accept("schema (" + planned.schema().source() + "): " + planned.schema().schema());

    if (options != null) {
      options.setJobName(jobName("ingest", runId));
    }
    String temp = OutputDir.TEMP_PREFIX + runId + "/";
    WriteSlice.Spec spec =
        new WriteSlice.Spec(
            fileFormat, planned.schema().schema(), planned.preparation(), planned.roles(), planned.classes(), planned.splitter(),
            new RowWriters(cfg.output().formats(), cfg.output().compression(), cfg.output().rowGroupBytes(), cfg.output().textGzip()),
            out.path(temp), planned.splitter().splits().size() > 1, planned.duplicates());
    BatchResult result;
    try {
      result = write(planned, spec, options, out, runId, settings);
    } catch (RuntimeException e) {
      throw OutputFailure.of(e, out, temp, false);
    }
    try {
      return Finish.run(
          new Finish.Run(
              cfg, plan.files(), format, runId, started, settings.version(), options == null ? "launcher" : options.getRunner().getSimpleName(),
              temp),
          planned, result, out);
    } catch (RuntimeException e) {
      throw OutputFailure.of(e, out, temp, true);
    }
  }

  /** What a run would do, found without writing its output: the schema, the preparation and the split plan. */
  public record DryRun(SchemaResolver.Resolved schema, Preparation preparation, SplitPlan plan, GroupPlan.Planned groupPlan) {}

  /**
   * Plans a run against a scratch folder (the first pass and the schema cache go there): {@code trainset validate}.
   */
  public static DryRun dryRun(Plan plan, PipelineOptions options, Settings settings, OutputDir scratch) {
    RunConfig cfg = plan.config();
    FileFormat fileFormat = Formats.build(cfg.input(), Formats.resolve(cfg.input(), plan.files()), plan.files());
    Planning.Planned p =
        Planning.plan(cfg, fileFormat, plan.files(), scratch, options, settings.localFirstPass(), plan.runId(), settings.progressOut());
    return new DryRun(p.schema(), p.preparation(), p.rowPlan() == null ? null : p.rowPlan().plan(), p.groupPlan());
  }

  /** The schema of a run's input, inferred in a scratch folder when the input does not declare it. */
  public static SchemaResolver.Resolved schema(RunConfig cfg, List<Metadata> files, PipelineOptions options, Settings settings, OutputDir scratch) {
    FileFormat fileFormat = Formats.build(cfg.input(), Formats.resolve(cfg.input(), files), files);
    return Planning.schema(cfg, fileFormat, files, scratch, options, settings.localFirstPass(), "schema", settings.progressOut());
  }

  private static BatchResult write(
      Planning.Planned planned, WriteSlice.Spec spec, PipelineOptions options, OutputDir out, String runId, Settings settings) {
    String key = "ingest-" + runId + "-" + System.nanoTime();
    if (settings.execution() == Execution.LAUNCHER) {
      try (Progress progress = Progress.local(key, "writing", planned.records(), settings.progressOut())) {
        return LocalWrite.run(planned.slices(), spec, key);
      }
    }
    String resultPath = OutputDir.WORK + "result.b64";
    Pipeline p = Pipeline.create(options);
    p.apply("Ingest", BatchGraph.of(planned.slices(), spec, key)).apply("WriteResult", ResultFile.to(BatchResult.class, out.path(resultPath)));
    try (Progress progress =
        settings.execution() == Execution.CLUSTER
            ? Progress.cluster(options.getJobName(), "writing", planned.slices().size(), planned.records(), settings.progressOut())
            : Progress.local(key, "writing", planned.records(), settings.progressOut())) {
      Jobs.runToCompletion(p, "ingest");
    }
    try {
      return ResultFile.read(BatchResult.class, out.read(resultPath));
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot read the job's result: " + e.getMessage(), e);
    }
  }

  /** The result of the earlier run, when the output already holds a complete run with this id; otherwise null. */
  private static Result alreadyComplete(OutputDir out, String runId, Instant started) {
    Manifest m = out.completedManifest();
    if (m == null || !runId.equals(m.runId())) {
      return null;
    }
    return new Result(
        runId, out.root(), ALREADY_COMPLETE, m.counts().read(), m.counts().written(), m.counts().rejected(), m,
        Duration.between(started, Instant.now()));
  }

  static String jobName(String step, String runId) {
    return ("trainset-" + step + "-" + runId).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
  }

  /** Derived from the effective configuration, the inputs (names, sizes, times) and the logical date. */
  static String deriveRunId(RunConfig cfg, List<Metadata> files, LocalDate date) {
    return date.toString().replace("-", "") + "-" + Sha256.hex(cfg.effective() + "\n" + Inputs.identity(files) + date).substring(0, 10);
  }
}
