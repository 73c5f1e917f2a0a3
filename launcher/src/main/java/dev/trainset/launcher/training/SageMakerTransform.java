package dev.trainset.launcher.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.Manifest;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.Sha256;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClientBuilder;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateTransformJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeTransformJobResponse;
import software.amazon.awssdk.services.sagemaker.model.ResourceInUseException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * A SageMaker batch transform of a split's {@code features-csv} files with a trained model: CreateModel (the training
 * image and its {@code model.tar.gz}), CreateTransformJob ({@code text/csv}, {@code SplitType: Line}, {@code
 * BatchStrategy: MultiRecord}, {@code AssembleWith: Line}), followed to its end like training. Names are derived from
 * the training set, split and model, so running it again finds the model and the job instead of making new ones.
 * SageMaker writes one {@code <file>.out} per input file, a prediction per line, under the output path.
 */
public final class SageMakerTransform {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final TrainSettings.SageMaker s;
  private final TrainingSet set;
  private final String split;
  private final String model;
  private final String region;

  /**
   * @param model a training job's name, or the S3 URI of a {@code model.tar.gz}
   */
  public SageMakerTransform(TrainSettings.SageMaker settings, TrainingSet set, String split, String model) {
    this.s = settings;
    this.set = set;
    this.split = split;
    this.model = model;
    this.region = settings.region() != null ? settings.region() : new SageMakerTrainer(settings, set, "x").region();
  }

  /** What the transform wrote: for each features file, the URI of its predictions. */
  public record Outcome(String modelName, String jobName, boolean created, JobStatus status, Map<String, String> predictions) {}

  /** The split's features-csv output, which the transform reads. */
  public Manifest.Output features() {
    Manifest.Output f = set.output(split, "features-csv");
    if (f == null) {
      throw TrainsetException.data(
          "split '" + split + "' has no features-csv files, which a batch transform reads: add features-csv to output.formats, or"
              + " trainset export --from " + set.root() + " --to s3://... --format features-csv,sagemaker-csv,parquet");
    }
    if (!f.path().startsWith("s3://")) {
      throw TrainsetException.config(
          "--scorer", "SageMaker reads from S3 and the training set is at " + set.root() + "; write it there or export it (trainset export)");
    }
    return f;
  }

  private String suffix(String modelData, String image) {
    return Sha256.hex(set.sha256() + "\n" + split + "\n" + modelData + "\n" + image).substring(0, 8);
  }

  static String name(String runId, String kind, String suffix) {
    String base = ("trainset-" + runId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    String tail = "-" + kind + "-" + suffix;
    return (base.length() + tail.length() > 63 ? base.substring(0, 63 - tail.length()) : base) + tail;
  }

  /** The two requests, after the checks; {@code client} resolves a training job's model (null: an S3 model). */
  public record Requests(CreateModelRequest model, CreateTransformJobRequest transform, Map<String, String> predictions) {}

  Requests requests(SageMakerClient client) {
    Manifest.Output features = features();
    String image;
    String modelData;
    if (model.startsWith("s3://")) {
      image = s.image() != null ? s.image() : new SageMakerTrainer(s, set, "x").builtInImage();
      modelData = model;
    } else {
      if (client == null) {
        throw TrainsetException.config("--model", "a training job's name needs SageMaker to look it up; give the model's s3:// URI for a dry run");
      }
      DescribeTrainingJobResponse job = client.describeTrainingJob(d -> d.trainingJobName(model));
      if (job.modelArtifacts() == null || job.modelArtifacts().s3ModelArtifacts() == null) {
        throw TrainsetException.data("--model '" + model + "': the training job has no model (status " + job.trainingJobStatusAsString() + ")");
      }
      image = job.algorithmSpecification().trainingImage();
      modelData = job.modelArtifacts().s3ModelArtifacts();
    }
    if (s.roleArn() == null || s.roleArn().isBlank()) {
      throw TrainsetException.config("train.sagemaker.roleArn", "required: the role SageMaker runs the model with");
    }
    if (s.outputPath() == null || !s.outputPath().startsWith("s3://")) {
      throw TrainsetException.config("train.sagemaker.outputPath", "required: an s3:// URI the transform writes its predictions under");
    }
    String suffix = suffix(modelData, image);
    String modelName = name(set.runId(), "model", suffix);
    String jobName = name(set.runId(), "eval", suffix);
    String out = (s.outputPath().endsWith("/") ? s.outputPath() : s.outputPath() + "/") + jobName + "/";
    List<Tag> tags =
        List.of(
            Tag.builder().key("trainset:run-id").value(set.runId()).build(),
            Tag.builder().key("trainset:manifest-sha256").value(set.sha256()).build(),
            Tag.builder().key("trainset:split").value(split).build());
    CreateModelRequest createModel =
        CreateModelRequest.builder()
            .modelName(modelName)
            .executionRoleArn(s.roleArn())
            .primaryContainer(c -> c.image(image).modelDataUrl(modelData))
            .tags(tags)
            .build();
    boolean gzip = "gzip".equals(features.compression());
    CreateTransformJobRequest transform =
        CreateTransformJobRequest.builder()
            .transformJobName(jobName)
            .modelName(modelName)
            .batchStrategy("MultiRecord")
            .transformInput(
                i -> i.dataSource(d -> d.s3DataSource(x -> x.s3DataType("S3Prefix").s3Uri(features.path())))
                    .contentType("text/csv")
                    .splitType("Line")
                    .compressionType(gzip ? "Gzip" : "None"))
            .transformOutput(o -> o.s3OutputPath(out).accept("text/csv").assembleWith("Line"))
            .transformResources(r -> r.instanceType(s.instanceType()).instanceCount(1))
            .tags(tags)
            .build();
    Map<String, String> predictions = new LinkedHashMap<>();
    for (Manifest.FileEntry f : features.files()) {
      predictions.put(f.path(), out + f.path().substring(features.path().length()) + ".out");
    }
    return new Requests(createModel, transform, predictions);
  }

  /** The two requests as SageMaker's API documents them (PascalCase members), for {@code --dry-run}. */
  public static ObjectNode body(Requests r) {
    ObjectNode b = JSON.createObjectNode();
    ObjectNode m = b.putObject("CreateModel");
    m.put("ModelName", r.model().modelName());
    m.put("ExecutionRoleArn", r.model().executionRoleArn());
    m.putObject("PrimaryContainer").put("Image", r.model().primaryContainer().image()).put("ModelDataUrl", r.model().primaryContainer().modelDataUrl());
    tags(m, r.model().tags());
    CreateTransformJobRequest t = r.transform();
    ObjectNode j = b.putObject("CreateTransformJob");
    j.put("TransformJobName", t.transformJobName());
    j.put("ModelName", t.modelName());
    j.put("BatchStrategy", t.batchStrategyAsString());
    ObjectNode in = j.putObject("TransformInput");
    in.putObject("DataSource").putObject("S3DataSource")
        .put("S3DataType", t.transformInput().dataSource().s3DataSource().s3DataTypeAsString())
        .put("S3Uri", t.transformInput().dataSource().s3DataSource().s3Uri());
    in.put("ContentType", t.transformInput().contentType());
    in.put("SplitType", t.transformInput().splitTypeAsString());
    in.put("CompressionType", t.transformInput().compressionTypeAsString());
    j.putObject("TransformOutput")
        .put("S3OutputPath", t.transformOutput().s3OutputPath())
        .put("Accept", t.transformOutput().accept())
        .put("AssembleWith", t.transformOutput().assembleWithAsString());
    j.putObject("TransformResources").put("InstanceType", t.transformResources().instanceTypeAsString()).put("InstanceCount", t.transformResources().instanceCount());
    tags(j, t.tags());
    return b;
  }

  private static void tags(ObjectNode o, List<Tag> tags) {
    ArrayNode a = o.putArray("Tags");
    tags.forEach(t -> a.addObject().put("Key", t.key()).put("Value", t.value()));
  }

  /** The requests a run would send, without sending any (an S3 model only). */
  public Requests dryRun() {
    return requests(null);
  }

  /** Creates the model and the transform job (or finds those of an earlier attempt), and follows the job to its end. */
  public Outcome run(double pollSeconds, Consumer<String> report) {
    SageMakerClientBuilder builder = SageMakerClient.builder().region(Region.of(region));
    if (s.endpoint() != null) {
      builder.endpointOverride(URI.create(s.endpoint()));
    }
    String where = s.endpoint() != null ? s.endpoint() : "SageMaker in " + region;
    try (SageMakerClient client = builder.build()) {
      Requests r = requests(client);
      String modelName = r.model().modelName();
      String jobName = r.transform().transformJobName();
      try {
        client.createModel(r.model());
        report.accept("created SageMaker model " + modelName);
      } catch (SageMakerException e) {
        if (!exists(e)) {
          throw e;
        }
        report.accept("SageMaker model " + modelName + " exists already (an earlier attempt); using it");
      }
      boolean created;
      try {
        client.createTransformJob(r.transform());
        created = true;
        report.accept("created SageMaker batch transform job " + jobName);
      } catch (ResourceInUseException e) {
        created = false;
        report.accept("SageMaker batch transform job " + jobName + " exists already (an earlier attempt); following it, not starting another");
      }
      JobStatus end =
          Follow.until(
              () -> {
                DescribeTransformJobResponse d = client.describeTransformJob(x -> x.transformJobName(jobName));
                String st = d.transformJobStatusAsString();
                boolean terminal = st.equals("Completed") || st.equals("Failed") || st.equals("Stopped");
                return new JobStatus(st, null, terminal, st.equals("Completed"), d.failureReason());
              },
              pollSeconds,
              report);
      return new Outcome(modelName, jobName, created, end, r.predictions());
    } catch (SageMakerException e) {
      throw SageMakerTrainer.refused(where, "the batch transform", e);
    } catch (SdkClientException e) {
      throw SageMakerTrainer.unreachable(where, e);
    }
  }

  /** SageMaker's answer to a CreateModel whose name is taken. */
  private static boolean exists(SageMakerException e) {
    String msg = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorMessage());
    return msg.contains("Cannot create already existing model");
  }
}
