package dev.trainset.launcher.training;

import dev.trainset.pipelines.batch.Manifest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.TrainsetException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClientBuilder;
import software.amazon.awssdk.services.sagemaker.model.AlgorithmSpecification;
import software.amazon.awssdk.services.sagemaker.model.Channel;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.ResourceInUseException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * Starts (or finds) a SageMaker training job on a training set in S3 and follows it, with AWS SDK v2's
 * {@link SageMakerClient}: credentials from the default chain, throttling and 5xx retried by the SDK.
 *
 * <p>One channel per configured split ({@code train}, {@code validation}; {@code test} only when asked), each an
 * {@code S3Prefix} over the split's folder of the chosen format, with its {@code ContentType} always set (omitted, it
 * means libsvm to the built-in algorithms). Before anything is sent, the data is checked against the built-in
 * XGBoost's contract: label first, no header, numbers only, uncompressed unless in Pipe mode.
 */
public final class SageMakerTrainer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The registries of SageMaker's XGBoost images per region (as the SageMaker Python SDK resolves them:
   * {@code <account>.dkr.ecr.<region>.amazonaws.com/sagemaker-xgboost:<version>}).
   */
  static final Map<String, String> XGBOOST_REGISTRIES =
      Map.ofEntries(
          Map.entry("af-south-1", "510948584623"),
          Map.entry("ap-east-1", "651117190479"),
          Map.entry("ap-northeast-1", "354813040037"),
          Map.entry("ap-northeast-2", "366743142698"),
          Map.entry("ap-south-1", "720646828776"),
          Map.entry("ap-southeast-1", "121021644041"),
          Map.entry("ap-southeast-2", "783357654285"),
          Map.entry("ca-central-1", "341280168497"),
          Map.entry("cn-north-1", "450853457545"),
          Map.entry("cn-northwest-1", "451049120500"),
          Map.entry("eu-central-1", "492215442770"),
          Map.entry("eu-north-1", "662702820516"),
          Map.entry("eu-west-1", "141502667606"),
          Map.entry("eu-west-2", "764974769150"),
          Map.entry("eu-west-3", "659782779980"),
          Map.entry("me-south-1", "801668240914"),
          Map.entry("sa-east-1", "737474898029"),
          Map.entry("us-east-1", "683313688378"),
          Map.entry("us-east-2", "257758044811"),
          Map.entry("us-gov-west-1", "414596584902"),
          Map.entry("us-west-1", "746614075791"),
          Map.entry("us-west-2", "246618743249"));

  private final TrainSettings.SageMaker s;
  private final TrainingSet set;
  private final String jobName;
  private final String region;

  public SageMakerTrainer(TrainSettings.SageMaker settings, TrainingSet set, String jobName) {
    this.s = settings;
    this.set = set;
    this.jobName = jobName;
    this.region = settings.region() != null ? settings.region() : chainRegion();
  }

  /** The region the job runs in: the setting, else the default chain's. */
  String region() {
    return region;
  }

  private static String chainRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion().id();
    } catch (RuntimeException e) {
      throw TrainsetException.config("train.sagemaker.region", "no AWS region: set it, or AWS_REGION, or a profile's region");
    }
  }

  /** The CreateTrainingJob request, after the checks; nothing is sent. */
  public CreateTrainingJobRequest request() {
    if (!set.root().startsWith("s3://")) {
      throw TrainsetException.config(
          "train.target", "SageMaker reads training data from S3, and the training set is at " + set.root()
              + "; write it there (--output s3://...) or copy it: trainset export --from " + set.root() + " --to s3://...");
    }
    String format = s.format() != null ? s.format() : set.output(s.channels().get(0), "sagemaker-csv") != null ? "sagemaker-csv" : "parquet";
    boolean builtIn = s.image() == null;
    String image = builtIn ? builtInImage() : s.image();
    if (builtIn) {
      checkXgboostContract(format);
    }
    List<Channel> channels = new ArrayList<>();
    for (String name : s.channels()) {
      Manifest.Output out = set.output(name, format);
      if (out == null) {
        throw TrainsetException.config(
            "train.sagemaker.channels", "the training set has no " + format + " output for split '" + name + "' (it has splits " + set.splits()
                + "); export it with: trainset export --from " + set.root() + " --to ... --format " + format);
      }
      boolean gzip = "gzip".equals(out.compression());
      if (gzip && !s.inputMode().equals("Pipe")) {
        throw TrainsetException.config(
            "train.sagemaker.inputMode", "split '" + name + "' is gzip-compressed CSV, which SageMaker decompresses only in Pipe mode; set inputMode: Pipe or export with --compression none");
      }
      Channel.Builder c =
          Channel.builder()
              .channelName(name)
              .dataSource(d -> d.s3DataSource(x -> x.s3DataType("S3Prefix").s3Uri(out.path()).s3DataDistributionType("FullyReplicated")))
              .contentType(out.contentType());
      if (s.inputMode().equals("Pipe")) {
        c.compressionType(gzip ? "Gzip" : "None");
      }
      channels.add(c.build());
    }
    List<Tag> tags =
        List.of(
            Tag.builder().key("trainset:run-id").value(set.runId()).build(),
            Tag.builder().key("trainset:manifest-sha256").value(set.sha256()).build());
    return CreateTrainingJobRequest.builder()
        .trainingJobName(jobName)
        .roleArn(s.roleArn())
        .algorithmSpecification(AlgorithmSpecification.builder().trainingImage(image).trainingInputMode(s.inputMode()).build())
        .hyperParameters(s.hyperParameters().isEmpty() ? null : s.hyperParameters())
        .inputDataConfig(channels)
        .outputDataConfig(o -> o.s3OutputPath(s.outputPath()))
        .resourceConfig(r -> r.instanceType(s.instanceType()).instanceCount(s.instanceCount()).volumeSizeInGB(s.volumeSizeGb()))
        .stoppingCondition(c -> c.maxRuntimeInSeconds((int) s.maxRuntimeSeconds()))
        .tags(tags)
        .build();
  }

  String builtInImage() {
    if (!"xgboost".equalsIgnoreCase(s.algorithm())) {
      throw TrainsetException.config(
          "train.sagemaker.algorithm", "unknown built-in algorithm '" + s.algorithm() + "' (known: xgboost); for any other, give train.sagemaker.image");
    }
    String account = XGBOOST_REGISTRIES.get(region);
    if (account == null) {
      throw TrainsetException.config(
          "train.sagemaker.image", "no XGBoost image is known for region " + region + "; give the full image URI");
    }
    String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return account + ".dkr.ecr." + region + "." + domain + "/sagemaker-xgboost:" + s.algorithmVersion();
  }

  /** SageMaker's built-in XGBoost: label in the first column, no header, numbers only; num_round is required. */
  private void checkXgboostContract(String format) {
    if (set.label() == null) {
      throw TrainsetException.config("label.column", "the built-in XGBoost needs a label in the first column; the training set has none");
    }
    Manifest.Column first = set.columns().get(0);
    if (!first.name().equals(set.label())) {
      throw TrainsetException.data("the built-in XGBoost needs the label first; the training set's first column is \"" + first.name() + "\"");
    }
    for (Manifest.Column c : set.columns()) {
      String type = c.type();
      if (!type.equals("long") && !type.equals("double") && !type.equals("boolean")) {
        throw TrainsetException.data(
            "the built-in XGBoost reads numbers only, and column '" + c.name() + "' is " + type
                + " (drop it with columns.drop or encode it with output.oneHot / output.ordinal)");
      }
    }
    if (!format.equals("sagemaker-csv") && !format.equals("parquet")) {
      throw TrainsetException.config("train.sagemaker.format", "the built-in XGBoost reads sagemaker-csv or parquet");
    }
    if (!s.hyperParameters().containsKey("num_round")) {
      throw TrainsetException.config("train.sagemaker.hyperParameters.num_round", "required by the built-in XGBoost");
    }
  }

  /** The request as the JSON body the SDK sends (awsJson1.1: PascalCase members, nulls left out). */
  public static ObjectNode body(CreateTrainingJobRequest r) {
    ObjectNode b = JSON.createObjectNode();
    b.put("TrainingJobName", r.trainingJobName());
    if (r.hasHyperParameters()) {
      ObjectNode h = b.putObject("HyperParameters");
      r.hyperParameters().forEach(h::put);
    }
    b.putObject("AlgorithmSpecification")
        .put("TrainingImage", r.algorithmSpecification().trainingImage())
        .put("TrainingInputMode", r.algorithmSpecification().trainingInputModeAsString());
    b.put("RoleArn", r.roleArn());
    ArrayNode in = b.putArray("InputDataConfig");
    for (Channel c : r.inputDataConfig()) {
      ObjectNode cn = in.addObject();
      cn.put("ChannelName", c.channelName());
      cn.putObject("DataSource")
          .putObject("S3DataSource")
          .put("S3DataType", c.dataSource().s3DataSource().s3DataTypeAsString())
          .put("S3Uri", c.dataSource().s3DataSource().s3Uri())
          .put("S3DataDistributionType", c.dataSource().s3DataSource().s3DataDistributionTypeAsString());
      cn.put("ContentType", c.contentType());
      if (c.compressionType() != null) {
        cn.put("CompressionType", c.compressionTypeAsString());
      }
    }
    b.putObject("OutputDataConfig").put("S3OutputPath", r.outputDataConfig().s3OutputPath());
    b.putObject("ResourceConfig")
        .put("InstanceType", r.resourceConfig().instanceTypeAsString())
        .put("InstanceCount", r.resourceConfig().instanceCount())
        .put("VolumeSizeInGB", r.resourceConfig().volumeSizeInGB());
    b.putObject("StoppingCondition").put("MaxRuntimeInSeconds", r.stoppingCondition().maxRuntimeInSeconds());
    ArrayNode tags = b.putArray("Tags");
    r.tags().forEach(t -> tags.addObject().put("Key", t.key()).put("Value", t.value()));
    return b;
  }

  /** Creates the job, or finds the one an earlier attempt created; follows it when {@code wait}. */
  public Outcome run(boolean wait, double pollSeconds, Consumer<String> report) {
    CreateTrainingJobRequest request = request();
    SageMakerClientBuilder builder = SageMakerClient.builder().region(Region.of(region));
    if (s.endpoint() != null) {
      builder.endpointOverride(URI.create(s.endpoint()));
    }
    String where = s.endpoint() != null ? s.endpoint() : "SageMaker in " + region;
    try (SageMakerClient client = builder.build()) {
      String arn;
      boolean created;
      try {
        arn = client.createTrainingJob(request).trainingJobArn();
        created = true;
        report.accept("created SageMaker training job " + jobName);
      } catch (ResourceInUseException e) {
        arn = client.describeTrainingJob(d -> d.trainingJobName(jobName)).trainingJobArn();
        created = false;
        report.accept("SageMaker training job " + jobName + " exists already (an earlier attempt); following it, not starting another");
      }
      if (!wait) {
        return new Outcome(jobName, arn, created, null, null);
      }
      DescribeTrainingJobResponse[] last = new DescribeTrainingJobResponse[1];
      JobStatus end =
          Follow.until(
              () -> {
                DescribeTrainingJobResponse d = client.describeTrainingJob(x -> x.trainingJobName(jobName));
                last[0] = d;
                String st = d.trainingJobStatusAsString();
                boolean terminal = st.equals("Completed") || st.equals("Failed") || st.equals("Stopped");
                return new JobStatus(st, d.secondaryStatusAsString(), terminal, st.equals("Completed"), d.failureReason());
              },
              pollSeconds,
              report);
      String model = last[0].modelArtifacts() == null ? null : last[0].modelArtifacts().s3ModelArtifacts();
      return new Outcome(jobName, arn, created, end, model);
    } catch (SageMakerException e) {
      throw refused(where, "the training job " + jobName, e);
    } catch (SdkClientException e) {
      throw unreachable(where, e);
    }
  }

  /** SageMaker's answer refusing a request, as one line: where, what, its error code and message. */
  static TrainsetException refused(String where, String what, SageMakerException e) {
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String msg = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    return new TrainsetException(TrainsetException.USAGE, where + " refused " + what + ": " + code + ": " + msg);
  }

  /** The SDK could not reach SageMaker, or found no credentials, as one line. */
  static TrainsetException unreachable(String where, SdkClientException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("Unable to load credentials")) {
      return new TrainsetException(TrainsetException.USAGE, "no AWS credentials found for SageMaker (the default chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, the instance or task role)");
    }
    return new TrainsetException(TrainsetException.USAGE, "cannot reach " + where + " (" + m.split("\n")[0] + ")");
  }
}
