package dev.trainset.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.batch.ClusterProgress;
import dev.trainset.launcher.storage.Storage;
import dev.trainset.pipelines.config.RunConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Option;

/** The options {@code run} and {@code validate} share: the run file, overrides, run id, logical date, runner. */
final class RunOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "The run file (YAML or JSON).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set output.compression=zstd (repeatable).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--input", paramLabel = "PATH", description = "Shortcut for --set input.path=PATH.")
  String input;

  @Option(names = "--format", paramLabel = "FORMAT", description = "Shortcut for --set input.format=FORMAT (csv, arff, json, jsonl).")
  String format;

  @Option(names = "--output", paramLabel = "PATH", description = "Shortcut for --set output.path=PATH; may hold {date} and {runId}.")
  String output;

  @Option(names = "--overwrite", description = "Replace an existing output folder written by trainset.")
  boolean overwrite;

  @Option(
      names = "--wait-for-output",
      paramLabel = "DURATION",
      converter = WaitConverter.class,
      description = "When another run is writing the same output, wait this long for it (90s, 10m, 1h) instead of failing at once.")
  java.time.Duration waitForOutput = java.time.Duration.ZERO;

  /** {@code 90s}, {@code 10m}, {@code 1h}, or seconds. */
  static final class WaitConverter implements picocli.CommandLine.ITypeConverter<java.time.Duration> {
    @Override
    public java.time.Duration convert(String v) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*([smh]?)").matcher(v.trim());
      if (!m.matches()) {
        throw new picocli.CommandLine.TypeConversionException("expected a duration such as 90s, 10m or 1h, got '" + v + "'");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "m" -> java.time.Duration.ofMinutes(n);
        case "h" -> java.time.Duration.ofHours(n);
        default -> java.time.Duration.ofSeconds(n);
      };
    }
  }

  @Option(names = "--run-id", paramLabel = "ID", description = "The run id (default: derived from config, inputs and --date). A completed output with the same run id is left as it is.")
  String runId;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The logical date: {date} in paths, and part of the derived run id (default: today, UTC).")
  LocalDate date;

  @Option(names = "--runner-config", paramLabel = "FILE", description = "A runner configuration (runner-configs/direct.yaml, flink-local.yaml, flink-cluster.yaml).")
  Path runnerConfig;

  @Option(names = "--verbose", description = "Show Beam's logs and stack traces.")
  boolean verbose;

  @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: trainset's own stderr lines as one JSON object each.")
  Lines.Format logFormat = Lines.Format.TEXT;

  /** Beam pipeline options; set by the command, since picocli does not collect unmatched arguments in a mixin. */
  List<String> beamArgs = new ArrayList<>();

  RunConfig config() {
    ObjectNode tree = ConfigLoader.load(config, System::getenv);
    ConfigLoader.setIfPresent(tree, "input.path", input);
    ConfigLoader.setIfPresent(tree, "input.format", format);
    ConfigLoader.setIfPresent(tree, "output.path", output);
    ConfigLoader.applySets(tree, sets);
    ConfigLoader.applySets(tree, configFlags());
    this.cfg = RunConfig.from(tree);
    return cfg;
  }

  /** The configuration {@link #config()} built last; its storage settings go into the pipeline options. */
  private RunConfig cfg;

  /**
   * Points this JVM's file systems at the configured stores (the launcher lists inputs and writes the manifest) and
   * checks that each remote input and output location can be reached with the credentials at hand.
   */
  void connectStorage(RunConfig config) {
    if (!remote(config.input().path()) && !remote(config.output().path())) {
      return; // local paths need no options (Beam's options take over a second to make)
    }
    PipelineOptions options = pipelineOptions();
    org.apache.beam.sdk.io.FileSystems.setDefaultPipelineOptions(options);
    Storage.check(options, "input.path", config.input().path(), true);
    Storage.check(options, "output.path", config.output().path(), false);
  }

  private static boolean remote(String path) {
    return path.contains("://") && !path.startsWith("file://");
  }

  /**
   * Where the passes run: without a chosen runner, in the launcher's own threads (the same slice code a Beam job
   * runs, without a runner's start-up: BENCHMARKS.md); with one ({@code --runner-config}, {@code --runner=}), on it.
   */
  BatchIngest.Execution execution() {
    if (!runnerChosen()) {
      if (beamArgs.stream().anyMatch(a -> !isConfigFlag(a))) {
        pipelineOptions(); // Beam options given without a runner: still checked, so a typo is an error
      }
      return BatchIngest.Execution.LAUNCHER;
    }
    return runsInThisJvm(pipelineOptions()) ? BatchIngest.Execution.JVM : BatchIngest.Execution.CLUSTER;
  }

  boolean runnerChosen() {
    return runnerConfig != null || beamArgs.stream().anyMatch(a -> a.startsWith("--runner="));
  }

  /** The Beam options (made once: Beam takes over a second to make the first ones). */
  PipelineOptions pipelineOptions() {
    if (options == null) {
      List<String> beam = new ArrayList<>(beamArgs);
      beam.removeIf(RunOptions::isConfigFlag);
      List<String> storage =
          cfg == null ? List.of() : Storage.beamArgs(cfg.storage(), List.of(cfg.input().path(), cfg.output().path()));
      options = BeamOptions.from(storage, beam, runnerConfig, java.util.Map.of(), warmFlink);
    }
    return options;
  }

  private PipelineOptions options;

  /** Whether a batch job on embedded Flink follows, so its mini-cluster may start with the options ({@link WarmMiniCluster}). */
  boolean warmFlink;

  /**
   * Every configuration key is also a flag: {@code --split.seed=7}, {@code --label.column=class},
   * {@code --output.formats=[parquet,sagemaker-csv]}, {@code --maxRejectedFraction=0.05} (the same as {@code --set};
   * Beam's options have no dots, so the two never clash).
   */
  List<String> configFlags() {
    List<String> out = new ArrayList<>();
    for (String a : beamArgs) {
      if (isConfigFlag(a)) {
        if (!a.contains("=")) {
          throw new dev.trainset.pipelines.config.TrainsetException(
              dev.trainset.pipelines.config.TrainsetException.USAGE, "'" + a + "': expected " + a + "=value");
        }
        out.add(a.substring(2));
      }
    }
    return out;
  }

  static boolean isConfigFlag(String arg) {
    if (!arg.startsWith("--")) {
      return false;
    }
    String name = arg.substring(2).split("=", 2)[0];
    String root = name.split("\\.", 2)[0];
    return RunConfig.ROOT_KEYS.contains(root) && (name.contains(".") || name.equals("maxRejectedFraction"));
  }

  BatchIngest.Settings settings(Consumer<String> progress) {
    return settings(progress, BatchIngest.Execution.JVM);
  }

  /** The run's settings. */
  BatchIngest.Settings settings(Consumer<String> progress, BatchIngest.Execution execution) {
    ClusterProgress cluster =
        execution == BatchIngest.Execution.CLUSTER
            ? new FlinkRestProgress(pipelineOptions().as(org.apache.beam.runners.flink.FlinkPipelineOptions.class).getFlinkMaster())
            : null;
    return new BatchIngest.Settings(
        overwrite, runId, date != null ? date : LocalDate.now(ZoneOffset.UTC), Trainset.version(), progress, execution, cluster,
        waitForOutput);
  }

  /** Whether the runner executes in the launcher's JVM: the DirectRunner, or Flink with {@code [local]} / {@code [auto]}. */
  static boolean runsInThisJvm(PipelineOptions options) {
    if (!options.getRunner().getSimpleName().equals("FlinkRunner")) {
      return true;
    }
    String master = options.as(org.apache.beam.runners.flink.FlinkPipelineOptions.class).getFlinkMaster();
    return master == null || master.equals("[local]") || master.equals("[auto]");
  }
}
