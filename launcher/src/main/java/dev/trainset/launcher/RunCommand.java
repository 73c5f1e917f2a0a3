package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.training.TrainSettings;
import dev.trainset.launcher.training.TrainingSet;
import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.StoragePaths;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/** {@code trainset run}: reads the inputs, writes the training set, the rejects, the manifest and {@code _SUCCESS}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest the input into a training set (and train on it when the run file has a train section).",
      "Unrecognised --name=value flags are Beam pipeline options (e.g. --runner=FlinkRunner --flinkMaster=[local])."
    })
final class RunCommand implements Callable<Integer>, ResultLine.Owner {
  private final ResultLine resultLine = new ResultLine();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin RunOptions run;

  @CommandLine.Unmatched List<String> beamArgs = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    run.beamArgs = beamArgs;
    run.warmFlink = true;
    RunConfig cfg = run.config();
    // The training step's settings are checked now, so a bad train section fails before the pipeline runs.
    TrainSettings train = TrainSettings.checked(cfg.effective());
    EvaluateSettings evaluate = EvaluateSettings.of(cfg.effective(), train);
    if (evaluate != null) {
      evaluate.checkAgainst(cfg);
    }
    run.connectStorage(cfg);
    Lines lines = new Lines(run.logFormat, line -> {
      err.println(line);
      err.flush();
    });
    BatchIngest.Plan plan = BatchIngest.plan(cfg, run.settings(lines::info));
    resultLine.know("runId", plan.runId()).know("output", plan.config().output().path());
    BatchIngest.Execution execution = run.execution();
    PipelineOptions options = execution == BatchIngest.Execution.LAUNCHER ? null : run.pipelineOptions();
    BatchIngest.Settings settings = run.settings(lines::info, execution);
    String start = "trainset " + Trainset.version() + ": " + cfg.input().path() + " -> " + cfg.output().path()
        + (options == null
            ? " in this process (" + Runtime.getRuntime().availableProcessors() + " threads; a Beam runner with --runner-config)"
            : " on " + options.getRunner().getSimpleName());
    lines.info(start, start);
    if (run.verbose) {
      lines.info("effective configuration: " + cfg.masked());
    }
    BatchIngest.Result r;
    try {
      r = BatchIngest.run(plan, options, settings);
    } finally {
      WarmMiniCluster.discard(); // when the run ended before its job took the mini-cluster
    }
    if (BatchIngest.ALREADY_COMPLETE.equals(r.status())) {
      lines.info("already complete: run " + r.runId() + " is in " + r.output() + "; nothing to do");
    } else {
      lines.info(
          String.format(
              "done in %.1f s: %,d read, %,d written, %,d rejected -> %s",
              r.duration().toMillis() / 1000.0, r.read(), r.written(), r.rejected(), r.output()));
    }
    ObjectNode result = new ObjectMapper().createObjectNode();
    result.put("status", r.status());
    result.put("runId", r.runId());
    result.put("output", r.output());
    result.put("manifest", r.output() + "manifest.json");
    result.putObject("counts").put("read", r.read()).put("written", r.written()).put("rejected", r.rejected());
    result.put("durationSeconds", r.duration().toMillis() / 1000.0);
    PrintWriter out = spec.commandLine().getOut();
    String model = evaluate == null || evaluate.model() == null ? null : StoragePaths.normalize("evaluate.model", evaluate.model());
    if (train.target() != null) {
      lines.info("training on " + r.output() + " with " + train.target().configName());
      if (evaluate == null) {
        return TrainStep.run(train, TrainingSet.read(r.output()), lines, out, resultLine, result);
      }
      ObjectNode training = TrainStep.train(train, TrainingSet.read(r.output()), lines, out, resultLine, result);
      result.set("training", training);
      if (model == null) {
        model = training.path("model").asText(null);
        if (model == null) {
          throw new TrainsetException(TrainsetException.TRAINING, "the training job completed without a model to evaluate (no S3ModelArtifacts)");
        }
      }
    }
    if (evaluate != null) {
      if (model.contains("://") && !model.startsWith("file://")) {
        FileSystems.setDefaultPipelineOptions(run.pipelineOptions());
      }
      result.set("evaluation", EvaluateStep.run(evaluate, TrainingSet.read(r.output()), model, lines, null, train));
    }
    resultLine.print(out, result);
    return 0;
  }

  @Override
  public ResultLine resultLine() {
    return resultLine;
  }
}
