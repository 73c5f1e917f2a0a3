package dev.trainset.launcher.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.TrainsetException;
import java.util.function.Consumer;

/**
 * The training step: reads a finished training set's manifest, then creates (or finds) and follows a job on the
 * chosen service. Shared by {@code trainset train} and the end of {@code trainset run}.
 */
public final class Training {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Training() {}

  /**
   * The job name: {@code trainset-<run id>-<8 hex of the manifest's sha256>}, so retrying the same step finds the same
   * job and a changed training set gets a new one. SageMaker's rules: 1 to 63 of {@code [a-zA-Z0-9-]}, starting and
   * ending with a letter or digit.
   */
  public static String jobName(TrainingSet set) {
    String run = set.runId().replaceAll("[^a-zA-Z0-9-]", "-").replaceAll("-+", "-").replaceAll("^-|-$", "");
    String suffix = "-" + set.sha256().substring(0, 8);
    String head = "trainset-" + run;
    if (head.length() + suffix.length() > 63) {
      head = head.substring(0, 63 - suffix.length()).replaceAll("-+$", "");
    }
    return head + suffix;
  }

  /** The result line of a dry run: the request that would be sent, and where. */
  public static ObjectNode dryRun(TrainSettings t, TrainingSet set) {
    String name = jobName(set);
    ObjectNode out = JSON.createObjectNode();
    out.put("target", t.target().configName());
    out.put("jobName", name);
    if (t.target() == TrainSettings.Target.SAGEMAKER) {
      out.put("operation", "SageMaker.CreateTrainingJob");
      out.set("body", SageMakerTrainer.body(new SageMakerTrainer(t.sagemaker(), set, name).request()));
    } else {
      AzureMlTrainer az = new AzureMlTrainer(t.azureml(), set, name);
      out.put("operation", "PUT " + az.url());
      out.set("body", az.body());
    }
    return out;
  }

  /**
   * Creates or finds the job and, with {@code t.waitForJob()}, follows it.
   *
   * @throws TrainsetException exit 4 when the job failed, stopped or was canceled
   */
  public static ObjectNode run(TrainSettings t, TrainingSet set, Consumer<String> report, String version) {
    String name = jobName(set);
    Outcome o =
        t.target() == TrainSettings.Target.SAGEMAKER
            ? new SageMakerTrainer(t.sagemaker(), set, name).run(t.waitForJob(), t.pollSeconds(), report)
            : new AzureMlTrainer(t.azureml(), set, name).run(t.waitForJob(), t.pollSeconds(), report, version);
    ObjectNode result = JSON.createObjectNode();
    result.put("target", t.target().configName());
    result.put("jobName", o.jobName());
    result.put(t.target() == TrainSettings.Target.SAGEMAKER ? "jobArn" : "jobUrl", o.jobId());
    result.put("created", o.created());
    result.put("trainingSet", set.root() + "manifest.json");
    if (o.end() == null) {
      result.put("status", "submitted");
      return result;
    }
    result.put("jobStatus", o.end().status());
    if (o.model() != null) {
      result.put("model", o.model());
    }
    if (!o.end().succeeded()) {
      String reason = o.end().failureReason() == null ? "no reason given" : o.end().failureReason();
      throw new TrainingFailed(
          t.target().configName() + " job " + o.jobName() + " ended " + o.end().status() + ": " + reason, result.put("status", "failed"));
    }
    result.put("status", "completed");
    return result;
  }

  /** A job that ended badly: exit 4, with the result line still printed. */
  public static final class TrainingFailed extends TrainsetException {
    private final transient ObjectNode result;

    public TrainingFailed(String message, ObjectNode result) {
      super(TRAINING, message);
      this.result = result;
    }

    public ObjectNode result() {
      return result;
    }
  }

}
