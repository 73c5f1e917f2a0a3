package dev.trainset.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.launcher.training.TrainSettings;
import dev.trainset.pipelines.config.ConfigNode;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.evaluate.Task;
import dev.trainset.transforms.io.OutputFormat;

/**
 * How a model is evaluated: from {@code trainset evaluate}'s flags, or a run file's {@code evaluate} section
 * ({@code evaluate: {scorer: local, threshold: 0.65, split: test, task: auto, model: URI}}).
 *
 * @param model the model to score; null: the one the run's training step produced
 * @param task null: from the label and the model
 */
record EvaluateSettings(String scorer, double threshold, String split, Task task, String model) {
  static final String LOCAL = "local";
  /** A SageMaker batch transform of the split's features-csv files ({@link dev.trainset.launcher.training.SageMakerTransform}). */
  static final String SAGEMAKER = "sagemaker";

  /**
   * Checked settings; {@code flags}: the keys are {@code trainset evaluate}'s flags ({@code --threshold}), else the
   * run file's ({@code evaluate.threshold}).
   */
  static EvaluateSettings checked(String scorer, double threshold, String split, Task task, String model, boolean flags) {
    if (!scorer.equals(LOCAL) && !scorer.equals(SAGEMAKER)) {
      throw TrainsetException.config(flags ? "--scorer" : "evaluate.scorer", "'" + scorer + "': expected local or sagemaker");
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw TrainsetException.config(
          flags ? "--threshold" : "evaluate.threshold", threshold + ": expected a probability between 0 and 1 (both excluded)");
    }
    return new EvaluateSettings(scorer, threshold, split, task, model);
  }

  /** What a run's own settings tell before it starts: the split exists, and the local scorer's Parquet is written. */
  void checkAgainst(RunConfig cfg) {
    if (!cfg.split().names().contains(split)) {
      throw TrainsetException.config(
          "evaluate.split", "'" + split + "' is not one of the run's splits (" + String.join(", ", cfg.split().names()) + ")");
    }
    if (!cfg.output().formats().contains(OutputFormat.PARQUET)) {
      throw TrainsetException.config("output.formats", "evaluate's local scorer reads the split's Parquet files: add parquet");
    }
    if (scorer.equals(SAGEMAKER) && !cfg.output().formats().contains(OutputFormat.FEATURES_CSV)) {
      throw TrainsetException.config("output.formats", "evaluate's SageMaker batch transform reads the split's features-csv files: add features-csv");
    }
    if (cfg.prepare().label() == null) {
      throw TrainsetException.config("evaluate", "needs a label to evaluate against: set label.column");
    }
  }

  /** Parses {@code --task}'s or {@code evaluate.task}'s value: auto (null), binary, multiclass, regression. */
  static Task task(String key, String value) {
    if (value == null || value.trim().equalsIgnoreCase("auto")) {
      return null;
    }
    Task t = Task.parse(value);
    if (t == null) {
      throw TrainsetException.config(key, "'" + value + "': expected auto, binary, multiclass or regression");
    }
    return t;
  }

  /**
   * The {@code evaluate} section of a run's merged configuration, or null without one. It scores the model of the
   * run's SageMaker training step, which must wait for its job ({@code train.wait: true}), or {@code evaluate.model}.
   */
  static EvaluateSettings of(JsonNode root, TrainSettings train) {
    ConfigNode e = ConfigNode.root(root).object("evaluate").allowOnly("scorer", "threshold", "split", "task", "model");
    if (!e.present()) {
      return null;
    }
    String thresholdText = e.string("threshold", "0.5");
    double threshold;
    try {
      threshold = Double.parseDouble(thresholdText.trim());
    } catch (NumberFormatException x) {
      throw TrainsetException.config("evaluate.threshold", "expected a probability between 0 and 1, got '" + thresholdText + "'");
    }
    EvaluateSettings s =
        checked(
            e.string("scorer", LOCAL).trim(), threshold, e.string("split", "test").trim(), task("evaluate.task", e.string("task", null)),
            e.string("model", null), false);
    if (s.model() == null) {
      if (train.target() == null) {
        throw TrainsetException.config("evaluate.model", "required without a train section (the model to score)");
      }
      if (train.target() != TrainSettings.Target.SAGEMAKER) {
        throw TrainsetException.config(
            "evaluate", "scoring the model of an Azure ML training job is not built yet; set evaluate.model to an XGBoost model");
      }
      if (!train.waitForJob()) {
        throw TrainsetException.config("train.wait", "evaluate needs the trained model: set train.wait: true");
      }
    }
    return s;
  }
}
