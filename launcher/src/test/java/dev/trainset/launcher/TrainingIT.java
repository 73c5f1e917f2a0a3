package dev.trainset.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The training hand-off, end to end: training sets written to real object stores (s3proxy, Azurite) by the jar,
 * then {@code trainset train} against PROTOCOL STAND-INS for the SageMaker and Azure ML control planes (there is no
 * local SageMaker or Azure ML; see {@link SageMakerStandIn} and {@link AzureMlStandIn}), driven by the real AWS SDK
 * and azure-core clients with credentials from their standard chains. The stand-ins check each request against the
 * documented API and record it; the tests assert on the recorded requests, the printed statuses, the exit codes and
 * the {@code TRAINSET_RESULT} line.
 */
public class TrainingIT {
  @ClassRule public static final TemporaryFolder DIRS = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(300);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "trainset-train-it";
  private static final String CONTAINER = "trainset-train-it";
  private static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerRole";

  private static ObjectStores.Server s3;
  private static ObjectStores.Server azurite;
  private static SageMakerStandIn sagemaker;
  private static AzureMlStandIn azureml;
  private static Path certs;

  @BeforeClass
  public static void start() throws Exception {
    s3 = ObjectStores.startS3(DIRS.newFolder("s3").toPath(), BUCKET);
    sagemaker = new SageMakerStandIn();
    certs = DIRS.newFolder("certs").toPath();
    AzureMlStandIn.makeCertificates(certs);
    azureml = new AzureMlStandIn(certs.resolve("standin.p12"));
    if (ObjectStores.nodeAvailable()) {
      azurite = ObjectStores.startAzurite(DIRS.newFolder("azurite").toPath(), CONTAINER);
    } else if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("Azurite needs node and npm; .ci/run should have installed them");
    }
  }

  @AfterClass
  public static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {sagemaker, azureml, s3, azurite}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static String s3Endpoint() {
    return "http://127.0.0.1:" + s3.port;
  }

  /** A run file with only the train and storage sections, for {@code trainset train --config}. */
  private static Path sagemakerConfig(String name) throws Exception {
    Path f = DIRS.getRoot().toPath().resolve(name + ".yaml");
    Files.writeString(
        f,
        String.join(
            "\n",
            "train:",
            "  target: sagemaker",
            "  pollSeconds: 0.05",
            "  sagemaker:",
            "    algorithm: xgboost",
            "    algorithmVersion: \"1.7-1\"",
            "    region: us-east-1",
            "    roleArn: " + ROLE,
            "    instanceType: ml.m5.xlarge",
            "    outputPath: s3://" + BUCKET + "/models/",
            "    hyperParameters: {objective: \"binary:logistic\", num_round: 42, eval_metric: auc}",
            "    endpoint: " + sagemaker.endpoint(),
            "storage:",
            "  s3: {endpoint: \"" + s3Endpoint() + "\"}",
            ""));
    return f;
  }

  /** The vertebral walkthrough (80/10/10, sagemaker-csv and Parquet) written to the S3 server. */
  private static String vertebralInS3(String prefix, String runId) throws Exception {
    String out = "s3://" + BUCKET + "/" + prefix + "/";
    ObjectStores.Cli r =
        ObjectStores.trainset(
            ObjectStores.credentials(),
            List.of("run", "--config", "runner-configs/examples/vertebral-column.yaml", "--output", out, "--run-id", runId,
                "--storage.s3.endpoint=" + s3Endpoint()));
    assertEquals(r.all(), 0, r.code());
    return out;
  }

  private static JsonNode result(ObjectStores.Cli r) throws Exception {
    String line = r.stdout().lines().filter(l -> l.startsWith("TRAINSET_RESULT ")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(r.all()));
    return JSON.readTree(line.substring("TRAINSET_RESULT ".length()));
  }

  @Test
  public void protocolStandIn_sagemaker_vertebralCsvInS3_createsTheXgboostJob_followsItToCompleted_andARepeatFindsIt() throws Exception {
    String set = vertebralInS3("sets/vertebral", "it-sagemaker");
    List<String> train = List.of("train", "--manifest", set, "--target", "sagemaker", "--algorithm", "xgboost", "--wait",
        "--config", sagemakerConfig("sagemaker").toString());
    ObjectStores.Cli r = ObjectStores.trainset(ObjectStores.credentials(), train);
    assertEquals(r.all(), 0, r.code());

    List<SageMakerStandIn.Request> creates = sagemaker.requests("CreateTrainingJob");
    JsonNode body = creates.get(creates.size() - 1).body();
    String job = body.get("TrainingJobName").asText();
    assertEquals(List.of(), SageMakerStandIn.validate(body));
    assertThat(job, org.hamcrest.Matchers.matchesPattern("trainset-it-sagemaker-[0-9a-f]{8}"));
    assertEquals("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", body.at("/AlgorithmSpecification/TrainingImage").asText());
    assertEquals("File", body.at("/AlgorithmSpecification/TrainingInputMode").asText());
    assertEquals(ROLE, body.get("RoleArn").asText());
    assertEquals(2, body.get("InputDataConfig").size());
    String[] channels = {"train", "validation"};
    for (int i = 0; i < 2; i++) {
      JsonNode c = body.get("InputDataConfig").get(i);
      assertEquals(channels[i], c.get("ChannelName").asText());
      assertEquals("S3Prefix", c.at("/DataSource/S3DataSource/S3DataType").asText());
      assertEquals(set + channels[i] + "/csv/", c.at("/DataSource/S3DataSource/S3Uri").asText());
      assertEquals("text/csv", c.get("ContentType").asText());
      assertFalse("CompressionType is only for Pipe mode", c.has("CompressionType"));
    }
    assertEquals(JSON.readTree("{\"objective\":\"binary:logistic\",\"num_round\":\"42\",\"eval_metric\":\"auc\"}"), body.get("HyperParameters"));
    assertEquals("s3://" + BUCKET + "/models/", body.at("/OutputDataConfig/S3OutputPath").asText());
    assertEquals("ml.m5.xlarge", body.at("/ResourceConfig/InstanceType").asText());
    assertEquals(3600, body.at("/StoppingCondition/MaxRuntimeInSeconds").asInt());
    Map<String, String> tags = new HashMap<>();
    body.get("Tags").forEach(t -> tags.put(t.get("Key").asText(), t.get("Value").asText()));
    assertEquals("it-sagemaker", tags.get("trainset:run-id"));
    assertEquals(64, tags.get("trainset:manifest-sha256").length());
    assertThat(creates.get(creates.size() - 1).authorization(), containsString("Credential=" + ObjectStores.S3_ACCESS_KEY + "/"));

    // Status changes on stderr, in order; the result line on stdout.
    String err = r.stderr();
    int a = err.indexOf("status: InProgress (Starting)");
    int b = err.indexOf("status: InProgress (Training)");
    int c = err.indexOf("status: Completed (Completed)");
    assertTrue(err, a >= 0 && a < b && b < c);
    JsonNode res = result(r);
    assertEquals("completed", res.get("status").asText());
    assertEquals("sagemaker", res.get("target").asText());
    assertEquals(job, res.get("jobName").asText());
    assertEquals("arn:aws:sagemaker:us-east-1:123456789012:training-job/" + job, res.get("jobArn").asText());
    assertEquals("s3://" + BUCKET + "/models/" + job + "/output/model.tar.gz", res.get("model").asText());
    assertEquals(set + "manifest.json", res.get("trainingSet").asText());
    assertThat(r.all(), not(containsString(ObjectStores.S3_SECRET_KEY)));

    // The same step again: SageMaker answers ResourceInUse, trainset follows the existing job, no second one.
    // With --verbose (the AWS SDK's and trainset's logs, the effective configuration): no secret either.
    int jobs = sagemaker.jobs().size();
    List<String> verbose = new java.util.ArrayList<>(train);
    verbose.add("--verbose");
    ObjectStores.Cli again = ObjectStores.trainset(ObjectStores.credentials(), verbose);
    assertEquals(again.all(), 0, again.code());
    assertThat(again.all(), not(containsString(ObjectStores.S3_SECRET_KEY)));
    assertThat(again.stderr(), containsString("SageMaker training job " + job + " exists already (an earlier attempt); following it, not starting another"));
    assertEquals(jobs, sagemaker.jobs().size());
    assertEquals("completed", result(again).get("status").asText());
    assertFalse(result(again).get("created").asBoolean());
  }

  @Test
  public void protocolStandIn_sagemaker_aRunFileWithTrainAndEvaluate_ingestsTrainsAndJudgesTheModelTheJobWrote() throws Exception {
    // The stand-in's job "trains": when it completes, this test trains a real XGBoost model on the train channel the
    // request names and writes it where SageMaker writes a job's model.
    Booster[] trained = new Booster[1];
    try (S3Client client = ObjectStores.s3(s3.port)) {
      sagemaker.onCompleted =
          (artifacts, job) -> {
            try {
              String channel = job.get("InputDataConfig").get(0).at("/DataSource/S3DataSource/S3Uri").asText();
              String key = channel.substring(("s3://" + BUCKET + "/").length()) + "part-00000.csv";
              Path csv = DIRS.newFile().toPath();
              Files.write(csv, client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
              trained[0] = EvaluateTest.train(EvaluateTest.Rows.read(csv), Map.of("objective", "binary:logistic"));
              ByteArrayOutputStream model = new ByteArrayOutputStream();
              trained[0].saveModel(model);
              byte[] tarGz = EvaluateTest.tarGzBytes("xgboost-model", model.toByteArray());
              client.putObject(
                  b -> b.bucket(BUCKET).key(artifacts.substring(("s3://" + BUCKET + "/").length())),
                  RequestBody.fromBytes(tarGz));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      String out = "s3://" + BUCKET + "/judged/vertebral/";
      Path run = DIRS.getRoot().toPath().resolve("judged.yaml");
      String example = Files.readString(ObjectStores.PROJECT.resolve("runner-configs/examples/vertebral-column.yaml"));
      String train = Files.readString(sagemakerConfig("judged-train")).replace("  target: sagemaker\n", "  target: sagemaker\n  wait: true\n");
      Files.writeString(
          run,
          example.replace("  path: out/vertebral-column\n", "  path: " + out + "\n") + train + "evaluate: {scorer: local, threshold: 0.65}\n");
      ObjectStores.Cli r = ObjectStores.trainset(ObjectStores.credentials(), List.of("run", "--config", run.toString(), "--run-id", "it-judged"));
      assertEquals(r.all(), 0, r.code());
      JsonNode res = result(r);
      assertEquals("succeeded", res.get("status").asText());
      String model = res.at("/training/model").asText();
      assertEquals("completed", res.at("/training/status").asText());
      JsonNode e = res.get("evaluation");
      assertEquals(model, e.get("model").asText());
      assertEquals(out + "evaluation.json", e.get("evaluation").asText());
      assertEquals("binary", e.get("task").asText());
      assertEquals(31, e.get("rows").asLong());

      // The metrics of the model the job wrote, computed here from its own predictions on the test split.
      Path test = DIRS.newFile().toPath();
      Files.write(test, client.getObjectAsBytes(b -> b.bucket(BUCKET).key("judged/vertebral/test/csv/part-00000.csv")).asByteArray());
      EvaluateTest.Rows rows = EvaluateTest.Rows.read(test);
      float[][] p = trained[0].predict(rows.matrix());
      long correct = 0;
      for (int i = 0; i < p.length; i++) {
        correct += (p[i][0] >= 0.65f ? 1 : 0) == (int) rows.labels()[i] ? 1 : 0;
      }
      assertEquals((double) correct / p.length, e.at("/metrics/accuracy").asDouble(), 1e-9);
      JsonNode stored = JSON.readTree(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("judged/vertebral/evaluation.json")).asByteArray());
      assertEquals(e.get("metrics"), stored.get("metrics"));
      assertEquals(model, stored.get("model").asText());
    } finally {
      sagemaker.onCompleted = null;
    }
  }

  @Test
  public void protocolStandIn_sagemaker_batchTransformScorer_metricsEqualTheModelsOwn_aRepeatCreatesNothing_aFailedJobIsExit4() throws Exception {
    String set = "s3://" + BUCKET + "/transformed/vertebral/";
    ObjectStores.Cli ingest =
        ObjectStores.trainset(
            ObjectStores.credentials(),
            List.of("run", "--config", "runner-configs/examples/vertebral-column.yaml", "--output", set, "--run-id", "it-transform",
                "--output.formats=[sagemaker-csv,parquet,features-csv]", "--storage.s3.endpoint=" + s3Endpoint()));
    assertEquals(ingest.all(), 0, ingest.code());
    try (S3Client client = ObjectStores.s3(s3.port)) {
      Path trainCsv = DIRS.newFile().toPath();
      Files.write(trainCsv, client.getObjectAsBytes(b -> b.bucket(BUCKET).key("transformed/vertebral/train/csv/part-00000.csv")).asByteArray());
      Booster booster = EvaluateTest.train(EvaluateTest.Rows.read(trainCsv), Map.of("objective", "binary:logistic"));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      booster.saveModel(bytes);
      client.putObject(b -> b.bucket(BUCKET).key("models/transform/model.tar.gz"), RequestBody.fromBytes(EvaluateTest.tarGzBytes("xgboost-model", bytes.toByteArray())));
      String model = "s3://" + BUCKET + "/models/transform/model.tar.gz";
      // The stand-in's transform job "runs the model": it writes, for each input object, <object>.out under the
      // output path with the booster's prediction for each line, as SageMaker's XGBoost container does.
      sagemaker.onTransformCompleted =
          job -> {
            String in = job.at("/TransformInput/DataSource/S3DataSource/S3Uri").asText();
            String out = job.at("/TransformOutput/S3OutputPath").asText();
            String inPrefix = in.substring(("s3://" + BUCKET + "/").length());
            for (var o : client.listObjectsV2(b -> b.bucket(BUCKET).prefix(inPrefix)).contents()) {
              try {
                String[] lines = client.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asUtf8String().split("\n");
                int cols = lines[0].split(",", -1).length;
                float[] x = new float[lines.length * cols];
                for (int i = 0; i < lines.length; i++) {
                  String[] f = lines[i].split(",", -1);
                  for (int c = 0; c < cols; c++) {
                    x[i * cols + c] = f[c].isEmpty() ? Float.NaN : Float.parseFloat(f[c]);
                  }
                }
                float[][] p = booster.predict(new ml.dmlc.xgboost4j.java.DMatrix(x, lines.length, cols, Float.NaN));
                StringBuilder text = new StringBuilder();
                for (float[] row : p) {
                  text.append(row[0]).append('\n');
                }
                String key = out.substring(("s3://" + BUCKET + "/").length()) + o.key().substring(inPrefix.length()) + ".out";
                client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(text.toString()));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          };
      List<String> evaluate =
          List.of("evaluate", "--scorer", "sagemaker", "--manifest", set, "--model", model, "--threshold", "0.65",
              "--config", sagemakerConfig("transform").toString());
      ObjectStores.Cli r = ObjectStores.trainset(ObjectStores.credentials(), evaluate);
      assertEquals(r.all(), 0, r.code());

      JsonNode createModel = sagemaker.requests("CreateModel").get(sagemaker.requests("CreateModel").size() - 1).body();
      assertEquals(List.of(), SageMakerStandIn.validateModel(createModel));
      assertEquals(ROLE, createModel.get("ExecutionRoleArn").asText());
      assertEquals("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", createModel.at("/PrimaryContainer/Image").asText());
      assertEquals(model, createModel.at("/PrimaryContainer/ModelDataUrl").asText());
      JsonNode transform = sagemaker.requests("CreateTransformJob").get(sagemaker.requests("CreateTransformJob").size() - 1).body();
      assertEquals(List.of(), SageMakerStandIn.validateTransform(transform));
      assertEquals(createModel.get("ModelName").asText(), transform.get("ModelName").asText());
      assertEquals(set + "test/features/", transform.at("/TransformInput/DataSource/S3DataSource/S3Uri").asText());
      assertEquals("S3Prefix", transform.at("/TransformInput/DataSource/S3DataSource/S3DataType").asText());
      assertEquals("text/csv", transform.at("/TransformInput/ContentType").asText());
      assertEquals("Line", transform.at("/TransformInput/SplitType").asText());
      assertEquals("MultiRecord", transform.get("BatchStrategy").asText());
      assertEquals("Line", transform.at("/TransformOutput/AssembleWith").asText());
      assertEquals("s3://" + BUCKET + "/models/" + transform.get("TransformJobName").asText() + "/", transform.at("/TransformOutput/S3OutputPath").asText());

      // The metrics equal this test's own, from the booster's predictions on the labelled test split.
      Path testCsv = DIRS.newFile().toPath();
      Files.write(testCsv, client.getObjectAsBytes(b -> b.bucket(BUCKET).key("transformed/vertebral/test/csv/part-00000.csv")).asByteArray());
      EvaluateTest.Rows rows = EvaluateTest.Rows.read(testCsv);
      float[][] p = booster.predict(rows.matrix());
      long correct = 0;
      double wins = 0;
      long pairs = 0;
      for (int i = 0; i < p.length; i++) {
        correct += (p[i][0] >= 0.65f ? 1 : 0) == (int) rows.labels()[i] ? 1 : 0;
        for (int j = 0; j < p.length; j++) {
          if (rows.labels()[i] == 1 && rows.labels()[j] == 0) {
            pairs++;
            wins += p[i][0] > p[j][0] ? 1 : p[i][0] == p[j][0] ? 0.5 : 0;
          }
        }
      }
      JsonNode res = result(r);
      assertEquals("succeeded", res.get("status").asText());
      assertEquals(31, res.get("rows").asLong());
      assertEquals((double) correct / p.length, res.at("/metrics/accuracy").asDouble(), 1e-9);
      assertEquals(wins / pairs, res.at("/metrics/auc").asDouble(), 1e-9);
      JsonNode stored = JSON.readTree(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("transformed/vertebral/evaluation.json")).asByteArray());
      assertEquals("sagemaker", stored.get("scorer").asText());
      assertEquals(res.get("metrics"), stored.get("metrics"));

      // Again: the model and the job are found, nothing new is created.
      int models = sagemaker.models.size();
      int transforms = sagemaker.transforms.size();
      ObjectStores.Cli again = ObjectStores.trainset(ObjectStores.credentials(), evaluate);
      assertEquals(again.all(), 0, again.code());
      assertEquals(models, sagemaker.models.size());
      assertEquals(transforms, sagemaker.transforms.size());
      assertThat(again.stderr(), containsString("exists already (an earlier attempt); following it, not starting another"));
      assertEquals(res.get("metrics"), result(again).get("metrics"));

      // --dry-run prints the two requests and sends nothing.
      List<String> dry = new java.util.ArrayList<>(evaluate);
      dry.add("--dry-run");
      int sent = sagemaker.requests.size();
      ObjectStores.Cli d = ObjectStores.trainset(ObjectStores.credentials(), dry);
      assertEquals(d.all(), 0, d.code());
      assertEquals(sent, sagemaker.requests.size());
      JsonNode printed = JSON.readTree(d.stdout().substring(d.stdout().indexOf('{')));
      assertEquals(transform.get("TransformJobName"), printed.at("/CreateTransformJob/TransformJobName"));
      assertEquals(set + "test/features/", printed.at("/CreateTransformJob/TransformInput/DataSource/S3DataSource/S3Uri").asText());

      // A transform job that fails (another split, so other names): exit 4 with the service's reason.
      sagemaker.scriptTransform(SageMakerStandIn.fails("ClientError: Unable to parse the input"));
      List<String> failing = new java.util.ArrayList<>(evaluate);
      failing.addAll(List.of("--split", "validation"));
      ObjectStores.Cli f = ObjectStores.trainset(ObjectStores.credentials(), failing);
      assertEquals(f.all(), 4, f.code());
      assertThat(f.stderr(), containsString("ended Failed: ClientError: Unable to parse the input"));
    } finally {
      sagemaker.onTransformCompleted = null;
      sagemaker.scriptTransform(List.of(new SageMakerStandIn.Status("InProgress", null, null), new SageMakerStandIn.Status("Completed", null, null)));
    }
  }

  @Test
  public void protocolStandIn_sagemaker_aFailingJobAfterThrottling_exits4WithTheServicesReason() throws Exception {
    String set = vertebralInS3("sets/vertebral-failing", "it-failing");
    sagemaker.script(SageMakerStandIn.fails("AlgorithmError: num_round must be positive"));
    sagemaker.throttleNextCreates(1);
    int before = sagemaker.requests("CreateTrainingJob").size();
    try {
      ObjectStores.Cli r = ObjectStores.trainset(ObjectStores.credentials(), List.of("train", "--manifest", set, "--wait",
          "--config", sagemakerConfig("failing").toString()));
      assertEquals(r.all(), 4, r.code());
      assertThat(r.stderr(), containsString("error: sagemaker job trainset-it-failing-"));
      assertThat(r.stderr(), containsString(" ended Failed: AlgorithmError: num_round must be positive"));
      assertEquals("failed", result(r).get("status").asText());
      assertEquals("Failed", result(r).get("jobStatus").asText());
      // Throttled once, retried by the SDK: two requests, one job.
      List<SageMakerStandIn.Request> creates = sagemaker.requests("CreateTrainingJob");
      assertEquals(2, creates.size() - before);
      assertEquals(creates.get(creates.size() - 1).body(), creates.get(creates.size() - 2).body());
    } finally {
      sagemaker.script(SageMakerStandIn.completes());
    }
  }

  @Test
  public void protocolStandIn_sagemaker_dryRunPrintsTheRequestAndSendsNothing() throws Exception {
    String set = vertebralInS3("sets/vertebral-dry", "it-dry");
    int before = sagemaker.requests.size();
    ObjectStores.Cli r = ObjectStores.trainset(ObjectStores.credentials(), List.of("train", "--manifest", set, "--dry-run",
        "--config", sagemakerConfig("dry").toString(), "--train.sagemaker.channels=[train,validation,test]"));
    assertEquals(r.all(), 0, r.code());
    assertEquals("the stand-in saw no request", before, sagemaker.requests.size());
    JsonNode printed = JSON.readTree(r.stdout());
    assertEquals("SageMaker.CreateTrainingJob", printed.get("operation").asText());
    JsonNode body = printed.get("body");
    assertEquals(List.of(), SageMakerStandIn.validate(body));
    assertEquals(3, body.get("InputDataConfig").size());
    assertEquals(set + "test/csv/", body.at("/InputDataConfig/2/DataSource/S3DataSource/S3Uri").asText());
    assertThat(r.stderr(), containsString("dry run: nothing was sent"));
    assertThat(r.all(), not(containsString(ObjectStores.S3_SECRET_KEY)));

    // A request the service refuses: one line with its code and message, exit 2, not retried.
    ObjectStores.Cli refused = ObjectStores.trainset(ObjectStores.credentials(), List.of("train", "--manifest", set,
        "--config", sagemakerConfig("refused").toString(), "--train.sagemaker.roleArn=SageMakerRole"));
    assertEquals(refused.all(), 2, refused.code());
    assertEquals(refused.stderr(), 1, refused.stderr().lines().filter(l -> l.startsWith("trainset: error:")).count());
    assertThat(refused.stderr(), containsString("refused the training job trainset-it-dry-"));
    assertThat(refused.stderr(), containsString(": ValidationException: RoleArn is not an IAM role ARN"));
    assertEquals(before + 1, sagemaker.requests.size());
  }

  @Test
  public void protocolStandIn_azureml_heartFailureMltableInAzurite_createsAnAutomlJob_andARepeatFindsIt() throws Exception {
    Assume.assumeTrue("Azurite needs Node.js and npm, which this machine lacks", azurite != null);
    String azure = "--storage.azure.endpoint=" + ObjectStores.azureEndpoint(azurite.port);
    ObjectStores.Cli run =
        ObjectStores.trainset(
            ObjectStores.credentials(),
            List.of("run", "--config", "runner-configs/examples/heart-failure.yaml", "--output.formats=[parquet,mltable]",
                "--output", "wasbs://" + CONTAINER + "@devstoreaccount1.blob.core.windows.net/sets/heart/", "--run-id", "it-azureml", azure));
    assertEquals(run.all(), 0, run.code());
    String set = "azfs://devstoreaccount1/" + CONTAINER + "/sets/heart/";

    Path cfg = DIRS.getRoot().toPath().resolve("azureml.yaml");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "train:",
            "  pollSeconds: 0.05",
            "  azureml:",
            "    subscriptionId: 00000000-0000-0000-0000-000000000000",
            "    resourceGroup: rg",
            "    workspace: ws-trainset",
            "    computeId: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-trainset/computes/cpu-cluster",
            "    endpoint: " + azureml.endpoint(),
            ""));
    Map<String, String> env = new HashMap<>(ObjectStores.credentials());
    // DefaultAzureCredential's managed-identity path (App Service style), served by the stand-in.
    env.put("IDENTITY_ENDPOINT", azureml.identityEndpoint());
    env.put("IDENTITY_HEADER", AzureMlStandIn.IDENTITY_SECRET);
    List<String> jvm = List.of("-Djavax.net.ssl.trustStore=" + certs.resolve("trust.p12"), "-Djavax.net.ssl.trustStorePassword=changeit",
        "-Djavax.net.ssl.trustStoreType=PKCS12");
    List<String> train = List.of("train", "--manifest", set, "--target", "azureml", "--task", "classification", "--label", "DEATH_EVENT",
        "--wait", "--config", cfg.toString(), azure);
    ObjectStores.Cli r = ObjectStores.trainset(env, jvm, train);
    assertEquals(r.all(), 0, r.code());

    // This run's job only (the stand-in serves the whole class).
    List<AzureMlStandIn.Request> puts =
        azureml.requests("PUT").stream().filter(q -> q.path().contains("/jobs/trainset-it-azureml-")).toList();
    assertEquals(1, puts.size());
    AzureMlStandIn.Request put = puts.get(0);
    assertThat(put.path(), org.hamcrest.Matchers.matchesPattern(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-trainset/jobs/trainset-it-azureml-[0-9a-f]{8}"));
    assertEquals("api-version=2024-04-01", put.query());
    JsonNode p = put.body().get("properties");
    assertEquals(List.of(), AzureMlStandIn.validate(put.body()));
    assertEquals("AutoML", p.get("jobType").asText());
    assertEquals("Classification", p.at("/taskDetails/taskType").asText());
    assertEquals("AUCWeighted", p.at("/taskDetails/primaryMetric").asText());
    assertEquals("DEATH_EVENT", p.at("/taskDetails/targetColumnName").asText());
    String folder = "wasbs://" + CONTAINER + "@devstoreaccount1.blob.core.windows.net/sets/heart/";
    assertEquals(JSON.readTree("{\"jobInputType\":\"mltable\",\"uri\":\"" + folder + "train/\"}"), p.at("/taskDetails/trainingData"));
    assertEquals(JSON.readTree("{\"jobInputType\":\"mltable\",\"uri\":\"" + folder + "validation/\"}"), p.at("/taskDetails/validationData"));
    assertEquals("it-azureml", p.at("/tags/trainset-run-id").asText());
    assertFalse(azureml.tokenRequests.isEmpty());

    String err = r.stderr();
    assertTrue(err, err.indexOf("status: NotStarted") < err.indexOf("status: Running") && err.indexOf("status: Running") < err.indexOf("status: Completed"));
    JsonNode res = result(r);
    assertEquals("completed", res.get("status").asText());
    assertThat(res.get("jobUrl").asText(), containsString("https://ml.azure.com/runs/trainset-it-azureml-"));
    assertThat(r.all(), not(containsString(AzureMlStandIn.TOKEN)));
    assertThat(r.all(), not(containsString(ObjectStores.AZURE_KEY)));

    // Without a usable identity: one line, exit 2, nothing sent to Azure ML.
    Map<String, String> badIdentity = new HashMap<>(env);
    badIdentity.put("IDENTITY_HEADER", "not-the-secret");
    int before = azureml.requests.size();
    ObjectStores.Cli denied = ObjectStores.trainset(badIdentity, jvm, train);
    assertEquals(denied.all(), 2, denied.code());
    assertThat(denied.stderr(), containsString("no Azure credentials for Azure ML at " + azureml.endpoint()));
    assertEquals(before, azureml.requests.size());

    // Again, with --verbose: the GET finds the job; no second PUT; no secret, token or key in any line.
    List<String> verbose = new java.util.ArrayList<>(train);
    verbose.add("--verbose");
    ObjectStores.Cli again = ObjectStores.trainset(env, jvm, verbose);
    assertEquals(again.all(), 0, again.code());
    for (String secret : List.of(AzureMlStandIn.IDENTITY_SECRET, AzureMlStandIn.TOKEN, ObjectStores.AZURE_KEY, ObjectStores.S3_SECRET_KEY)) {
      assertThat(again.all(), not(containsString(secret)));
    }
    assertThat(again.stderr(), containsString("exists already (an earlier attempt); following it, not starting another"));
    assertEquals(1, azureml.requests("PUT").stream().filter(q -> q.path().contains("/jobs/trainset-it-azureml-")).count());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Secrets (issue 14): one test with every secret set at once (the S3 secret key, the Azure storage key, the managed
  // identity's header secret, and the bearer token the identity hands out), scanning every line, result line, error
  // and written object of verbose runs that ingest and train on both clouds, succeeding and refused.

  private static final List<String> SECRETS =
      List.of(ObjectStores.S3_SECRET_KEY, ObjectStores.AZURE_KEY, ObjectStores.AZURE_KEY.substring(0, 20),
          AzureMlStandIn.IDENTITY_SECRET, AzureMlStandIn.TOKEN);

  private static void assertNoSecret(String where, String text) {
    for (String secret : SECRETS) {
      assertThat(where + " holds a secret", text, not(containsString(secret)));
    }
  }

  /** Every object under {@code prefix} of the S3 bucket, as text. */
  private static Map<String, String> s3Texts(String prefix) {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var client = ObjectStores.s3(s3.port)) {
      for (var o : client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()) {
        if (!o.key().endsWith("/")) {
          out.put(o.key(), new String(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
    }
    return out;
  }

  private static Map<String, String> azureTexts(String prefix) {
    Map<String, String> out = new java.util.TreeMap<>();
    var blobs = ObjectStores.container(azurite.port, CONTAINER);
    for (var b : blobs.listBlobs(new com.azure.storage.blob.models.ListBlobsOptions().setPrefix(prefix), null)) {
      out.put(b.getName(), new String(blobs.getBlobClient(b.getName()).downloadContent().toBytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  @Test
  public void everySecretSetAtOnce_verboseIngestAndTrainOnBothClouds_succeedingAndRefused_noSecretInAnyLineOrObject() throws Exception {
    Assume.assumeTrue("Azurite needs Node.js and npm, which this machine lacks", azurite != null);
    Map<String, String> env = new HashMap<>(ObjectStores.credentials());
    env.put("IDENTITY_ENDPOINT", azureml.identityEndpoint());
    env.put("IDENTITY_HEADER", AzureMlStandIn.IDENTITY_SECRET);
    List<String> jvm = List.of("-Djavax.net.ssl.trustStore=" + certs.resolve("trust.p12"), "-Djavax.net.ssl.trustStorePassword=changeit",
        "-Djavax.net.ssl.trustStoreType=PKCS12");

    // S3 and SageMaker: one run file ingests into S3 and trains, with --verbose.
    List<String> sm = new java.util.ArrayList<>(List.of(
        "run", "--config", "runner-configs/examples/train-sagemaker.yaml", "--output", "s3://" + BUCKET + "/secrets/sm/",
        "--run-id", "it-secrets-sm", "--train.sagemaker.outputPath=s3://" + BUCKET + "/models/secrets/",
        "--train.sagemaker.endpoint=" + sagemaker.endpoint(), "--train.pollSeconds=0.05", "--storage.s3.endpoint=" + s3Endpoint(),
        "--verbose"));
    ObjectStores.Cli ok = ObjectStores.trainset(env, jvm, sm);
    assertEquals(ok.all(), 0, ok.code());
    assertEquals("succeeded", result(ok).get("status").asText());
    assertEquals("completed", result(ok).at("/training/status").asText());
    assertNoSecret("the verbose S3 + SageMaker run's stdout, stderr and result line", ok.all());
    Map<String, String> written = s3Texts("secrets/sm/");
    assertTrue(written.keySet().toString(), written.containsKey("secrets/sm/manifest.json") && written.containsKey("secrets/sm/report.html"));
    written.forEach(TrainingIT::assertNoSecret);
    for (SageMakerStandIn.Request q : sagemaker.requests("CreateTrainingJob")) {
      assertNoSecret("a CreateTrainingJob body", q.body().toString());
    }

    // Refused: the real secret with an access key id the store does not know; SageMaker refusing a role.
    Map<String, String> unknownKey = new HashMap<>(env);
    unknownKey.put("AWS_ACCESS_KEY_ID", "trainset-it-unknown-key");
    List<String> denied = new java.util.ArrayList<>(sm);
    denied.set(denied.indexOf("it-secrets-sm"), "it-secrets-sm-denied");
    denied.set(denied.indexOf("s3://" + BUCKET + "/secrets/sm/"), "s3://" + BUCKET + "/secrets/sm-denied/");
    ObjectStores.Cli refused = ObjectStores.trainset(unknownKey, jvm, denied);
    assertEquals(refused.all(), 2, refused.code());
    assertEquals("failed", result(refused).get("status").asText());
    assertNoSecret("a refused verbose S3 run", refused.all());
    List<String> badRole = new java.util.ArrayList<>(sm);
    badRole.set(badRole.indexOf("it-secrets-sm"), "it-secrets-sm-role");
    badRole.set(badRole.indexOf("s3://" + BUCKET + "/secrets/sm/"), "s3://" + BUCKET + "/secrets/sm-role/");
    badRole.add("--train.sagemaker.roleArn=SageMakerRole");
    ObjectStores.Cli roleRefused = ObjectStores.trainset(env, jvm, badRole);
    assertEquals(roleRefused.all(), 2, roleRefused.code());
    assertThat(roleRefused.stderr(), containsString("refused the training job trainset-it-secrets-sm-role-"));
    assertNoSecret("a verbose run whose training SageMaker refused", roleRefused.all());

    // Azure storage and Azure ML (managed identity): the same, with --verbose.
    String azure = "--storage.azure.endpoint=" + ObjectStores.azureEndpoint(azurite.port);
    List<String> az = new java.util.ArrayList<>(List.of(
        "run", "--config", "runner-configs/examples/train-azureml.yaml",
        "--output", "wasbs://" + CONTAINER + "@devstoreaccount1.blob.core.windows.net/secrets/aml/", "--run-id", "it-secrets-aml",
        "--train.azureml.endpoint=" + azureml.endpoint(), "--train.azureml.resourceGroup=rg", "--train.azureml.workspace=ws-trainset",
        "--train.azureml.computeId=/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-trainset/computes/cpu-cluster",
        "--train.pollSeconds=0.05", azure, "--verbose"));
    ObjectStores.Cli azOk = ObjectStores.trainset(env, jvm, az);
    assertEquals(azOk.all(), 0, azOk.code());
    assertEquals("succeeded", result(azOk).get("status").asText());
    assertEquals("completed", result(azOk).at("/training/status").asText());
    assertNoSecret("the verbose Azure + Azure ML run's stdout, stderr and result line", azOk.all());
    Map<String, String> azWritten = azureTexts("secrets/aml/");
    assertTrue(azWritten.keySet().toString(), azWritten.containsKey("secrets/aml/manifest.json"));
    azWritten.forEach(TrainingIT::assertNoSecret);
    for (AzureMlStandIn.Request q : azureml.requests("PUT")) {
      assertNoSecret("an Azure ML job body", q.body().toString());
    }

    // Refused: with every secret in the environment, an output container Azurite does not have; and an identity
    // endpoint that refuses the run's header (the storage key and S3 secret still set).
    List<String> azDenied = new java.util.ArrayList<>(az);
    azDenied.set(azDenied.indexOf("it-secrets-aml"), "it-secrets-aml-denied");
    azDenied.set(azDenied.indexOf("wasbs://" + CONTAINER + "@devstoreaccount1.blob.core.windows.net/secrets/aml/"),
        "wasbs://no-such-container@devstoreaccount1.blob.core.windows.net/secrets/aml/");
    ObjectStores.Cli azRefused = ObjectStores.trainset(env, jvm, azDenied);
    assertEquals(azRefused.all(), 2, azRefused.code());
    assertEquals("failed", result(azRefused).get("status").asText());
    assertNoSecret("a verbose run into a missing Azure container", azRefused.all());
    Map<String, String> wrongIdentity = new HashMap<>(env);
    wrongIdentity.put("IDENTITY_HEADER", "not-the-identity-secret");
    List<String> identityDenied = new java.util.ArrayList<>(az);
    identityDenied.set(identityDenied.indexOf("it-secrets-aml"), "it-secrets-aml-identity");
    identityDenied.set(identityDenied.indexOf("wasbs://" + CONTAINER + "@devstoreaccount1.blob.core.windows.net/secrets/aml/"),
        "wasbs://" + CONTAINER + "@devstoreaccount1.blob.core.windows.net/secrets/aml-identity/");
    ObjectStores.Cli identityRefused = ObjectStores.trainset(wrongIdentity, jvm, identityDenied);
    assertEquals(identityRefused.all(), 2, identityRefused.code());
    assertThat(identityRefused.stderr(), containsString("no Azure credentials for Azure ML at " + azureml.endpoint()));
    assertNoSecret("a verbose run whose Azure ML identity was refused", identityRefused.all());
  }
}
