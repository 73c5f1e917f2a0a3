package dev.trainset.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * A protocol stand-in for the SageMaker control plane (there is no local SageMaker): an HTTP server on 127.0.0.1
 * that speaks awsJson1.1 as the AWS SDK sends it (components.md §6: {@code POST /}, the operation in
 * {@code X-Amz-Target}, PascalCase JSON). It checks every CreateTrainingJob against the documented request shape
 * (../shared/docs/training-apis.md: required members, name patterns, enum values, limits) and answers a
 * {@code ValidationException} when it breaks one, records every request, and plays a scripted lifecycle per job
 * (DescribeTrainingJob answers the next status each time). A repeated name gets {@code ResourceInUse}, as SageMaker
 * answers; {@link #throttleNextCreates} answers {@code ThrottlingException} first.
 */
final class SageMakerStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JOB_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
  private static final Pattern ROLE = Pattern.compile("^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$");
  private static final Pattern CHANNEL = Pattern.compile("^[A-Za-z0-9.\\-_]{1,64}$");
  private static final Set<String> INPUT_MODES = Set.of("Pipe", "File", "FastFile");
  private static final Set<String> S3_DATA_TYPES = Set.of("S3Prefix", "ManifestFile", "AugmentedManifestFile");
  private static final Set<String> DISTRIBUTIONS = Set.of("FullyReplicated", "ShardedByS3Key");
  private static final Set<String> CONTENT_TYPES = Set.of("text/csv", "application/x-parquet", "text/libsvm", "application/x-recordio-protobuf");

  /** A recorded request: the operation and its body. */
  record Request(String target, JsonNode body, String authorization) {}

  /** One status a DescribeTrainingJob answers. */
  record Status(String status, String secondary, String failureReason) {}

  private final HttpServer server;
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Deque<Status>> lifecycles = new LinkedHashMap<>();
  private final Map<String, JsonNode> jobs = new LinkedHashMap<>();
  private List<Status> nextScript = completes();
  /**
   * Called with a job's S3ModelArtifacts URI and its CreateTrainingJob request when DescribeTrainingJob first answers
   * Completed: a test writes the model there, as a SageMaker training job does before it completes (null: none).
   */
  volatile BiConsumer<String, JsonNode> onCompleted;
  private final Set<String> completed = Collections.synchronizedSet(new HashSet<>());
  private int throttle;

  static List<Status> completes() {
    return List.of(
        new Status("InProgress", "Starting", null),
        new Status("InProgress", "Downloading", null),
        new Status("InProgress", "Training", null),
        new Status("Completed", "Completed", null));
  }

  static List<Status> fails(String reason) {
    return List.of(new Status("InProgress", "Starting", null), new Status("InProgress", "Training", null), new Status("Failed", "Failed", reason));
  }

  SageMakerStandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The lifecycle of the next job created. */
  synchronized void script(List<Status> statuses) {
    nextScript = statuses;
  }

  synchronized void throttleNextCreates(int n) {
    throttle = n;
  }

  synchronized Map<String, JsonNode> jobs() {
    return new LinkedHashMap<>(jobs);
  }

  List<Request> requests(String operation) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.target().equals("SageMaker." + operation)).toList();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
    JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
    requests.add(new Request(String.valueOf(target), body, ex.getRequestHeaders().getFirst("Authorization")));
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (!"POST".equals(ex.getRequestMethod()) || !"/".equals(ex.getRequestURI().getPath())
        || !String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).startsWith("application/x-amz-json-1.1")) {
      reply(ex, 400, error("SerializationException", "expected POST / with application/x-amz-json-1.1"));
      return;
    }
    if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
      reply(ex, 403, error("MissingAuthenticationTokenException", "Missing Authentication Token"));
      return;
    }
    synchronized (this) {
      switch (String.valueOf(target)) {
        case "SageMaker.CreateTrainingJob" -> create(ex, body);
        case "SageMaker.DescribeTrainingJob" -> describe(ex, body);
        case "SageMaker.CreateModel" -> createModel(ex, body);
        case "SageMaker.CreateTransformJob" -> createTransform(ex, body);
        case "SageMaker.DescribeTransformJob" -> describeTransform(ex, body);
        default -> reply(ex, 400, error("UnknownOperationException", "unknown operation " + target));
      }
    }
  }

  private void create(HttpExchange ex, JsonNode b) throws IOException {
    if (throttle > 0) {
      throttle--;
      reply(ex, 400, error("ThrottlingException", "Rate exceeded"));
      return;
    }
    List<String> problems = validate(b);
    if (!problems.isEmpty()) {
      reply(ex, 400, error("ValidationException", String.join("; ", problems)));
      return;
    }
    String name = b.get("TrainingJobName").asText();
    if (jobs.containsKey(name)) {
      reply(ex, 400, error("ResourceInUse", "Training job names must be unique within an AWS account and region, and a training job with this name already exists (" + arn(name) + ")"));
      return;
    }
    jobs.put(name, b);
    lifecycles.put(name, new ArrayDeque<>(nextScript));
    reply(ex, 200, JSON.createObjectNode().put("TrainingJobArn", arn(name)));
  }

  private void describe(HttpExchange ex, JsonNode b) throws IOException {
    String name = b.path("TrainingJobName").asText();
    JsonNode job = jobs.get(name);
    if (job == null) {
      reply(ex, 400, error("ValidationException", "Requested resource not found."));
      return;
    }
    Deque<Status> life = lifecycles.get(name);
    Status s = life.size() > 1 ? life.poll() : life.peek();
    ObjectNode r = JSON.createObjectNode();
    r.put("TrainingJobName", name);
    r.put("TrainingJobArn", arn(name));
    r.put("TrainingJobStatus", s.status());
    r.put("SecondaryStatus", s.secondary());
    r.put("CreationTime", 1.7e9);
    if (s.failureReason() != null) {
      r.put("FailureReason", s.failureReason());
    }
    r.set("AlgorithmSpecification", job.get("AlgorithmSpecification"));
    r.set("ResourceConfig", job.get("ResourceConfig"));
    r.set("StoppingCondition", job.get("StoppingCondition"));
    if (s.status().equals("Completed")) {
      String out = job.at("/OutputDataConfig/S3OutputPath").asText();
      String artifacts = (out.endsWith("/") ? out : out + "/") + name + "/output/model.tar.gz";
      BiConsumer<String, JsonNode> writer = onCompleted;
      if (writer != null && completed.add(name)) {
        writer.accept(artifacts, job);
      }
      r.putObject("ModelArtifacts").put("S3ModelArtifacts", artifacts);
    }
    reply(ex, 200, r);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Batch transform: CreateModel, CreateTransformJob, DescribeTransformJob, checked against the documented shapes
  // (SageMaker API reference: required members, name patterns, enum values).

  private static final Set<String> BATCH_STRATEGIES = Set.of("MultiRecord", "SingleRecord");
  private static final Set<String> SPLIT_TYPES = Set.of("None", "Line", "RecordIO", "TFRecord");
  private static final Set<String> COMPRESSIONS = Set.of("None", "Gzip");
  private static final Set<String> ASSEMBLE = Set.of("None", "Line");
  final Map<String, JsonNode> models = new LinkedHashMap<>();
  final Map<String, JsonNode> transforms = new LinkedHashMap<>();
  private final Map<String, Deque<Status>> transformLives = new LinkedHashMap<>();
  private List<Status> nextTransformScript = List.of(new Status("InProgress", null, null), new Status("Completed", null, null));
  /** Called with a transform job's request when it first answers Completed: a test writes the .out files then. */
  volatile java.util.function.Consumer<JsonNode> onTransformCompleted;

  synchronized void scriptTransform(List<Status> statuses) {
    nextTransformScript = statuses;
  }

  static List<String> validateModel(JsonNode b) {
    List<String> p = new ArrayList<>();
    if (!JOB_NAME.matcher(b.path("ModelName").asText("")).matches()) {
      p.add("ModelName '" + b.path("ModelName").asText("") + "' does not match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    }
    if (!ROLE.matcher(b.path("ExecutionRoleArn").asText("")).matches()) {
      p.add("ExecutionRoleArn is not an IAM role ARN");
    }
    JsonNode c = b.path("PrimaryContainer");
    if (c.path("Image").asText("").isEmpty()) {
      p.add("PrimaryContainer.Image is required");
    }
    if (!c.path("ModelDataUrl").asText("").startsWith("s3://")) {
      p.add("PrimaryContainer.ModelDataUrl must be an s3:// URI");
    }
    return p;
  }

  static List<String> validateTransform(JsonNode b) {
    List<String> p = new ArrayList<>();
    if (!JOB_NAME.matcher(b.path("TransformJobName").asText("")).matches()) {
      p.add("TransformJobName '" + b.path("TransformJobName").asText("") + "' does not match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    }
    if (!JOB_NAME.matcher(b.path("ModelName").asText("")).matches()) {
      p.add("ModelName is required");
    }
    if (b.has("BatchStrategy") && !BATCH_STRATEGIES.contains(b.get("BatchStrategy").asText())) {
      p.add("BatchStrategy must be one of " + BATCH_STRATEGIES);
    }
    JsonNode in = b.path("TransformInput");
    JsonNode src = in.path("DataSource").path("S3DataSource");
    if (!S3_DATA_TYPES.contains(src.path("S3DataType").asText("")) || !src.path("S3Uri").asText("").startsWith("s3://")) {
      p.add("TransformInput.DataSource.S3DataSource needs an S3DataType of " + S3_DATA_TYPES + " and an s3:// S3Uri");
    }
    if (in.has("SplitType") && !SPLIT_TYPES.contains(in.get("SplitType").asText())) {
      p.add("TransformInput.SplitType must be one of " + SPLIT_TYPES);
    }
    if (in.has("CompressionType") && !COMPRESSIONS.contains(in.get("CompressionType").asText())) {
      p.add("TransformInput.CompressionType must be one of " + COMPRESSIONS);
    }
    JsonNode out = b.path("TransformOutput");
    if (!out.path("S3OutputPath").asText("").startsWith("s3://")) {
      p.add("TransformOutput.S3OutputPath must be an s3:// URI");
    }
    if (out.has("AssembleWith") && !ASSEMBLE.contains(out.get("AssembleWith").asText())) {
      p.add("TransformOutput.AssembleWith must be one of " + ASSEMBLE);
    }
    JsonNode res = b.path("TransformResources");
    if (!res.path("InstanceType").asText("").startsWith("ml.") || res.path("InstanceCount").asInt(0) < 1) {
      p.add("TransformResources needs an ml.* InstanceType and an InstanceCount of at least 1");
    }
    return p;
  }

  private void createModel(HttpExchange ex, JsonNode b) throws IOException {
    List<String> problems = validateModel(b);
    if (!problems.isEmpty()) {
      reply(ex, 400, error("ValidationException", String.join("; ", problems)));
      return;
    }
    String name = b.get("ModelName").asText();
    String arn = "arn:aws:sagemaker:us-east-1:123456789012:model/" + name.toLowerCase(java.util.Locale.ROOT);
    if (models.containsKey(name)) {
      reply(ex, 400, error("ValidationException", "Cannot create already existing model \"" + arn + "\"."));
      return;
    }
    models.put(name, b);
    reply(ex, 200, JSON.createObjectNode().put("ModelArn", arn));
  }

  private void createTransform(HttpExchange ex, JsonNode b) throws IOException {
    List<String> problems = validateTransform(b);
    if (!problems.isEmpty()) {
      reply(ex, 400, error("ValidationException", String.join("; ", problems)));
      return;
    }
    if (!models.containsKey(b.get("ModelName").asText())) {
      reply(ex, 400, error("ValidationException", "Could not find model \"" + b.get("ModelName").asText() + "\"."));
      return;
    }
    String name = b.get("TransformJobName").asText();
    String arn = "arn:aws:sagemaker:us-east-1:123456789012:transform-job/" + name.toLowerCase(java.util.Locale.ROOT);
    if (transforms.containsKey(name)) {
      reply(ex, 400, error("ResourceInUse", "Job name must be unique within an AWS account and region, and a job with this name already exists (" + arn + ")"));
      return;
    }
    transforms.put(name, b);
    transformLives.put(name, new ArrayDeque<>(nextTransformScript));
    reply(ex, 200, JSON.createObjectNode().put("TransformJobArn", arn));
  }

  private void describeTransform(HttpExchange ex, JsonNode b) throws IOException {
    String name = b.path("TransformJobName").asText();
    JsonNode job = transforms.get(name);
    if (job == null) {
      reply(ex, 400, error("ValidationException", "Could not find requested job with name " + name));
      return;
    }
    Deque<Status> life = transformLives.get(name);
    Status s = life.size() > 1 ? life.poll() : life.peek();
    if (s.status().equals("Completed") && completed.add("transform/" + name)) {
      java.util.function.Consumer<JsonNode> writer = onTransformCompleted;
      if (writer != null) {
        writer.accept(job);
      }
    }
    ObjectNode r = JSON.createObjectNode();
    r.put("TransformJobName", name);
    r.put("TransformJobArn", "arn:aws:sagemaker:us-east-1:123456789012:transform-job/" + name.toLowerCase(java.util.Locale.ROOT));
    r.put("TransformJobStatus", s.status());
    r.put("ModelName", job.get("ModelName").asText());
    r.put("CreationTime", 1.7e9);
    if (s.failureReason() != null) {
      r.put("FailureReason", s.failureReason());
    }
    r.set("TransformInput", job.get("TransformInput"));
    r.set("TransformOutput", job.get("TransformOutput"));
    r.set("TransformResources", job.get("TransformResources"));
    reply(ex, 200, r);
  }

  /** The documented CreateTrainingJob shape (training-apis.md). */
  static List<String> validate(JsonNode b) {
    List<String> p = new ArrayList<>();
    String name = b.path("TrainingJobName").asText("");
    if (!JOB_NAME.matcher(name).matches()) {
      p.add("TrainingJobName '" + name + "' does not match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    }
    if (!ROLE.matcher(b.path("RoleArn").asText("")).matches()) {
      p.add("RoleArn is not an IAM role ARN");
    }
    JsonNode alg = b.path("AlgorithmSpecification");
    if (alg.path("TrainingImage").asText("").isEmpty() && alg.path("AlgorithmName").asText("").isEmpty()) {
      p.add("AlgorithmSpecification needs TrainingImage or AlgorithmName");
    }
    String mode = alg.path("TrainingInputMode").asText("");
    if (!INPUT_MODES.contains(mode)) {
      p.add("TrainingInputMode '" + mode + "' is not one of " + INPUT_MODES);
    }
    JsonNode hp = b.path("HyperParameters");
    if (hp.size() > 100) {
      p.add("more than 100 HyperParameters");
    }
    hp.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual() || e.getValue().asText().length() > 256 || e.getKey().length() > 256) {
        p.add("HyperParameters." + e.getKey() + " must be a string of at most 256 characters");
      }
    });
    JsonNode in = b.path("InputDataConfig");
    if (!in.isArray() || in.size() < 1 || in.size() > 20) {
      p.add("InputDataConfig needs 1 to 20 channels");
    }
    for (JsonNode c : in) {
      String cn = c.path("ChannelName").asText("");
      if (!CHANNEL.matcher(cn).matches()) {
        p.add("ChannelName '" + cn + "' does not match [A-Za-z0-9.-_]+");
      }
      JsonNode s3 = c.path("DataSource").path("S3DataSource");
      if (!S3_DATA_TYPES.contains(s3.path("S3DataType").asText())) {
        p.add(cn + ": S3DataType not one of " + S3_DATA_TYPES);
      }
      if (!s3.path("S3Uri").asText("").startsWith("s3://")) {
        p.add(cn + ": S3Uri must be an s3:// URI");
      }
      if (s3.has("S3DataDistributionType") && !DISTRIBUTIONS.contains(s3.get("S3DataDistributionType").asText())) {
        p.add(cn + ": S3DataDistributionType not one of " + DISTRIBUTIONS);
      }
      if (c.has("ContentType") && !CONTENT_TYPES.contains(c.get("ContentType").asText())) {
        p.add(cn + ": ContentType " + c.get("ContentType") + " is not one the built-in algorithms read");
      }
      if (c.has("CompressionType") && !Set.of("None", "Gzip").contains(c.get("CompressionType").asText())) {
        p.add(cn + ": CompressionType not None or Gzip");
      }
    }
    if (!b.path("OutputDataConfig").path("S3OutputPath").asText("").startsWith("s3://")) {
      p.add("OutputDataConfig.S3OutputPath must be an s3:// URI");
    }
    JsonNode rc = b.path("ResourceConfig");
    if (!rc.path("InstanceType").asText("").startsWith("ml.")) {
      p.add("ResourceConfig.InstanceType must be an ml.* instance type");
    }
    if (rc.path("InstanceCount").asInt(0) < 1 || rc.path("VolumeSizeInGB").asInt(0) < 1) {
      p.add("ResourceConfig.InstanceCount and VolumeSizeInGB must be at least 1");
    }
    if (b.path("StoppingCondition").path("MaxRuntimeInSeconds").asInt(0) < 1) {
      p.add("StoppingCondition.MaxRuntimeInSeconds must be at least 1");
    }
    for (JsonNode t : b.path("Tags")) {
      if (t.path("Key").asText("").isEmpty() || t.path("Key").asText().length() > 128 || t.path("Value").asText("").length() > 256) {
        p.add("Tag " + t + " breaks the key/value limits");
      }
    }
    return p;
  }

  private static String arn(String name) {
    return "arn:aws:sagemaker:us-east-1:123456789012:training-job/" + name.toLowerCase(java.util.Locale.ROOT);
  }

  private static ObjectNode error(String type, String message) {
    return JSON.createObjectNode().put("__type", type).put("message", message);
  }

  private static void reply(HttpExchange ex, int code, JsonNode body) throws IOException {
    byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
