package dev.trainset.launcher.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.pipelines.config.ConfigNode;
import dev.trainset.pipelines.config.TrainsetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code train} section of a run file (every key also a flag: {@code --train.sagemaker.roleArn=...}), validated
 * once into typed values. README "Training" documents each key.
 *
 * @param target where to train, or null when the section is absent (no training step)
 * @param waitForJob follow the job to its end ({@code train.wait})
 * @param pollSeconds the longest pause between two status requests (the first ones come sooner)
 */
public record TrainSettings(Target target, boolean waitForJob, double pollSeconds, SageMaker sagemaker, AzureMl azureml) {
  public enum Target {
    SAGEMAKER,
    AZUREML;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param algorithm a built-in algorithm ({@code xgboost}), or null when {@code image} is given
   * @param image a full training image URI, or null
   * @param format which output of the training set to train on: {@code sagemaker-csv} or {@code parquet}
   */
  public record SageMaker(
      String algorithm,
      String algorithmVersion,
      String image,
      String region,
      String roleArn,
      String instanceType,
      int instanceCount,
      int volumeSizeGb,
      long maxRuntimeSeconds,
      String outputPath,
      List<String> channels,
      Map<String, String> hyperParameters,
      String endpoint,
      String inputMode,
      String format) {}

  public enum JobKind {
    AUTOML,
    COMMAND
  }

  public enum Task {
    CLASSIFICATION,
    REGRESSION
  }

  /**
   * @param datastore an Azure ML datastore over the container: inputs become {@code azureml://datastores/<name>/paths/...};
   *     null: {@code wasbs://} URIs
   */
  public record AzureMl(
      String subscriptionId,
      String resourceGroup,
      String workspace,
      JobKind job,
      Task task,
      String primaryMetric,
      String computeId,
      String command,
      String environmentId,
      String endpoint,
      String experimentName,
      String datastore,
      String targetColumn,
      List<String> channels) {}

  public static final String DEFAULT_ARM = "https://management.azure.com";

  /** The {@code train} section of a merged configuration tree; a tree without it gives a null target. */
  public static TrainSettings from(JsonNode root) {
    ConfigNode train = ConfigNode.root(root).object("train").allowOnly("target", "wait", "pollSeconds", "sagemaker", "azureml");
    Target target = train.enumValue("target", Target.class, null);
    if (train.present() && target == null) {
      throw TrainsetException.config("train.target", "required: sagemaker or azureml");
    }
    double poll = train.has("pollSeconds") ? Double.parseDouble(train.string("pollSeconds", "30")) : 30;
    if (!(poll > 0)) {
      throw TrainsetException.config("train.pollSeconds", "expected a number of seconds above 0");
    }

    ConfigNode sm =
        train.object("sagemaker")
            .allowOnly(
                "algorithm", "algorithmVersion", "image", "region", "roleArn", "instanceType", "instanceCount", "volumeSizeGb",
                "maxRuntimeSeconds", "outputPath", "channels", "hyperParameters", "endpoint", "inputMode", "format");
    String image = sm.string("image", null);
    String algorithm = sm.string("algorithm", image == null ? "xgboost" : null);
    if (image != null && sm.has("algorithm")) {
      throw TrainsetException.config("train.sagemaker.image", "give either algorithm or image, not both");
    }
    String inputMode = sm.string("inputMode", "File");
    if (!List.of("File", "Pipe", "FastFile").contains(inputMode)) {
      throw TrainsetException.config("train.sagemaker.inputMode", "expected File, Pipe or FastFile, got '" + inputMode + "'");
    }
    Map<String, String> hyper = new LinkedHashMap<>(sm.stringMap("hyperParameters"));
    if (hyper.size() > 100) {
      throw TrainsetException.config("train.sagemaker.hyperParameters", "SageMaker takes at most 100, got " + hyper.size());
    }
    for (Map.Entry<String, String> e : hyper.entrySet()) {
      if (e.getKey().length() > 256 || e.getValue().length() > 256) {
        throw TrainsetException.config("train.sagemaker.hyperParameters." + e.getKey(), "keys and values are at most 256 characters");
      }
    }
    String format = sm.string("format", null);
    if (format != null && !format.equals("sagemaker-csv") && !format.equals("parquet")) {
      throw TrainsetException.config("train.sagemaker.format", "expected sagemaker-csv or parquet, got '" + format + "'");
    }
    SageMaker sagemaker =
        new SageMaker(
            algorithm,
            sm.string("algorithmVersion", "1.7-1"),
            image,
            sm.string("region", null),
            sm.string("roleArn", null),
            sm.string("instanceType", "ml.m5.xlarge"),
            (int) sm.longValue("instanceCount", 1, 1),
            (int) sm.longValue("volumeSizeGb", 10, 1),
            sm.longValue("maxRuntimeSeconds", 3600, 1),
            sm.string("outputPath", null),
            sm.strings("channels", List.of("train", "validation")),
            hyper,
            sm.string("endpoint", null),
            inputMode,
            format);

    ConfigNode az =
        train.object("azureml")
            .allowOnly(
                "subscriptionId", "resourceGroup", "workspace", "job", "task", "primaryMetric", "computeId", "command",
                "environmentId", "endpoint", "experimentName", "datastore", "targetColumn", "channels");
    JobKind kind = az.enumValue("job", JobKind.class, JobKind.AUTOML);
    Task task = az.enumValue("task", Task.class, Task.CLASSIFICATION);
    String workspace = az.string("workspace", null);
    if (workspace != null && !workspace.matches("[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}")) {
      throw TrainsetException.config("train.azureml.workspace", "'" + workspace + "' is not a workspace name (3 to 33 letters, digits, _ and -)");
    }
    AzureMl azureml =
        new AzureMl(
            az.string("subscriptionId", null),
            az.string("resourceGroup", null),
            workspace,
            kind,
            task,
            az.string("primaryMetric", task == Task.CLASSIFICATION ? "AUCWeighted" : "NormalizedRootMeanSquaredError"),
            az.string("computeId", null),
            az.string("command", null),
            az.string("environmentId", null),
            trimSlash(az.string("endpoint", DEFAULT_ARM)),
            az.string("experimentName", "trainset"),
            az.string("datastore", null),
            az.string("targetColumn", null),
            az.strings("channels", List.of("train", "validation")));
    return new TrainSettings(target, train.bool("wait", false), poll, sagemaker, azureml);
  }

  /** {@link #from}, with the keys its target needs checked when it names one (a run file's train section). */
  public static TrainSettings checked(JsonNode root) {
    TrainSettings t = from(root);
    if (t.target() != null) {
      t.requireFor(t.target());
    }
    return t;
  }

  /** Checks the keys the chosen target needs; each missing one is named. */
  public void requireFor(Target t) {
    if (t == Target.SAGEMAKER) {
      require("train.sagemaker.roleArn", sagemaker.roleArn());
      require("train.sagemaker.outputPath", sagemaker.outputPath());
      if (!sagemaker.outputPath().startsWith("s3://")) {
        throw TrainsetException.config("train.sagemaker.outputPath", "expected an s3:// URI, got '" + sagemaker.outputPath() + "'");
      }
    } else {
      require("train.azureml.subscriptionId", azureml.subscriptionId());
      require("train.azureml.resourceGroup", azureml.resourceGroup());
      require("train.azureml.workspace", azureml.workspace());
      require("train.azureml.computeId", azureml.computeId());
      if (azureml.job() == JobKind.COMMAND) {
        require("train.azureml.command", azureml.command());
        require("train.azureml.environmentId", azureml.environmentId());
      }
    }
  }

  private static void require(String key, String value) {
    if (value == null || value.isBlank()) {
      throw TrainsetException.config(key, "required for this training target");
    }
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
