package dev.trainset.launcher.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.Manifest;
import dev.trainset.pipelines.config.TrainsetException;
import org.junit.Test;

/** The requests the training step builds from a manifest, and the checks it makes before sending anything. */
public class TrainingRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  /** A manifest like trainset writes: splits with outputs, the label and the written columns. */
  private static TrainingSet set(String root, String secondColumnType, String csvCompression) throws Exception {
    ObjectNode m = JSON.createObjectNode();
    m.put("runId", "20261122-abc");
    m.set("columns", JSON.readTree("{\"label\":\"class\",\"output\":[{\"name\":\"class\",\"type\":\"long\"},{\"name\":\"x\",\"type\":\"" + secondColumnType + "\"}]}"));
    ObjectNode splits = m.putObject("splits");
    for (String s : new String[] {"train", "validation", "test"}) {
      var outs = splits.putObject(s).putArray("outputs");
      outs.addObject().put("format", "sagemaker-csv").put("path", root + s + "/csv/").put("contentType", "text/csv").put("compression", csvCompression);
      outs.addObject().put("format", "parquet").put("path", root + s + "/parquet/").put("contentType", "application/x-parquet").put("compression", "snappy");
      outs.addObject().put("format", "mltable").put("path", root + s + "/").put("contentType", "application/yaml");
    }
    return new TrainingSet(root, Manifest.parse(m.toString()), SHA);
  }

  private static TrainSettings settings(String yaml) throws Exception {
    return TrainSettings.from(new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml));
  }

  private static final String SAGEMAKER =
      "train: {target: sagemaker, sagemaker: {region: eu-west-1, roleArn: 'arn:aws:iam::123456789012:role/R', outputPath: 's3://b/m/', hyperParameters: {num_round: 10}}}";

  @Test
  public void sagemaker_buildsOneChannelPerSplitWithItsContentType_andTheRegionsXgboostImage() throws Exception {
    TrainSettings t = settings(SAGEMAKER);
    JsonNode body = SageMakerTrainer.body(new SageMakerTrainer(t.sagemaker(), set("s3://b/set/", "double", "none"), "job-1").request());
    assertEquals("141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1", body.at("/AlgorithmSpecification/TrainingImage").asText());
    assertEquals(2, body.get("InputDataConfig").size());
    assertEquals("s3://b/set/validation/csv/", body.at("/InputDataConfig/1/DataSource/S3DataSource/S3Uri").asText());
    assertEquals("text/csv", body.at("/InputDataConfig/0/ContentType").asText());
    assertEquals("10", body.at("/HyperParameters/num_round").asText());
    // Parquet when asked: its own content type (never omitted: omitted means libsvm).
    TrainSettings parquet = settings(SAGEMAKER.replace("hyperParameters", "format: parquet, hyperParameters"));
    JsonNode p = SageMakerTrainer.body(new SageMakerTrainer(parquet.sagemaker(), set("s3://b/set/", "double", "none"), "job-1").request());
    assertEquals("application/x-parquet", p.at("/InputDataConfig/0/ContentType").asText());
  }

  @Test
  public void sagemaker_refusesDataTheBuiltInXgboostCannotRead_beforeSendingAnything() throws Exception {
    TrainSettings t = settings(SAGEMAKER);
    TrainsetException text = assertThrows(TrainsetException.class,
        () -> new SageMakerTrainer(t.sagemaker(), set("s3://b/set/", "string", "none"), "j").request());
    assertEquals("the built-in XGBoost reads numbers only, and column 'x' is string (drop it with columns.drop or encode it with output.oneHot / output.ordinal)", text.getMessage());
    TrainsetException gzip = assertThrows(TrainsetException.class,
        () -> new SageMakerTrainer(t.sagemaker(), set("s3://b/set/", "double", "gzip"), "j").request());
    assertThat(gzip.getMessage(), containsString("gzip-compressed CSV, which SageMaker decompresses only in Pipe mode"));
    TrainSettings pipe = settings(SAGEMAKER.replace("region:", "inputMode: Pipe, region:"));
    JsonNode body = SageMakerTrainer.body(new SageMakerTrainer(pipe.sagemaker(), set("s3://b/set/", "double", "gzip"), "j").request());
    assertEquals("Gzip", body.at("/InputDataConfig/0/CompressionType").asText());
    TrainsetException local = assertThrows(TrainsetException.class,
        () -> new SageMakerTrainer(t.sagemaker(), set("/data/set/", "double", "none"), "j").request());
    assertThat(local.getMessage(), containsString("SageMaker reads training data from S3, and the training set is at /data/set/"));
    TrainSettings noRounds = settings(SAGEMAKER.replace("hyperParameters: {num_round: 10}", "hyperParameters: {}"));
    TrainsetException rounds = assertThrows(TrainsetException.class,
        () -> new SageMakerTrainer(noRounds.sagemaker(), set("s3://b/set/", "double", "none"), "j").request());
    assertEquals("config key 'train.sagemaker.hyperParameters.num_round': required by the built-in XGBoost", rounds.getMessage());
    TrainSettings missing = settings(SAGEMAKER.replace("hyperParameters", "channels: [train, holdout], hyperParameters"));
    TrainsetException split = assertThrows(TrainsetException.class,
        () -> new SageMakerTrainer(missing.sagemaker(), set("s3://b/set/", "double", "none"), "j").request());
    assertThat(split.getMessage(), containsString("no sagemaker-csv output for split 'holdout'"));
  }

  @Test
  public void jobNames_followSageMakersRules_andChangeWithTheManifest() throws Exception {
    assertEquals("trainset-20261122-abc-01234567", Training.jobName(set("s3://b/", "double", "none")));
    ObjectNode m = JSON.createObjectNode().put("runId", "nightly_run.2026/11/22 " + "x".repeat(80));
    String name = Training.jobName(new TrainingSet("s3://b/", Manifest.parse(m.toString()), "ffffffff" + SHA.substring(8)));
    assertThat(name, org.hamcrest.Matchers.matchesPattern("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"));
    assertThat(name, org.hamcrest.Matchers.endsWith("-ffffffff"));
  }

  @Test
  public void azureml_automlReadsTheMltableFolders_commandJobsGetUriFolders_asWasbsOrDatastoreUris() throws Exception {
    String base = "train: {target: azureml, azureml: {subscriptionId: s, resourceGroup: g, workspace: ws1, computeId: c";
    TrainSettings automl = settings(base + "}}");
    JsonNode p = new AzureMlTrainer(automl.azureml(), set("azfs://acct/cont/sets/a/", "double", "none"), "job").body().get("properties");
    assertEquals("AutoML", p.get("jobType").asText());
    assertEquals("class", p.at("/taskDetails/targetColumnName").asText());
    assertEquals("wasbs://cont@acct.blob.core.windows.net/sets/a/train/", p.at("/taskDetails/trainingData/uri").asText());
    assertEquals("mltable", p.at("/taskDetails/validationData/jobInputType").asText());
    TrainSettings command = settings(base + ", job: command, command: 'python t.py', environmentId: 'azureml:env:1', datastore: ds}}");
    JsonNode c = new AzureMlTrainer(command.azureml(), set("azfs://acct/cont/sets/a/", "double", "none"), "job").body().get("properties");
    assertEquals("Command", c.get("jobType").asText());
    assertEquals(JSON.readTree("{\"jobInputType\":\"uri_folder\",\"uri\":\"azureml://datastores/ds/paths/sets/a/train/\",\"mode\":\"ReadOnlyMount\"}"), c.at("/inputs/train"));
    assertEquals(
        "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/ws1/jobs/job?api-version=2024-04-01",
        new AzureMlTrainer(automl.azureml(), set("azfs://a/c/", "double", "none"), "job").url());
  }

  @Test
  public void settings_nameTheKeyThatIsWrongOrMissing() throws Exception {
    assertEquals("config key 'train.target': expected one of sagemaker, azureml, got 'vertex'",
        assertThrows(TrainsetException.class, () -> settings("train: {target: vertex}")).getMessage());
    assertEquals("config key 'train.sagemaker.roleArn': required for this training target",
        assertThrows(TrainsetException.class, () -> settings("train: {target: sagemaker}").requireFor(TrainSettings.Target.SAGEMAKER)).getMessage());
    assertEquals("config key 'train.sagemaker.inputMode': expected File, Pipe or FastFile, got 'Stream'",
        assertThrows(TrainsetException.class, () -> settings("train: {target: sagemaker, sagemaker: {inputMode: Stream}}")).getMessage());
    assertEquals("config key 'train.azureml.command': required for this training target",
        assertThrows(TrainsetException.class,
            () -> settings("train: {target: azureml, azureml: {subscriptionId: s, resourceGroup: g, workspace: ws1, computeId: c, job: command}}")
                .requireFor(TrainSettings.Target.AZUREML)).getMessage());
    assertEquals(null, settings("input: {path: x}").target());
  }

  @Test
  public void theExampleRunFiles_holdCompleteTrainSections() throws Exception {
    java.nio.file.Path dir = java.nio.file.Paths.get(System.getProperty("trainset.project.dir", "..")).resolve("runner-configs/examples");
    ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    TrainSettings sm = TrainSettings.from(yaml.readTree(dir.resolve("train-sagemaker.yaml").toFile()));
    sm.requireFor(sm.target());
    assertEquals(TrainSettings.Target.SAGEMAKER, sm.target());
    assertEquals("42", sm.sagemaker().hyperParameters().get("num_round"));
    dev.trainset.pipelines.config.RunConfig.from(yaml.readTree(dir.resolve("train-sagemaker.yaml").toFile()));
    TrainSettings az = TrainSettings.from(yaml.readTree(dir.resolve("train-azureml.yaml").toFile()));
    az.requireFor(az.target());
    assertEquals(TrainSettings.Task.CLASSIFICATION, az.azureml().task());
    assertEquals("azfs://myaccount/trainsets/heart-failure/{date}/",
        dev.trainset.pipelines.config.RunConfig.from(yaml.readTree(dir.resolve("train-azureml.yaml").toFile())).output().path());
  }
}
