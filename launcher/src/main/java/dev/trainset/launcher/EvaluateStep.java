package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.training.SageMakerTransform;
import dev.trainset.launcher.training.TrainSettings;
import dev.trainset.launcher.training.Training;
import dev.trainset.launcher.training.TrainingSet;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.pipelines.evaluate.Evaluation;
import dev.trainset.transforms.evaluate.Metrics;
import dev.trainset.transforms.evaluate.NotAModel;
import dev.trainset.transforms.evaluate.Task;
import dev.trainset.transforms.evaluate.XgboostScorer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;

/** Evaluates a model on a training set, prints the short table, and gives the result line's members. */
final class EvaluateStep {
  private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 64;

  private EvaluateStep() {}

  /**
   * @param model the model's URI (file systems already set up for it)
   * @param job Beam options to score as a job on their runner; null: in this process
   */
  static ObjectNode run(EvaluateSettings s, TrainingSet set, String model, Lines lines, PipelineOptions job) {
    return run(s, set, model, lines, job, null);
  }

  /**
   * As {@link #run(EvaluateSettings, TrainingSet, String, Lines, PipelineOptions)}; with {@code --scorer sagemaker},
   * {@code sagemaker} holds the account's settings (the {@code train.sagemaker} keys: region, role, instance type,
   * output path, endpoint).
   */
  static ObjectNode run(EvaluateSettings s, TrainingSet set, String model, Lines lines, PipelineOptions job, TrainSettings sagemaker) {
    if (s.scorer().equals(EvaluateSettings.SAGEMAKER)) {
      return transformed(s, set, model, lines, sagemaker);
    }
    XgboostScorer scorer;
    try {
      scorer = XgboostScorer.load(read(model), "--model '" + model + "'");
    } catch (NotAModel e) {
      throw TrainsetException.data(e.getMessage());
    }
    lines.info("evaluating " + model + " on the " + s.split() + " split (local scorer, "
        + (job == null ? "in this process)" : "on " + job.getRunner().getSimpleName() + ")"));
    Evaluation.Outcome o =
        Evaluation.run(
            new Evaluation.Request(set.root(), set.manifest(), set.sha256(), s.split(), scorer, model, s.scorer(), s.task(), s.threshold(), Trainset.version()),
            job);
    return report(s, model, lines, o);
  }

  private static ObjectNode transformed(EvaluateSettings s, TrainingSet set, String model, Lines lines, TrainSettings t) {
    lines.info("evaluating " + model + " on the " + s.split() + " split (a SageMaker batch transform of its features-csv files)");
    SageMakerTransform.Outcome done = new SageMakerTransform(t.sagemaker(), set, s.split(), model).run(t.pollSeconds(), lines::info);
    if (!done.status().succeeded()) {
      ObjectNode failed = new ObjectMapper().createObjectNode();
      failed.put("status", "failed");
      failed.put("transformJobName", done.jobName());
      failed.put("transformJobStatus", done.status().status());
      throw new Training.TrainingFailed(
          "the SageMaker batch transform job " + done.jobName() + " ended " + done.status().status()
              + (done.status().failureReason() == null ? "" : ": " + done.status().failureReason()),
          failed);
    }
    Evaluation.Outcome o =
        Evaluation.fromPredictions(
            new Evaluation.Request(set.root(), set.manifest(), set.sha256(), s.split(), null, model, s.scorer(), s.task(), s.threshold(), Trainset.version()),
            done.predictions());
    ObjectNode result = report(s, model, lines, o);
    result.put("transformJobName", done.jobName());
    result.put("modelName", done.modelName());
    result.put("created", done.created());
    return result;
  }

  private static ObjectNode report(EvaluateSettings s, String model, Lines lines, Evaluation.Outcome o) {
    Metrics.Result r = o.result();
    lines.info(o.task().configName() + " model on " + String.format("%,d", r.rows()) + " rows of " + s.split()
        + (o.task() == Task.BINARY ? " (class 1 from p >= " + s.threshold() + ")" : "") + ":");
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
    result.put("model", model);
    result.put("task", o.task().configName());
    result.put("split", s.split());
    result.put("rows", r.rows());
    ObjectNode metrics = result.putObject("metrics");
    r.metrics().forEach((k, v) -> {
      if (Double.isFinite(v)) {
        metrics.put(k, v);
      } else {
        metrics.putNull(k);
      }
    });
    return result;
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

  private static byte[] read(String uri) {
    try {
      MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(uri);
      if (meta.sizeBytes() > MAX_MODEL_BYTES) {
        throw TrainsetException.data("--model '" + uri + "': " + meta.sizeBytes() + " bytes, more than the 2 GiB a model may have");
      }
      try (InputStream in = Channels.newInputStream(FileSystems.open(meta.resourceId()))) {
        return in.readAllBytes();
      }
    } catch (FileNotFoundException e) {
      throw TrainsetException.data("--model '" + uri + "': no such file");
    } catch (IOException e) {
      throw TrainsetException.data("--model '" + uri + "': cannot read it (" + e.getMessage() + ")");
    }
  }
}
