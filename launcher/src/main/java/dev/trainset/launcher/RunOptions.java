package dev.trainset.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.BatchIngest;
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

  @Option(names = "--run-id", paramLabel = "ID", description = "The run id (default: derived from config, inputs and --date). A completed output with the same run id is left as it is.")
  String runId;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The logical date: {date} in paths, and part of the derived run id (default: today, UTC).")
  LocalDate date;

  @Option(names = "--runner-config", paramLabel = "FILE", description = "A runner configuration (runner-configs/direct.yaml, flink-local.yaml, flink-cluster.yaml).")
  Path runnerConfig;

  @Option(names = "--verbose", description = "Show Beam's logs and stack traces.")
  boolean verbose;

  /** Beam pipeline options; set by the command, since picocli does not collect unmatched arguments in a mixin. */
  List<String> beamArgs = new ArrayList<>();

  RunConfig config() {
    ObjectNode tree = ConfigLoader.load(config, System::getenv);
    ConfigLoader.setIfPresent(tree, "input.path", input);
    ConfigLoader.setIfPresent(tree, "input.format", format);
    ConfigLoader.setIfPresent(tree, "output.path", output);
    ConfigLoader.applySets(tree, sets);
    return RunConfig.from(tree);
  }

  PipelineOptions pipelineOptions() {
    return BeamOptions.from(beamArgs, runnerConfig);
  }

  BatchIngest.Settings settings(Consumer<String> progress) {
    return new BatchIngest.Settings(
        overwrite, runId, date != null ? date : LocalDate.now(ZoneOffset.UTC), Trainset.version(), progress);
  }
}
