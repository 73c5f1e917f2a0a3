package dev.trainset.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Training sets read from and written to real object-store servers on 127.0.0.1 (s3proxy for S3, Azurite for Azure
 * Blob; see {@link ObjectStores}), by the runnable jar in a process of its own, with credentials only in its
 * environment, as a user runs it. What the store holds must be exactly what the manifest lists (names, sizes,
 * sha256), and hold the same rows as a local run of the same data.
 */
public class ObjectStoresIT {
  @ClassRule public static final TemporaryFolder SERVERS = new TemporaryFolder();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(600);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "trainset-it";
  private static final String CONTAINER = "trainset-it";
  private static final Path VERTEBRAL =
      ObjectStores.PROJECT.resolve("runner-configs/examples/data/vertebral-column/column_2C_weka.arff");
  private static final Path HEART =
      ObjectStores.PROJECT.resolve("runner-configs/examples/data/heart-failure/heart_failure_clinical_records_dataset.csv");
  private static final String VERTEBRAL_CONFIG = "runner-configs/examples/vertebral-column.yaml";
  private static final String HEART_CONFIG = "runner-configs/examples/heart-failure.yaml";

  private static ObjectStores.Server s3;
  private static ObjectStores.Server azurite;
  private static S3Client s3Client;
  private static BlobContainerClient blobs;

  @BeforeClass
  public static void startStores() throws Exception {
    s3 = ObjectStores.startS3(SERVERS.newFolder("s3").toPath(), BUCKET);
    s3Client = ObjectStores.s3(s3.port);
    s3Client.putObject(b -> b.bucket(BUCKET).key("raw/vertebral/column_2C_weka.arff"), RequestBody.fromFile(VERTEBRAL));
    s3Client.putObject(b -> b.bucket(BUCKET).key("raw/heart/heart_failure_clinical_records_dataset.csv"), RequestBody.fromFile(HEART));
    if (!ObjectStores.nodeAvailable()) {
      // .ci/run installs Node.js, so in CI its absence is a failure; elsewhere the Azure tests say why they skip.
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("Azurite needs node and npm; .ci/run should have installed them");
      }
      return;
    }
    azurite = ObjectStores.startAzurite(SERVERS.newFolder("azurite").toPath(), CONTAINER);
    blobs = ObjectStores.container(azurite.port, CONTAINER);
    blobs.getBlobClient("raw/vertebral/column_2C_weka.arff").uploadFromFile(VERTEBRAL.toString(), true);
    blobs.getBlobClient("raw/heart/heart_failure_clinical_records_dataset.csv").uploadFromFile(HEART.toString(), true);
  }

  @AfterClass
  public static void stopStores() throws Exception {
    if (s3Client != null) {
      s3Client.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (azurite != null) {
      azurite.close();
    }
  }

  private static void assumeAzurite() {
    Assume.assumeTrue("Azurite needs Node.js and npm, which this machine lacks", azurite != null);
  }

  private static List<String> s3Flags() {
    return List.of("--storage.s3.endpoint=http://127.0.0.1:" + s3.port);
  }

  private static List<String> azureFlags() {
    return List.of("--storage.azure.endpoint=" + ObjectStores.azureEndpoint(azurite.port));
  }

  private static List<String> args(String... a) {
    return new ArrayList<>(List.of(a));
  }

  private static ObjectStores.Cli trainset(List<String> args) throws Exception {
    return ObjectStores.trainset(ObjectStores.credentials(), args);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What a store holds, read back with the store's own client.

  /** Object name (relative to the prefix) → bytes. */
  private static Map<String, byte[]> s3Objects(String prefix) {
    Map<String, byte[]> out = new TreeMap<>();
    for (S3Object o : s3Client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()) {
      if (o.key().endsWith("/")) {
        continue; // the filesystem backend lists folders as objects
      }
      out.put(o.key().substring(prefix.length()), s3Client.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray());
    }
    return out;
  }

  private static Map<String, byte[]> azureObjects(String prefix) {
    Map<String, byte[]> out = new TreeMap<>();
    for (BlobItem b : blobs.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
      out.put(b.getName().substring(prefix.length()), blobs.getBlobClient(b.getName()).downloadContent().toBytes());
    }
    return out;
  }

  /**
   * Every data file the manifest lists is in the store with its size and sha256, and every object in the store is
   * either listed or one of the run's own files (manifest, _SUCCESS, stats, report, working files).
   */
  private static JsonNode assertStoreMatchesManifest(Map<String, byte[]> objects, String root) throws Exception {
    assertTrue("no _SUCCESS in " + objects.keySet(), objects.containsKey("_SUCCESS"));
    JsonNode m = JSON.readTree(objects.get("manifest.json"));
    Map<String, JsonNode> listed = new HashMap<>();
    for (JsonNode o : m.get("outputs")) {
      for (JsonNode f : o.get("files")) {
        String path = f.get("path").asText();
        assertTrue(path + " is not under " + root, path.startsWith(root));
        listed.put(path.substring(root.length()), f);
      }
    }
    assertFalse(listed.isEmpty());
    for (Map.Entry<String, JsonNode> e : listed.entrySet()) {
      byte[] b = objects.get(e.getKey());
      assertTrue("listed in the manifest but not in the store: " + e.getKey(), b != null);
      assertEquals(e.getKey(), e.getValue().get("bytes").asLong(), b.length);
      assertEquals(e.getKey(), e.getValue().get("sha256").asText(), sha256(b));
    }
    for (String name : objects.keySet()) {
      boolean own = name.equals("manifest.json") || name.equals("_SUCCESS") || name.equals("stats.json")
          || name.equals("report.html") || name.startsWith("_trainset/");
      assertTrue("in the store but not in the manifest: " + name, own || listed.containsKey(name));
    }
    return m;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Writes the store's objects to a local folder, for DuckDB. */
  private Path download(Map<String, byte[]> objects) throws Exception {
    Path dir = tmp.newFolder().toPath();
    for (Map.Entry<String, byte[]> e : objects.entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, e.getValue());
    }
    return dir;
  }



  /** The lines of a split's text files (gunzipped), sorted. */
  private static List<String> textLines(Path root, String split, String folder) throws Exception {
    List<String> lines = new ArrayList<>();
    try (var files = Files.list(root.resolve(split).resolve(folder))) {
      for (Path f : files.sorted().toList()) {
        byte[] b = Files.readAllBytes(f);
        if (f.toString().endsWith(".gz")) {
          b = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(b)).readAllBytes();
        }
        for (String l : new String(b, StandardCharsets.UTF_8).split("\n")) {
          if (!l.isEmpty()) {
            lines.add(l);
          }
        }
      }
    }
    lines.sort(null);
    return lines;
  }

  private static void assertNoSecrets(String where, String text) {
    assertThat(where, text, not(containsString(ObjectStores.S3_SECRET_KEY)));
    assertThat(where, text, not(containsString(ObjectStores.AZURE_KEY)));
    assertThat(where, text, not(containsString(ObjectStores.AZURE_KEY.substring(0, 20))));
  }

  private static final Map<String, Path> LOCAL_RUNS = new HashMap<>();

  /** A local run of the same config, to compare with (one per config for the whole class). */
  private static Path localRun(String config, Path input, String runId) throws Exception {
    Path done = LOCAL_RUNS.get(config);
    if (done != null) {
      return done;
    }
    Path out = SERVERS.newFolder().toPath();
    ObjectStores.Cli r = trainset(args("run", "--config", config, "--input", input.toString(), "--output", out.toString(), "--run-id", runId));
    assertEquals(r.all(), 0, r.code());
    LOCAL_RUNS.put(config, out);
    return out;
  }

  private void assertSameRows(Path local, Path remote, JsonNode manifest) throws Exception {
    for (String split : List.of("train", "validation", "test")) {
      List<String> expected = SplitRows.of(local, split);
      assertEquals(split, manifest.at("/splits/" + split + "/rows").asLong(), expected.size());
      assertEquals(split, expected, SplitRows.of(remote, split));
      for (JsonNode o : manifest.at("/splits/" + split + "/outputs")) {
        String folder = o.get("name").asText().substring(split.length() + 1);
        if (!o.get("format").asText().equals("parquet") && !o.get("format").asText().equals("mltable")) {
          assertEquals(split + "/" + folder, textLines(local, split, folder), textLines(remote, split, folder));
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** One dataset: its run file, local input, the input in the store (a glob or a folder), its file, output prefix. */
  private record Dataset(String config, Path local, String input, String file, String output) {}

  private static final List<Dataset> DATASETS =
      List.of(
          new Dataset(VERTEBRAL_CONFIG, VERTEBRAL, "raw/vertebral/*.arff", "column_2C_weka.arff", "sets/vertebral/"),
          new Dataset(HEART_CONFIG, HEART, "raw/heart/", "heart_failure_clinical_records_dataset.csv", "sets/heart/"));

  @Test
  public void givenS3_bothDatasetsAreReadSplitAndWrittenThere_andTheObjectsMatchTheManifestAndTheLocalRun() throws Exception {
    for (Dataset d : DATASETS) {
      Path local = localRun(d.config(), d.local(), "local");
      String root = "s3://" + BUCKET + "/";
      List<String> a = args("run", "--config", d.config(), "--input", root + d.input(), "--output", root + d.output(), "--run-id", "s3-run");
      a.addAll(s3Flags());
      ObjectStores.Cli r = trainset(a);
      assertEquals(r.all(), 0, r.code());
      assertThat(r.stdout(), containsString("\"output\":\"" + root + d.output() + "\""));
      Map<String, byte[]> objects = s3Objects(d.output());
      JsonNode m = assertStoreMatchesManifest(objects, root + d.output());
      String input = d.input().substring(0, d.input().lastIndexOf('/') + 1) + d.file();
      assertEquals(root + input, m.at("/inputs/0/path").asText());
      assertSameRows(local, download(objects), m);
      assertNoSecrets("stdout and stderr", r.all());
      assertNoSecrets("manifest", new String(objects.get("manifest.json"), StandardCharsets.UTF_8));
    }
  }

  @Test
  public void givenAzureBlob_bothDatasetsAreReadSplitAndWrittenThere_throughAbfssAndWasbsUris() throws Exception {
    assumeAzurite();
    for (Dataset d : DATASETS) {
      Path local = localRun(d.config(), d.local(), "local");
      String azfs = "azfs://" + ObjectStores.AZURE_ACCOUNT + "/" + CONTAINER + "/";
      // The input as ADLS Gen2 names it, the output as the Blob service does: both are translated to azfs://.
      List<String> a =
          args("run", "--config", d.config(),
              "--input", "abfss://" + CONTAINER + "@" + ObjectStores.AZURE_ACCOUNT + ".dfs.core.windows.net/" + d.input(),
              "--output", "wasbs://" + CONTAINER + "@" + ObjectStores.AZURE_ACCOUNT + ".blob.core.windows.net/" + d.output(),
              "--run-id", "azure-run");
      a.addAll(azureFlags());
      ObjectStores.Cli r = trainset(a);
      assertEquals(r.all(), 0, r.code());
      assertThat(r.stdout(), containsString("\"output\":\"" + azfs + d.output() + "\""));
      Map<String, byte[]> objects = azureObjects(d.output());
      JsonNode m = assertStoreMatchesManifest(objects, azfs + d.output());
      String input = d.input().substring(0, d.input().lastIndexOf('/') + 1) + d.file();
      assertEquals(azfs + input, m.at("/inputs/0/path").asText());
      assertSameRows(local, download(objects), m);
      assertNoSecrets("stdout and stderr", r.all());
      assertNoSecrets("manifest", new String(objects.get("manifest.json"), StandardCharsets.UTF_8));
    }
  }

  /** A lock of a run that is writing the output (OutputLock's form), as another process on another host leaves it. */
  private static final String LIVE_LOCK = "{\"runId\":\"other-run\",\"host\":\"airflow-worker-2\",\"pid\":4242,\"since\":\"2026-12-01T10:00:00Z\",\"held\":true}\n";

  @Test
  public void givenS3_evaluateReadsTheTrainingSetAndTheModelThere_andWritesItsMetricsAndReportBesideTheManifest() throws Exception {
    Dataset d = DATASETS.get(0);
    Path local = SERVERS.newFolder().toPath(); // its own, not the shared local run: evaluate writes beside the manifest
    ObjectStores.Cli ingested = trainset(args("run", "--config", d.config(), "--input", d.local().toString(), "--output", local.toString()));
    assertEquals(ingested.all(), 0, ingested.code());
    byte[] model = EvaluateTest.binaryModelTarGz(local.resolve("train/csv/part-00000.csv"));
    Path localModel = SERVERS.newFile("model.tar.gz").toPath();
    Files.write(localModel, model);
    s3Client.putObject(b -> b.bucket(BUCKET).key("models/vertebral/output/model.tar.gz"), RequestBody.fromBytes(model));
    String root = "s3://" + BUCKET + "/";
    List<String> run = args("run", "--config", d.config(), "--input", root + d.input(), "--output", root + "evaluated/" + d.output());
    run.addAll(s3Flags());
    ObjectStores.Cli r = trainset(run);
    assertEquals(r.all(), 0, r.code());

    List<String> a =
        args("evaluate", "--manifest", root + "evaluated/" + d.output(), "--model", root + "models/vertebral/output/model.tar.gz", "--threshold", "0.65");
    a.addAll(s3Flags());
    ObjectStores.Cli e = trainset(a);
    assertEquals(e.all(), 0, e.code());
    assertThat(e.stdout(), containsString("\"evaluation\":\"" + root + "evaluated/" + d.output() + "evaluation.json\""));
    Map<String, byte[]> objects = s3Objects("evaluated/" + d.output());
    JsonNode inStore = JSON.readTree(objects.get("evaluation.json"));
    assertTrue(new String(objects.get("report.html"), StandardCharsets.UTF_8).contains("<h2>Evaluation</h2>"));

    ObjectStores.Cli here = trainset(args("evaluate", "--manifest", local.toString(), "--model", localModel.toString(), "--threshold", "0.65"));
    assertEquals(here.all(), 0, here.code());
    JsonNode fromLocal = JSON.readTree(local.resolve("evaluation.json").toFile());
    assertEquals(fromLocal.get("metrics"), inStore.get("metrics"));
    assertEquals(fromLocal.get("confusionMatrix"), inStore.get("confusionMatrix"));
    assertEquals(31, inStore.get("rows").asLong());
    assertEquals(root + "models/vertebral/output/model.tar.gz", inStore.get("model").asText());
  }

  @Test
  public void givenAnotherRunWritingTheS3Output_aRunFailsAtOnceNamingIt_andRunsOnceThatRunIsDone() throws Exception {
    Dataset d = DATASETS.get(0);
    String out = "locked/vertebral";
    String lock = out + "/_trainset/locks/0000000000001-0a1b2c3d-000001.json";
    s3Client.putObject(b -> b.bucket(BUCKET).key(lock), RequestBody.fromString(LIVE_LOCK));
    List<String> a = args("run", "--config", d.config(), "--input", "s3://" + BUCKET + "/" + d.input(), "--output", "s3://" + BUCKET + "/" + out);
    a.addAll(s3Flags());
    ObjectStores.Cli blocked = trainset(a);
    assertEquals(blocked.all(), 2, blocked.code());
    assertThat(blocked.stderr(), containsString(
        "is being written by run other-run (airflow-worker-2, process 4242, since 2026-12-01T10:00:00Z); only one run writes an output at a time"));
    assertEquals("nothing written beside the lock", List.of("_trainset/locks/0000000000001-0a1b2c3d-000001.json"), new ArrayList<>(s3Objects(out + "/").keySet()));
    s3Client.deleteObject(b -> b.bucket(BUCKET).key(lock));
    ObjectStores.Cli r = trainset(a);
    assertEquals(r.all(), 0, r.code());
    assertStoreMatchesManifest(s3Objects(out + "/"), "s3://" + BUCKET + "/" + out + "/");
    assertFalse("the run gave its lock up", s3Objects(out + "/").keySet().stream().anyMatch(k -> k.startsWith("_trainset/locks/")));
  }

  @Test
  public void givenAnotherRunWritingTheAzureOutput_aRunFailsAtOnceNamingIt_andRunsOnceThatRunIsDone() throws Exception {
    assumeAzurite();
    Dataset d = DATASETS.get(0);
    String out = "locked/vertebral";
    String lock = out + "/_trainset/locks/0000000000001-0a1b2c3d-000001.json";
    blobs.getBlobClient(lock).upload(com.azure.core.util.BinaryData.fromString(LIVE_LOCK));
    String azfs = "azfs://" + ObjectStores.AZURE_ACCOUNT + "/" + CONTAINER + "/";
    List<String> a = args("run", "--config", d.config(), "--input", azfs + d.input(), "--output", azfs + out);
    a.addAll(azureFlags());
    ObjectStores.Cli blocked = trainset(a);
    assertEquals(blocked.all(), 2, blocked.code());
    assertThat(blocked.stderr(), containsString("is being written by run other-run (airflow-worker-2, process 4242"));
    blobs.getBlobClient(lock).delete();
    ObjectStores.Cli r = trainset(a);
    assertEquals(r.all(), 0, r.code());
    assertStoreMatchesManifest(azureObjects(out + "/"), azfs + out + "/");
    assertFalse("the run gave its lock up", azureObjects(out + "/").keySet().stream().anyMatch(k -> k.startsWith("_trainset/locks/")));
  }

  @Test
  public void export_ofALocalTrainingSetToS3_convertsToSageMakerCsvAndMLTable_verifiedObjectByObject_andASecondExportIsANoOp()
      throws Exception {
    // heart-failure.yaml writes Parquet and JSON Lines: the CSV is made from the Parquet files.
    Path local = localRun(HEART_CONFIG, HEART, "local");
    String dest = "s3://" + BUCKET + "/exports/heart/";
    List<String> a = args("export", "--from", local.toString(), "--to", dest, "--format", "sagemaker-csv,mltable");
    a.addAll(s3Flags());
    ObjectStores.Cli r = trainset(a);
    assertEquals(r.all(), 0, r.code());
    Map<String, byte[]> objects = s3Objects("exports/heart/");
    JsonNode m = assertStoreMatchesManifest(objects, dest);
    assertExported(local, m, objects, "none");
    assertNoSecrets("stdout and stderr", r.all());

    // Again: nothing to do, nothing written.
    Map<String, String> before = lastModified("exports/heart/");
    ObjectStores.Cli again = trainset(a);
    assertEquals(again.all(), 0, again.code());
    assertThat(again.stderr(), containsString("already complete"));
    assertThat(again.stdout(), containsString("\"status\":\"already-complete\""));
    assertEquals("a second export writes nothing (its lock comes and goes)", before, lastModified("exports/heart/"));
  }

  @Test
  public void export_ofALocalTrainingSetToAzurite_withGzipCsvAndMLTable_verifiedObjectByObject_andASecondExportIsANoOp()
      throws Exception {
    assumeAzurite();
    Path local = localRun(VERTEBRAL_CONFIG, VERTEBRAL, "local");
    String dest = "azfs://" + ObjectStores.AZURE_ACCOUNT + "/" + CONTAINER + "/exports/vertebral/";
    List<String> a = args("export", "--from", local.toString(), "--to", dest, "--format", "sagemaker-csv", "--format", "mltable", "--compression", "gzip");
    a.addAll(azureFlags());
    ObjectStores.Cli r = trainset(a);
    assertEquals(r.all(), 0, r.code());
    Map<String, byte[]> objects = azureObjects("exports/vertebral/");
    JsonNode m = assertStoreMatchesManifest(objects, dest);
    assertExported(local, m, objects, "gzip");

    Map<String, String> before = new TreeMap<>();
    blobs.listBlobs(new ListBlobsOptions().setPrefix("exports/vertebral/"), null)
        .forEach(b -> before.put(b.getName(), b.getProperties().getETag()));
    ObjectStores.Cli again = trainset(a);
    assertEquals(again.all(), 0, again.code());
    assertThat(again.stdout(), containsString("\"status\":\"already-complete\""));
    Map<String, String> after = new TreeMap<>();
    blobs.listBlobs(new ListBlobsOptions().setPrefix("exports/vertebral/"), null)
        .forEach(b -> after.put(b.getName(), b.getProperties().getETag()));
    assertEquals(before, after);
  }

  /** An export holds per split Parquet (copied), headerless CSV (made from it) and an MLTable over the Parquet. */
  private void assertExported(Path local, JsonNode m, Map<String, byte[]> objects, String compression) throws Exception {
    Path remote = download(objects);
    JsonNode source = JSON.readTree(local.resolve("manifest.json").toFile());
    assertEquals(source.get("runId"), m.get("runId"));
    assertEquals(source.get("split"), m.get("split"));
    assertEquals(List.of("parquet", "sagemaker-csv"), formats(m.at("/export/formats")));
    for (String split : List.of("train", "validation", "test")) {
      List<String> formats = new ArrayList<>();
      for (JsonNode o : m.at("/splits/" + split + "/outputs")) {
        formats.add(o.get("format").asText());
        if (o.get("format").asText().equals("sagemaker-csv")) {
          assertEquals(compression, o.get("compression").asText());
          assertEquals("text/csv", o.get("contentType").asText());
        }
      }
      assertEquals(List.of("parquet", "sagemaker-csv", "mltable"), formats);
      // Parquet copied byte for byte: the same sha256 as the source manifest.
      JsonNode sourceParquet = parquetFiles(source, split);
      assertEquals(sourceParquet, stripPaths(parquetFiles(m, split), sourceParquet));
      // The CSV: one line per row, the label first, no header, the same rows as the Parquet.
      List<String> parquet = SplitRows.of(remote, split);
      List<String> csv = textLines(remote, split, "csv");
      assertEquals(split, parquet.size(), csv.size());
      assertEquals(split, m.at("/splits/" + split + "/rows").asLong(), csv.size());
      List<String> fromParquet = new ArrayList<>();
      for (String row : parquet) {
        fromParquet.add(row.substring(0, row.length() - 1).replace("|", ",").replace("true", "1").replace("false", "0"));
      }
      List<String> csvAsDuck = new ArrayList<>();
      for (String line : csv) {
        csvAsDuck.add(line);
      }
      assertEquals(split + ": CSV rows vs Parquet rows", normalise(fromParquet), normalise(csvAsDuck));
      assertEquals("./parquet/*.parquet", new String(objects.get(split + "/MLTable"), StandardCharsets.UTF_8).lines()
          .filter(l -> l.contains("pattern:")).findFirst().orElseThrow().replace("- pattern:", "").trim());
    }
  }

  private static JsonNode parquetFiles(JsonNode manifest, String split) {
    for (JsonNode o : manifest.at("/splits/" + split + "/outputs")) {
      if (o.get("format").asText().equals("parquet")) {
        return o.get("files");
      }
    }
    throw new AssertionError("no parquet output for " + split);
  }

  /** Numbers compared as numbers (DuckDB prints 2.0 where the CSV has 2). */
  private static List<String> normalise(List<String> rows) {
    List<String> out = new ArrayList<>();
    for (String r : rows) {
      StringBuilder b = new StringBuilder();
      for (String v : r.split(",", -1)) {
        b.append(new java.math.BigDecimal(v).stripTrailingZeros().toPlainString()).append(',');
      }
      out.add(b.toString());
    }
    out.sort(null);
    return out;
  }

  private static List<String> formats(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The exported file list with the source's paths, so that sizes and hashes compare directly. */
  private static JsonNode stripPaths(JsonNode exported, JsonNode source) {
    com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
    for (int i = 0; i < exported.size(); i++) {
      com.fasterxml.jackson.databind.node.ObjectNode f = exported.get(i).deepCopy();
      f.put("path", source.get(i).get("path").asText());
      out.add(f);
    }
    return out;
  }

  private static Map<String, String> lastModified(String prefix) {
    Map<String, String> out = new TreeMap<>();
    for (S3Object o : s3Client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()) {
      // s3proxy's file-system backend lists its folders too (S3 has none); a run's lock changes _trainset/'s time.
      if (!o.key().endsWith("/")) {
        out.put(o.key(), o.lastModified() + " " + o.eTag());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Secrets: never in a line trainset prints (with --verbose: library logs and stack traces too), nor in any object.

  @Test
  public void withVerbose_onS3AndAzure_succeedingAndFailing_noSecretIsInAnyLineOrWrittenObject() throws Exception {
    Dataset d = DATASETS.get(1);
    String s3Out = "secrets/s3";
    List<String> s3 = args("run", "--config", d.config(), "--input", "s3://" + BUCKET + "/" + d.input(),
        "--output", "s3://" + BUCKET + "/" + s3Out, "--verbose");
    s3.addAll(s3Flags());
    ObjectStores.Cli ok = trainset(s3);
    assertEquals(ok.all(), 0, ok.code());
    assertThat("--verbose prints the effective configuration", ok.stderr(), containsString("trainset: effective configuration: "));
    assertNoSecrets("a --verbose run's stdout and stderr", ok.all());
    for (Map.Entry<String, byte[]> o : s3Objects(s3Out + "/").entrySet()) {
      assertNoSecrets(o.getKey(), new String(o.getValue(), StandardCharsets.ISO_8859_1));
    }
    Map<String, String> wrong = new HashMap<>(ObjectStores.credentials());
    wrong.put("AWS_SECRET_ACCESS_KEY", ObjectStores.S3_SECRET_KEY + "-rotated");
    List<String> again = new ArrayList<>(s3);
    again.set(again.indexOf("s3://" + BUCKET + "/" + s3Out), "s3://" + BUCKET + "/secrets/s3-denied");
    ObjectStores.Cli denied = ObjectStores.trainset(wrong, again);
    assertEquals(denied.all(), 2, denied.code());
    assertThat(denied.all(), not(containsString(ObjectStores.S3_SECRET_KEY)));

    assumeAzurite();
    String azfs = "azfs://" + ObjectStores.AZURE_ACCOUNT + "/" + CONTAINER + "/";
    List<String> az = args("run", "--config", d.config(), "--input", azfs + d.input(), "--output", azfs + "secrets/azure", "--verbose");
    az.addAll(azureFlags());
    ObjectStores.Cli azOk = trainset(az);
    assertEquals(azOk.all(), 0, azOk.code());
    assertNoSecrets("a --verbose Azure run's stdout and stderr", azOk.all());
    for (Map.Entry<String, byte[]> o : azureObjects("secrets/azure/").entrySet()) {
      assertNoSecrets(o.getKey(), new String(o.getValue(), StandardCharsets.ISO_8859_1));
    }
    Map<String, String> wrongKey = new HashMap<>(ObjectStores.credentials());
    wrongKey.put("AZURE_STORAGE_KEY", ObjectStores.AZURE_KEY.substring(4) + "AAAA");
    ObjectStores.Cli azDenied = ObjectStores.trainset(wrongKey, az);
    assertEquals(azDenied.all(), 2, azDenied.code());
    assertNoSecrets("a --verbose Azure run refused", azDenied.all());
    assertThat(azDenied.all(), not(containsString(wrongKey.get("AZURE_STORAGE_KEY").substring(0, 20))));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Errors: one line naming the location, the store and the problem; exit 2 (or 3 for a missing input); no _SUCCESS.

  private static ObjectStores.Cli failing(Map<String, String> env, List<String> a) throws Exception {
    ObjectStores.Cli r = ObjectStores.trainset(env, a);
    assertEquals("stderr must be one line:\n" + r.stderr(), 1, r.stderr().strip().lines().count());
    // stdout: only the failed run's result line, carrying the same error as stderr
    String[] out = r.stdout().strip().split("\n");
    assertEquals("one result line on stdout:\n" + r.stdout(), 1, out.length);
    JsonNode result = new ObjectMapper().readTree(out[0].substring("TRAINSET_RESULT ".length()));
    assertEquals(r.stdout(), "failed", result.get("status").asText());
    assertEquals(r.stderr().strip(), "trainset: error: " + result.get("error").asText());
    assertNoSecrets("error line", r.all());
    return r;
  }

  @Test
  public void givenWrongCredentials_aMissingBucketOrAnUnreachableEndpoint_s3RunsFailInOneLineAndWriteNothing() throws Exception {
    String out = "s3://" + BUCKET + "/errors/out/";
    Map<String, String> wrong = new HashMap<>(ObjectStores.credentials());
    wrong.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
    List<String> a = args("run", "--config", VERTEBRAL_CONFIG, "--output", out);
    a.addAll(s3Flags());
    ObjectStores.Cli r = failing(wrong, a);
    assertEquals(2, r.code());
    assertThat(r.stderr(), containsString("output.path '" + out + "': the S3 endpoint http://127.0.0.1:" + s3.port
        + " refused the AWS credentials from the default chain (SignatureDoesNotMatch)"));

    Map<String, String> none = new HashMap<>(ObjectStores.credentials());
    none.remove("AWS_ACCESS_KEY_ID");
    none.remove("AWS_SECRET_ACCESS_KEY");
    r = failing(none, a);
    assertEquals(2, r.code());
    assertThat(r.stderr(), containsString("no AWS credentials found"));

    List<String> missing = args("run", "--config", VERTEBRAL_CONFIG, "--output", "s3://no-such-bucket/out/");
    missing.addAll(s3Flags());
    r = failing(ObjectStores.credentials(), missing);
    assertEquals(2, r.code());
    assertThat(r.stderr(), containsString("output.path 's3://no-such-bucket/out/': bucket 'no-such-bucket' does not exist at the S3 endpoint"));

    List<String> missingInput = args("run", "--config", VERTEBRAL_CONFIG, "--input", "s3://no-such-bucket/raw/", "--output", out);
    missingInput.addAll(s3Flags());
    r = failing(ObjectStores.credentials(), missingInput);
    assertEquals(3, r.code());
    assertThat(r.stderr(), containsString("input.path 's3://no-such-bucket/raw/': bucket 'no-such-bucket' does not exist"));

    int closed = ObjectStores.freePort();
    r = failing(ObjectStores.credentials(), args("run", "--config", VERTEBRAL_CONFIG, "--output", out, "--storage.s3.endpoint=http://127.0.0.1:" + closed));
    assertEquals(2, r.code());
    assertThat(r.stderr(), containsString("cannot reach the S3 endpoint http://127.0.0.1:" + closed + " (connection refused)"));

    assertEquals(Map.of(), s3Objects("errors/"));
  }

  @Test
  public void givenWrongCredentials_aMissingContainerOrAnUnreachableEndpoint_azureRunsFailInOneLineAndWriteNothing() throws Exception {
    assumeAzurite();
    String out = "azfs://" + ObjectStores.AZURE_ACCOUNT + "/" + CONTAINER + "/errors/out/";
    Map<String, String> wrong = new HashMap<>(ObjectStores.credentials());
    wrong.put("AZURE_STORAGE_KEY", java.util.Base64.getEncoder().encodeToString("not the account key".getBytes(StandardCharsets.UTF_8)));
    List<String> a = args("run", "--config", VERTEBRAL_CONFIG, "--output", out);
    a.addAll(azureFlags());
    ObjectStores.Cli r = failing(wrong, a);
    assertEquals(2, r.code());
    assertThat(r.stderr(), containsString("output.path '" + out + "': Azure storage account 'devstoreaccount1' at "
        + ObjectStores.azureEndpoint(azurite.port) + " refused the account key in AZURE_STORAGE_KEY"));

    Map<String, String> none = new HashMap<>(ObjectStores.credentials());
    none.remove("AZURE_STORAGE_KEY");
    r = failing(none, a);
    assertEquals(2, r.code());
    assertThat(r.stderr(), containsString("is plain http, where DefaultAzureCredential's tokens are refused"));

    List<String> missing = args("run", "--config", VERTEBRAL_CONFIG, "--output", "azfs://devstoreaccount1/no-such-container/out/");
    missing.addAll(azureFlags());
    r = failing(ObjectStores.credentials(), missing);
    assertEquals(2, r.code());
    assertThat(r.stderr(), containsString("container 'no-such-container' does not exist in Azure storage account 'devstoreaccount1'"));

    int closed = ObjectStores.freePort();
    r = failing(ObjectStores.credentials(), args("run", "--config", VERTEBRAL_CONFIG, "--output", out,
        "--storage.azure.endpoint=http://127.0.0.1:" + closed + "/devstoreaccount1"));
    assertEquals(2, r.code());
    assertThat(r.stderr(), containsString("cannot reach Azure storage account 'devstoreaccount1' at http://127.0.0.1:" + closed));

    assertEquals(Map.of(), azureObjects("errors/"));
  }
}
