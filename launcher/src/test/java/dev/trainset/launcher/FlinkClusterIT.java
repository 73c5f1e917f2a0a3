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
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
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
  @Rule public final Timeout timeout = Timeout.seconds(300);

  @BeforeClass
  public static void startCluster() throws Exception {
    stopHook = new Thread(FlinkClusterIT::stop);
    Runtime.getRuntime().addShutdownHook(stopHook);
    Process p =
        new ProcessBuilder(PROJECT.resolve("runner-configs/flink-cluster/start-local-cluster.sh").toString(), STATE.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("cluster start timed out", p.waitFor(180, TimeUnit.SECONDS));
    assertEquals("start-local-cluster.sh failed:\n" + out, 0, p.exitValue());
  }

  @AfterClass
  public static void stopCluster() {
    stop();
    Runtime.getRuntime().removeShutdownHook(stopHook);
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

  private static List<String> rows(File out, String split) throws Exception {
    Class.forName("org.duckdb.DuckDBDriver");
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + out + "/" + split + "/parquet/*.parquet') ORDER BY ALL")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(rs.getObject(i)).append('|');
        }
        rows.add(b.toString());
      }
    }
    return rows;
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

    // Both of the run's jobs (schema inference, ingest) ran on the cluster and finished there.
    List<String> finished = new ArrayList<>();
    for (JsonNode j : jobs()) {
      if (j.get("name").asText().endsWith("-it-cluster")) {
        assertEquals(j.toString(), "FINISHED", j.get("state").asText());
        finished.add(j.get("name").asText());
      }
    }
    finished.sort(null);
    assertEquals(List.of("trainset-ingest-it-cluster", "trainset-schema-it-cluster"), finished);

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
      List<String> expected = rows(direct, s);
      assertEquals(s, expected, rows(cluster, s));
      total += expected.size();
    }
    assertEquals(299, total);
  }
}
