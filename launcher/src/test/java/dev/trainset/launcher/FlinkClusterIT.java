package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * trainset on a real Flink 1.19 standalone session cluster (JobManager and TaskManager JVMs started from the Maven
 * artifacts by runner-configs/flink-cluster/start-local-cluster.sh, on 127.0.0.1), submitted with
 * runner-configs/flink-cluster.yaml and the runnable jar staged: the jobs must be FINISHED in the cluster's REST API
 * and the output (an exact stratified split) must equal the DirectRunner's, split by split and row for row. The cluster is stopped by its PIDs even when a test
 * fails (and by a shutdown hook if the JVM dies first).
 */
public class FlinkClusterIT {
  private static final Path PROJECT = Paths.get(System.getProperty("trainset.project.dir", "..")).toAbsolutePath();
  private static final Path STATE = PROJECT.resolve("launcher/target/flink-it");
  private static final String REST = "http://127.0.0.1:18081";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Thread stopHook;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(480);

  @ClassRule public static final TemporaryFolder SERVERS = new TemporaryFolder();
  private static final String BUCKET = "trainset-flink-it";
  private static ObjectStores.Server s3;

  @BeforeClass
  public static void startCluster() throws Exception {
    // An S3-compatible store for the cluster's workers to read from and write to (ObjectStores, s3proxy).
    s3 = ObjectStores.startS3(SERVERS.newFolder("s3").toPath(), BUCKET);
    stopHook = new Thread(FlinkClusterIT::stop);
    Runtime.getRuntime().addShutdownHook(stopHook);
    ProcessBuilder start =
        new ProcessBuilder(PROJECT.resolve("runner-configs/flink-cluster/start-local-cluster.sh").toString(), STATE.toString())
            .redirectErrorStream(true);
    // The TaskManager's own credentials, from its environment, as on a real cluster (the pipeline carries none).
    start.environment().putAll(ObjectStores.credentials());
    Process p = start.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("cluster start timed out", p.waitFor(180, TimeUnit.SECONDS));
    assertEquals("start-local-cluster.sh failed:\n" + out, 0, p.exitValue());
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    stop();
    Runtime.getRuntime().removeShutdownHook(stopHook);
    if (s3 != null) {
      s3.close();
    }
  }

  private static void stop() {
    try {
      new ProcessBuilder(PROJECT.resolve("runner-configs/flink-cluster/stop-local-cluster.sh").toString(), STATE.toString())
          .inheritIO()
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("could not stop the Flink cluster in " + STATE, e);
    }
  }

  private static int cli(List<String> args, StringBuilder stdout) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Trainset.execute(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    stdout.append(out.toString(StandardCharsets.UTF_8));
    return code;
  }

  private static JsonNode jobs() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(REST + "/jobs/overview")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return JSON.readTree(r.body()).get("jobs");
  }



  @Test
  public void heartFailureOnTheCluster_finishesThereAndEqualsTheDirectRunnerOutput() throws Exception {
    String input = PROJECT.resolve("runner-configs/examples/data/heart-failure/heart_failure_clinical_records_dataset.csv").toString();
    File direct = tmp.newFolder("direct");
    File cluster = tmp.newFolder("cluster");
    StringBuilder ignored = new StringBuilder();
    List<String> split = List.of("--set", "label.column=DEATH_EVENT", "--set", "split.method=stratified", "--set", "split.seed=7");
    List<String> directArgs = new ArrayList<>(List.of("run", "--input", input, "--output", direct.toString(), "--run-id", "it-direct"));
    directArgs.addAll(split);
    assertEquals(0, cli(directArgs, ignored));

    StringBuilder stdout = new StringBuilder();
    List<String> clusterArgs =
        new ArrayList<>(
            List.of(
                "run", "--input", input, "--output", cluster.toString(), "--run-id", "it-cluster",
                "--runner-config", PROJECT.resolve("runner-configs/flink-cluster.yaml").toString(),
                "--filesToStage=" + System.getProperty("trainset.jar")));
    clusterArgs.addAll(split);
    int code = cli(clusterArgs, stdout);
    assertEquals(stdout.toString(), 0, code);

    // Both of the run's jobs (the first pass: schema and split plan; the writing pass) ran on the cluster and finished.
    List<String> finished = new ArrayList<>();
    for (JsonNode j : jobs()) {
      if (j.get("name").asText().endsWith("-it-cluster")) {
        assertEquals(j.toString(), "FINISHED", j.get("state").asText());
        finished.add(j.get("name").asText());
      }
    }
    finished.sort(null);
    assertEquals(List.of("trainset-ingest-it-cluster", "trainset-plan-it-cluster"), finished);
    // Progress on a cluster follows the job about to be submitted: a finished job of the same name (a retried run) is
    // not taken for it, and a name the cluster does not know gives no count. (A running job's count, the vertex's
    // numSplitsProcessed, is gone from the REST API once its tasks end; BENCHMARKS.md shows it on a 10M-row run.)
    FlinkRestProgress progress = new FlinkRestProgress(REST);
    assertEquals(-1, progress.follow("trainset-ingest-it-cluster").getAsLong());
    assertEquals(-1, progress.slicesDone("trainset-ingest-no-such-run", java.util.Set.of()));

    JsonNode m = JSON.readTree(new File(cluster, "manifest.json"));
    assertEquals("FlinkRunner", m.get("runner").asText());
    assertEquals(299, m.at("/counts/written").asLong());
    JsonNode d = JSON.readTree(new File(direct, "manifest.json"));
    assertEquals(d.get("schema"), m.get("schema"));
    // The same split: class counts per split, the apportionment, and the rows of every split.
    assertEquals(d.get("split"), m.get("split"));
    assertEquals("{\"train\":239,\"validation\":30,\"test\":30}", m.at("/split/totals").toString());
    int total = 0;
    for (String s : List.of("train", "validation", "test")) {
      assertEquals(d.at("/splits/" + s + "/classCounts"), m.at("/splits/" + s + "/classCounts"));
      List<String> expected = SplitRows.of(direct.toPath(), s);
      assertEquals(s, expected, SplitRows.of(cluster.toPath(), s));
      total += expected.size();
    }
    assertEquals(299, total);
    assertEquals("the same files, byte for byte", digests(d, direct), digests(m, cluster));
  }

  /** Starts another TaskManager for the running cluster (after one was killed), with the same credentials. */
  private static void startTaskManager() throws Exception {
    ProcessBuilder start =
        new ProcessBuilder(
                PROJECT.resolve("runner-configs/flink-cluster/start-local-cluster.sh").toString(), STATE.toString(), "taskmanager")
            .redirectErrorStream(true);
    start.environment().putAll(ObjectStores.credentials());
    Process p = start.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("TaskManager start timed out", p.waitFor(180, TimeUnit.SECONDS));
    assertEquals("start-local-cluster.sh taskmanager failed:\n" + out, 0, p.exitValue());
  }

  private static String jobState(String name) throws Exception {
    String state = null;
    for (JsonNode j : jobs()) {
      if (j.get("name").asText().equals(name)) {
        state = j.get("state").asText();
      }
    }
    return state;
  }

  @Test
  public void theTaskManagerKilledDuringTheWritingPass_neverGivesSuccessWithMissingRows_andTheSameRunIdCompletesExactly()
      throws Exception {
    File in = tmp.newFile("big.csv");
    try (java.io.BufferedWriter w = Files.newBufferedWriter(in.toPath(), StandardCharsets.UTF_8)) {
      w.write("id,a,b,label\n");
      for (int i = 0; i < 1_500_000; i++) {
        w.write(i + "," + (i % 997) * 0.5 + "," + (i * 7919L % 10007) + "," + (i % 3 == 0 ? "Normal" : "Abnormal") + "\n");
      }
    }
    File out = new File(tmp.getRoot(), "out");
    List<String> args =
        List.of(
            "run", "--input", in.toString(), "--output", out.toString(), "--run-id", "it-tm-kill",
            "--set", "label.column=label", "--set", "split.method=stratified",
            "--runner-config", PROJECT.resolve("runner-configs/flink-cluster.yaml").toString(),
            "--filesToStage=" + System.getProperty("trainset.jar"));
    StringBuilder firstOut = new StringBuilder();
    java.util.concurrent.CompletableFuture<Integer> first =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> cli(args, firstOut));
    long deadline = System.currentTimeMillis() + 180_000;
    while (!"RUNNING".equals(jobState("trainset-ingest-it-tm-kill")) && !first.isDone() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals("the writing job was running when its TaskManager was killed", "RUNNING", jobState("trainset-ingest-it-tm-kill"));
    Thread.sleep(1_000);
    long tm = Long.parseLong(Files.readString(STATE.resolve("tm.pid")).trim());
    new ProcessBuilder("kill", "-9", String.valueOf(tm)).inheritIO().start().waitFor();
    startTaskManager(); // the cluster gets a TaskManager back, as a supervisor would give it

    int code = first.get(240, TimeUnit.SECONDS);
    JsonNode result = null;
    for (String line : firstOut.toString().split("\n")) {
      if (line.startsWith("TRAINSET_RESULT ")) {
        result = JSON.readTree(line.substring("TRAINSET_RESULT ".length()));
      }
    }
    if (code == 0) {
      // Flink restarted the job on the new TaskManager: then the output must be whole.
      assertEquals("succeeded", result.get("status").asText());
    } else {
      // The job failed: one clear result, no _SUCCESS, and a retry with the same run id completes.
      assertEquals(firstOut.toString(), "failed", result.get("status").asText());
      assertEquals(code, result.get("exitCode").asInt());
      assertTrue(result.toString(), result.get("error").asText().startsWith("the ingest job "));
      assertTrue(!new File(out, "_SUCCESS").exists());
      StringBuilder retryOut = new StringBuilder();
      assertEquals(retryOut.toString(), 0, cli(args, retryOut));
    }
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertTrue(new File(out, "_SUCCESS").exists());
    assertEquals("{\"read\":1500000,\"written\":1500000,\"rejected\":0}", m.get("counts").toString());
    assertEquals("{\"train\":1200000,\"validation\":150000,\"test\":150000}", m.at("/split/totals").toString());
    // Every row once: as many rows in the Parquet files of the three splits as distinct ids, and as many as were read.
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.ResultSet rs = c.createStatement().executeQuery(
            "SELECT count(*), count(DISTINCT id) FROM read_parquet('" + out + "/*/parquet/*.parquet')")) {
      assertTrue(rs.next());
      assertEquals(1_500_000, rs.getLong(1));
      assertEquals(1_500_000, rs.getLong(2));
    }
  }

  @Test
  public void aStreamOnTheCluster_recoversFromItsTaskManagerKilled_andWritesExactlyTheProducedRecordsOnce() throws Exception {
    KafkaBroker kafka = KafkaBroker.start(tmp.newFolder("kafka").toPath());
    try {
      String topic = "cluster-stream";
      kafka.createTopic(topic, 2);
      java.time.Instant base = StreamRuns.future();
      kafka.produce(topic, 2, StreamRuns.records(base, 0, 2000));
      Path out = tmp.newFolder("stream-out").toPath();
      Path cfg = StreamRuns.config(kafka.bootstrap, tmp.getRoot().toPath(), topic, out);
      StreamRuns.Background run = new StreamRuns.Background(cfg, tmp.newFolder("stream-run").toPath(), List.of(
          "--stop-after-idle", "60s", "--runner-config", PROJECT.resolve("runner-configs/flink-cluster.yaml").toString(),
          "--filesToStage=" + System.getProperty("trainset.jar")));
      // The first 2,000 records are in a completed checkpoint and the first window is written; the second is open.
      run.awaitLine("caught up: 2,000 records checkpointed", 240);
      Path w0 = StreamRuns.window(out, base);
      long deadline = System.currentTimeMillis() + 60_000;
      while (!Files.exists(w0.resolve("_SUCCESS")) && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(Files.readString(run.stderr), Files.exists(w0.resolve("_SUCCESS")));
      String w0Manifest = StreamRuns.sha256(w0.resolve("manifest.json"));
      // The cluster checkpoints into the stream's checkpoint folder (not its JobManager's memory).
      Path checkpoints = StreamRuns.checkpoints(tmp.getRoot().toPath(), topic);
      try (var walk = Files.walk(checkpoints)) {
        assertTrue("no checkpoint in " + checkpoints, walk.anyMatch(f -> f.getFileName().toString().equals("_metadata") && f.getParent().getFileName().toString().startsWith("chk-")));
      }

      long tm = Long.parseLong(Files.readString(STATE.resolve("tm.pid")).trim());
      new ProcessBuilder("kill", "-9", String.valueOf(tm)).inheritIO().start().waitFor();
      kafka.produce(topic, 2, StreamRuns.records(base, 2000, 4000));
      startTaskManager(); // the cluster gets a TaskManager back, as a supervisor would give it
      run.awaitLine("the job failed and restarts from its last checkpoint", 180);

      assertTrue("the stream did not end:\n" + Files.readString(run.stderr), run.process.waitFor(300, TimeUnit.SECONDS));
      String err = Files.readString(run.stderr);
      assertEquals(err, 0, run.process.exitValue());
      assertTrue(err, err.contains("draining (closing every window)"));
      try (var left = Files.list(checkpoints)) {
        assertEquals("drained: nothing left to resume from", List.of("lock"), left.map(f -> f.getFileName().toString()).toList());
      }
      // Exactly the records produced, each once; the window completed before the kill is the same file, byte for byte.
      StreamRuns.assertExactlyTheFourThousand(out, base, w0Manifest);
    } finally {
      kafka.close();
    }
  }

  /** Every file a manifest lists, by its path in the output folder, with its sha256. */
  static java.util.Map<String, String> digests(JsonNode manifest, File root) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    for (JsonNode o : manifest.get("outputs")) {
      for (JsonNode f : o.get("files")) {
        out.put(f.get("path").asText().substring(root.getPath().length()), f.get("sha256").asText());
      }
    }
    return out;
  }

  @Test
  public void heartFailureFromS3ToS3OnTheCluster_finishesThereAndEqualsTheDirectRunnerOutput() throws Exception {
    Path input = PROJECT.resolve("runner-configs/examples/data/heart-failure/heart_failure_clinical_records_dataset.csv");
    try (var client = ObjectStores.s3(s3.port)) {
      client.putObject(b -> b.bucket(BUCKET).key("raw/heart.csv"), software.amazon.awssdk.core.sync.RequestBody.fromFile(input));
    }
    File direct = tmp.newFolder("direct");
    List<String> split = List.of("--set", "label.column=DEATH_EVENT", "--set", "split.method=stratified", "--set", "split.seed=11");
    List<String> directArgs = new ArrayList<>(List.of("run", "--input", input.toString(), "--output", direct.toString(), "--run-id", "it-s3-direct"));
    directArgs.addAll(split);
    assertEquals(0, cli(directArgs, new StringBuilder()));

    // The launcher (this JVM) reads its credentials from the default chain's Java system properties.
    System.setProperty("aws.accessKeyId", ObjectStores.S3_ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", ObjectStores.S3_SECRET_KEY);
    StringBuilder stdout = new StringBuilder();
    String out = "s3://" + BUCKET + "/sets/heart/";
    List<String> clusterArgs =
        new ArrayList<>(
            List.of(
                "run", "--input", "s3://" + BUCKET + "/raw/", "--output", out, "--run-id", "it-s3-cluster",
                "--storage.s3.endpoint=http://127.0.0.1:" + s3.port, "--storage.s3.region=us-east-1",
                "--runner-config", PROJECT.resolve("runner-configs/flink-cluster.yaml").toString(),
                "--filesToStage=" + System.getProperty("trainset.jar")));
    clusterArgs.addAll(split);
    int code;
    try {
      code = cli(clusterArgs, stdout);
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
    assertEquals(stdout.toString(), 0, code);
    for (JsonNode j : jobs()) {
      if (j.get("name").asText().endsWith("-it-s3-cluster")) {
        assertEquals(j.toString(), "FINISHED", j.get("state").asText());
      }
    }
    // Download what the cluster wrote; it must be what the manifest lists, and the DirectRunner's rows.
    File fromS3 = tmp.newFolder("from-s3");
    JsonNode m;
    try (var client = ObjectStores.s3(s3.port)) {
      for (var o : client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("sets/heart/")).contents()) {
        if (!o.key().endsWith("/")) {
          Path p = fromS3.toPath().resolve(o.key().substring("sets/heart/".length()));
          Files.createDirectories(p.getParent());
          Files.write(p, client.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray());
        }
      }
    }
    assertTrue(new File(fromS3, "_SUCCESS").isFile());
    m = JSON.readTree(new File(fromS3, "manifest.json"));
    assertEquals("FlinkRunner", m.get("runner").asText());
    for (JsonNode o : m.get("outputs")) {
      for (JsonNode f : o.get("files")) {
        String rel = f.get("path").asText().substring(out.length());
        byte[] b = Files.readAllBytes(fromS3.toPath().resolve(rel));
        assertEquals(rel, f.get("bytes").asLong(), b.length);
        assertEquals(rel, f.get("sha256").asText(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b)));
      }
    }
    JsonNode d = JSON.readTree(new File(direct, "manifest.json"));
    assertEquals(d.get("split"), m.get("split"));
    for (String s : List.of("train", "validation", "test")) {
      assertEquals(s, SplitRows.of(direct.toPath(), s), SplitRows.of(fromS3.toPath(), s));
    }
  }
}
