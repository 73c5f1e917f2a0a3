package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.storage.Storage;
import dev.trainset.launcher.training.TrainingSet;
import dev.trainset.pipelines.config.StoragePaths;
import dev.trainset.pipelines.config.StorageSettings;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.pipelines.evaluate.Evaluation;
import dev.trainset.transforms.evaluate.Metrics;
import dev.trainset.transforms.evaluate.NotAModel;
import dev.trainset.transforms.evaluate.Task;
import dev.trainset.transforms.evaluate.XgboostScorer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
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
  private static final long MAX_MODEL_BYTES = 2L << 30;
  private final ResultLine resultLine = new ResultLine();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--manifest", required = true, paramLabel = "URI", description = "The training set folder, or its manifest.json.")
  String manifest;

  @Option(names = "--model", required = true, paramLabel = "URI", description = "The model: a model.tar.gz (local, s3://, azfs://) or an xgboost-model file.")
  String model;

  @Option(names = "--scorer", paramLabel = "local", defaultValue = "local", description = "local (XGBoost4J in this process or on --runner-config's runner).")
  String scorer;

  @Option(names = "--threshold", paramLabel = "P", defaultValue = "0.5", description = "Binary: the probability from which a row is class 1 (default 0.5).")
  double threshold;

  @Option(names = "--split", paramLabel = "NAME", defaultValue = "test", description = "The split to score (default test).")
  String split;

  @Option(names = "--task", paramLabel = "auto|binary|multiclass|regression", defaultValue = "auto", description = "What the model predicts (default: from the label's classes and the model's output).")
  String task;

  @Option(names = "--runner-config", paramLabel = "FILE", description = "Score as a Beam job on this runner (runner-configs/*.yaml); without it, in this process.")
  Path runnerConfig;

  @CommandLine.Mixin SectionOptions options;

  @CommandLine.Unmatched List<String> flags = new ArrayList<>();

  @Override
  public Integer call() {
    Lines lines = options.lines(spec);
    if (!scorer.equals("local")) {
      throw TrainsetException.config(
          "--scorer", "'" + scorer + "': only local is built yet (a SageMaker batch transform is not; README: Evaluation)");
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw TrainsetException.config("--threshold", threshold + ": expected a probability between 0 and 1 (both excluded)");
    }
    Task chosen = task.equals("auto") ? null : Task.parse(task);
    if (chosen == null && !task.equals("auto")) {
      throw TrainsetException.config("--task", "'" + task + "': expected auto, binary, multiclass or regression");
    }
    List<String> beam = new ArrayList<>();
    ObjectNode tree = options.tree(flags, beam, "storage");
    String uri = StoragePaths.normalize("--manifest", manifest);
    String modelUri = StoragePaths.normalize("--model", model);
    StorageSettings storage = StorageSettings.fromTree(tree);
    PipelineOptions pipeline = BeamOptions.from(Storage.beamArgs(storage, List.of(uri, modelUri)), beam, runnerConfig);
    FileSystems.setDefaultPipelineOptions(pipeline);
    Storage.check(pipeline, "--manifest", uri, true);
    Storage.check(pipeline, "--model", modelUri, true);
    TrainingSet set = TrainingSet.read(uri);
    XgboostScorer scorerOf;
    try {
      scorerOf = XgboostScorer.load(readModel(modelUri), "--model '" + model + "'");
    } catch (NotAModel e) {
      throw TrainsetException.data(e.getMessage());
    }
    String start = "trainset " + Trainset.version() + ": evaluate " + model + " on " + set.root() + " (" + split + " split, local scorer"
        + (runnerConfig == null ? ", in this process)" : ", on " + pipeline.getRunner().getSimpleName() + ")");
    lines.info(start, start);
    Evaluation.Outcome o =
        Evaluation.run(
            new Evaluation.Request(set.root(), set.manifest(), set.sha256(), split, scorerOf, model, scorer, chosen, threshold, Trainset.version()),
            runnerConfig == null ? null : pipeline);
    Metrics.Result r = o.result();
    lines.info(o.task().configName() + " model on " + String.format("%,d", r.rows()) + " rows of " + split
        + (o.task() == Task.BINARY ? " (class 1 from p >= " + threshold + ")" : "") + ":");
    for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
      lines.info(String.format("  %-11s %s", e.getKey(), Double.isFinite(e.getValue()) ? String.format("%.4f", e.getValue()) : "n/a"));
    }
    if (r.confusionMatrix().length > 0) {
      lines.info("  confusion matrix (rows: label, columns: predicted): " + matrix(r.confusionMatrix()));
    }
    lines.info("metrics written to " + o.file());
    ObjectNode result = new ObjectMapper().createObjectNode();
    result.put("status", "succeeded");
    result.put("evaluation", o.file());
    result.put("task", o.task().configName());
    result.put("split", split);
    result.put("rows", r.rows());
    ObjectNode metrics = result.putObject("metrics");
    r.metrics().forEach((k, v) -> {
      if (Double.isFinite(v)) {
        metrics.put(k, v);
      } else {
        metrics.putNull(k);
      }
    });
    resultLine.print(spec.commandLine().getOut(), result);
    return 0;
  }

  private static String matrix(long[][] m) {
    StringBuilder b = new StringBuilder();
    for (long[] row : m) {
      b.append(b.length() == 0 ? "[" : " [");
      for (int j = 0; j < row.length; j++) {
        b.append(j == 0 ? "" : " ").append(row[j]);
      }
      b.append(']');
    }
    return b.toString();
  }

  private static byte[] readModel(String uri) {
    try {
      MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(uri);
      if (meta.sizeBytes() > MAX_MODEL_BYTES) {
        throw TrainsetException.data("--model '" + uri + "': " + meta.sizeBytes() + " bytes, more than the 2 GiB a model may have");
      }
      try (InputStream in = Channels.newInputStream(FileSystems.open(meta.resourceId()))) {
        return in.readAllBytes();
      }
    } catch (java.io.FileNotFoundException e) {
      throw TrainsetException.data("--model '" + uri + "': no such file");
    } catch (IOException e) {
      throw TrainsetException.data("--model '" + uri + "': cannot read it (" + e.getMessage() + ")");
    }
  }

  @Override
  public ResultLine resultLine() {
    return resultLine;
  }
}
