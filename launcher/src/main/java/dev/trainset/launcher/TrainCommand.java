package dev.trainset.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.storage.Storage;
import dev.trainset.launcher.training.TrainSettings;
import dev.trainset.launcher.training.Training;
import dev.trainset.launcher.training.TrainingSet;
import dev.trainset.pipelines.config.StoragePaths;
import dev.trainset.pipelines.config.StorageSettings;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code trainset train}: starts a training job on a finished training set, reading only its manifest. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Start a SageMaker or Azure ML training job on a finished training set.",
      "It reads only the manifest (and needs _SUCCESS); --wait follows the job to its end. Running it again finds",
      "the job it started instead of starting another. The train section of --config, --set train.…=… and",
      "--train.…=… flags configure it (README: Training)."
    })
final class TrainCommand implements Callable<Integer>, ResultLine.Owner {
  private final ResultLine resultLine = new ResultLine();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--manifest", required = true, paramLabel = "URI", description = "The training set folder, or its manifest.json.")
  String manifest;

  @Option(names = "--target", paramLabel = "sagemaker|azureml", description = "Shortcut for --set train.target=…")
  String target;

  @CommandLine.Mixin SectionOptions options;

  @Option(names = "--wait", description = "Follow the job to its end (exit 0 when it completed, 4 when it failed or stopped).")
  boolean wait;

  @Option(names = "--dry-run", description = "Print the request that would be sent, send nothing.")
  boolean dryRun;

  @Option(names = "--algorithm", paramLabel = "NAME", description = "SageMaker built-in algorithm (xgboost); shortcut for --set train.sagemaker.algorithm=…")
  String algorithm;

  @Option(names = "--task", paramLabel = "classification|regression", description = "Azure ML AutoML task; shortcut for --set train.azureml.task=…")
  String task;

  @Option(names = "--label", paramLabel = "COLUMN", description = "Azure ML target column (default: the training set's label).")
  String label;

  @CommandLine.Unmatched List<String> flags = new ArrayList<>();

  @Override
  public Integer call() {
    Lines lines = options.lines(spec);
    List<String> beam = new ArrayList<>();
    ObjectNode tree = options.tree(flags, beam, "train", "storage");
    ConfigLoader.setIfPresent(tree, "train.target", target);
    ConfigLoader.setIfPresent(tree, "train.sagemaker.algorithm", algorithm);
    ConfigLoader.setIfPresent(tree, "train.azureml.task", task);
    ConfigLoader.setIfPresent(tree, "train.azureml.targetColumn", label);
    if (wait) {
      ConfigLoader.setIfPresent(tree, "train.wait", "true");
    }
    TrainSettings t = TrainSettings.checked(tree);
    if (t.target() == null) {
      throw TrainsetException.config("train.target", "required: --target sagemaker or --target azureml");
    }

    String uri = StoragePaths.normalize("--manifest", manifest);
    StorageSettings storage = StorageSettings.fromTree(tree);
    PipelineOptions pipeline = BeamOptions.from(Storage.beamArgs(storage, List.of(uri)), beam, null);
    FileSystems.setDefaultPipelineOptions(pipeline);
    Storage.check(pipeline, "--manifest", uri, true);
    TrainingSet set = TrainingSet.read(uri);

    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      out.println(Training.dryRun(t, set).toPrettyString());
      lines.info("dry run: nothing was sent");
      return 0;
    }
    String start = "trainset " + Trainset.version() + ": train on " + set.root() + " with " + t.target().configName();
    lines.info(start, start);
    return TrainStep.run(t, set, lines, out, resultLine, null);
  }

  @Override
  public ResultLine resultLine() {
    return resultLine;
  }
}
