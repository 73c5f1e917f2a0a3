package dev.trainset.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.storage.Storage;
import dev.trainset.launcher.training.SageMakerTransform;
import dev.trainset.launcher.training.TrainSettings;
import dev.trainset.launcher.training.TrainingSet;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.pipelines.config.StoragePaths;
import dev.trainset.pipelines.config.StorageSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trainset evaluate}: a trained model scored on a split of a finished training set, with its metrics. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Score a trained model on a split of a finished training set (the test split by default) and measure it.",
      "The local scorer loads an XGBoost model (SageMaker's model.tar.gz, or its xgboost-model file) with XGBoost4J",
      "and scores the split's Parquet files in this process, or as a Beam job with --runner-config. The metrics go",
      "to evaluation.json beside the manifest, to a short table on stderr and to the TRAINSET_RESULT line."
    })
final class EvaluateCommand implements Callable<Integer>, ResultLine.Owner {
  private final ResultLine resultLine = new ResultLine();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--manifest", required = true, paramLabel = "URI", description = "The training set folder, or its manifest.json.")
  String manifest;

  @Option(names = "--model", required = true, paramLabel = "URI", description = "The model: a model.tar.gz (local, s3://, azfs://) or an xgboost-model file; for sagemaker also a training job's name.")
  String model;

  @Option(names = "--scorer", paramLabel = "local|sagemaker", defaultValue = "local", description = "local (XGBoost4J in this process or on --runner-config's runner), or sagemaker (a batch transform of the split's features-csv; train.sagemaker settings from --config / --set).")
  String scorer;

  @Option(names = "--threshold", paramLabel = "P", defaultValue = "0.5", description = "Binary: the probability from which a row is class 1 (default 0.5).")
  double threshold;

  @Option(names = "--split", paramLabel = "NAME", defaultValue = "test", description = "The split to score (default test).")
  String split;

  @Option(names = "--task", paramLabel = "auto|binary|multiclass|regression", defaultValue = "auto", description = "What the model predicts (default: from the label's classes and the model's output).")
  String task;

  @Option(names = "--dry-run", description = "With --scorer sagemaker: print the CreateModel and CreateTransformJob requests, send nothing.")
  boolean dryRun;

  @Option(names = "--runner-config", paramLabel = "FILE", description = "Score as a Beam job on this runner (runner-configs/*.yaml); without it, in this process.")
  Path runnerConfig;

  @CommandLine.Mixin SectionOptions options;

  @CommandLine.Unmatched List<String> flags = new ArrayList<>();

  @Override
  public Integer call() {
    Lines lines = options.lines(spec);
    EvaluateSettings settings = EvaluateSettings.checked(scorer, threshold, split, EvaluateSettings.task("--task", task), model, true);
    List<String> beam = new ArrayList<>();
    ObjectNode tree = options.tree(flags, beam, "train", "storage");
    String uri = StoragePaths.normalize("--manifest", manifest);
    boolean trainingJob = settings.scorer().equals(EvaluateSettings.SAGEMAKER) && !model.contains("://"); // a job's name
    String modelUri = trainingJob ? model : StoragePaths.normalize("--model", model);
    StorageSettings storage = StorageSettings.fromTree(tree);
    PipelineOptions pipeline =
        BeamOptions.from(Storage.beamArgs(storage, trainingJob ? List.of(uri) : List.of(uri, modelUri)), beam, runnerConfig);
    FileSystems.setDefaultPipelineOptions(pipeline);
    Storage.check(pipeline, "--manifest", uri, true);
    if (!trainingJob) {
      Storage.check(pipeline, "--model", modelUri, true);
    }
    TrainingSet set = TrainingSet.read(uri);
    TrainSettings account = TrainSettings.from(tree);
    if (dryRun) {
      if (!settings.scorer().equals(EvaluateSettings.SAGEMAKER)) {
        throw TrainsetException.config("--dry-run", "applies to --scorer sagemaker (the local scorer sends nothing)");
      }
      spec.commandLine().getOut().println(SageMakerTransform.body(new SageMakerTransform(account.sagemaker(), set, split, modelUri).dryRun()).toPrettyString());
      lines.info("dry run: nothing was sent");
      return 0;
    }
    String start = "trainset " + Trainset.version() + ": evaluate " + model + " on " + set.root();
    lines.info(start, start);
    ObjectNode result = EvaluateStep.run(settings, set, modelUri, lines, runnerConfig == null ? null : pipeline, account);
    resultLine.print(spec.commandLine().getOut(), result);
    return 0;
  }

  @Override
  public ResultLine resultLine() {
    return resultLine;
  }
}
