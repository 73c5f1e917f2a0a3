package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.config.RunConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trainset run}: reads the inputs, writes the training set, the rejects, the manifest and {@code _SUCCESS}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest the input into a Parquet training set.",
      "Unrecognised --name=value flags are Beam pipeline options (e.g. --runner=FlinkRunner --flinkMaster=[local])."
    })
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "The run file (YAML or JSON).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set output.compression=zstd (repeatable).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--input", paramLabel = "PATH", description = "Shortcut for --set input.path=PATH.")
  String input;

  @Option(names = "--format", paramLabel = "FORMAT", description = "Shortcut for --set input.format=FORMAT (csv, arff, json, jsonl).")
  String format;

  @Option(names = "--output", paramLabel = "PATH", description = "Shortcut for --set output.path=PATH.")
  String output;

  @Option(names = "--overwrite", description = "Replace an existing output folder written by trainset.")
  boolean overwrite;

  @Option(names = "--run-id", paramLabel = "ID", description = "The run id recorded in the manifest (default: derived from config, inputs and date).")
  String runId;

  @Option(names = "--verbose", description = "Show Beam's logs and stack traces.")
  boolean verbose;

  @Option(names = "--runner-config", paramLabel = "FILE", description = "A runner configuration (runner-configs/direct.yaml, flink-local.yaml, ...).")
  Path runnerConfig;

  @CommandLine.Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    ObjectNode tree = ConfigLoader.load(config, System::getenv);
    ConfigLoader.setIfPresent(tree, "input.path", input);
    ConfigLoader.setIfPresent(tree, "input.format", format);
    ConfigLoader.setIfPresent(tree, "output.path", output);
    ConfigLoader.applySets(tree, sets);
    RunConfig cfg = RunConfig.from(tree);
    PipelineOptions options = BeamOptions.from(beamArgs, runnerConfig);
    err.println("trainset " + Trainset.version() + ": " + cfg.input().path() + " -> " + cfg.output().path()
        + " on " + options.getRunner().getSimpleName());
    if (verbose) {
      err.println("effective configuration: " + cfg.masked());
    }
    BatchIngest.Result r =
        BatchIngest.run(cfg, options, new BatchIngest.Settings(overwrite, runId, Trainset.version(), line -> err.println("trainset: " + line)));
    err.printf(
        "trainset: done in %.1f s: %,d read, %,d written, %,d rejected -> %s%n",
        r.duration().toMillis() / 1000.0, r.read(), r.written(), r.rejected(), r.output());
    ObjectNode result = new ObjectMapper().createObjectNode();
    result.put("status", r.status());
    result.put("runId", r.runId());
    result.put("output", r.output());
    result.put("manifest", r.output() + "manifest.json");
    result.putObject("counts").put("read", r.read()).put("written", r.written()).put("rejected", r.rejected());
    result.put("durationSeconds", r.duration().toMillis() / 1000.0);
    spec.commandLine().getOut().println("TRAINSET_RESULT " + result);
    return 0;
  }
}
