package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * {@code trainset stream} against a real Kafka 3.9 broker (KRaft, from Maven) on embedded Flink with checkpoints:
 * the runnable jar reads a two-partition topic until it is idle, drains, and every window's files, manifest and
 * {@code _SUCCESS} are there; DuckDB reads the rows back. A run stopped with SIGTERM (a savepoint) or killed with
 * SIGKILL (the last retained checkpoint) is resumed by the next run: exactly the records produced, each once.
 */
public class StreamKafkaIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final Timeout TIMEOUT = Timeout.seconds(900);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant BASE = Instant.parse("2026-03-01T10:00:00Z");
  private static KafkaBroker kafka;
  /** The Event Hubs-like listener's one password; a test secret, looked for in everything trainset prints. */
  private static final String SECRET = "kq7TestSecretKey0123456789abcdefABCDEF+/xyz=";
  private static final String CONNECTION_STRING =
      "Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + SECRET;

  @BeforeClass
  public static void startKafka() throws Exception {
    kafka = KafkaBroker.startEventHubsLike(TMP.newFolder("kafka").toPath(), CONNECTION_STRING);
  }

  @AfterClass
  public static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Path config(String topic, Path out) throws Exception {
    return StreamRuns.config(kafka.bootstrap, TMP.getRoot().toPath(), topic, out);
  }

  @Test
  public void givenTenThousandRecordsOverFourWindowsAndBadOnes_everyValidRecordIsWrittenOnce_andEveryBadOneRejected() throws Exception {
    String topic = "events";
    kafka.createTopic(topic, 2);
    List<byte[]> values = new ArrayList<>();
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      Instant t = BASE.plusMillis(i * 24L); // 240 s: four one-minute windows
      values.add(("{\"id\": " + i + ", \"ts\": \"" + t + "\", \"x\": " + (i * 0.5) + ", \"label\": \"" + (i % 4 == 0 ? "Abnormal" : "Normal") + "\"}")
          .getBytes(StandardCharsets.UTF_8));
    }
    String lastTs = BASE.plusMillis((n - 1) * 24L).toString();
    values.add("{not json".getBytes(StandardCharsets.UTF_8));
    values.add(("{\"ts\": \"" + lastTs + "\", \"x\": 1.0, \"label\": \"Normal\"}").getBytes(StandardCharsets.UTF_8)); // no id
    values.add(("{\"id\": \"seven\", \"ts\": \"" + lastTs + "\", \"x\": 1.0, \"label\": \"Normal\"}").getBytes(StandardCharsets.UTF_8));
    kafka.produce(topic, 2, values);

    Path out = TMP.newFolder("out").toPath();
    ObjectStores.Cli r = ObjectStores.trainset(Map.of(), List.of("stream", "--config", config(topic, out).toString(), "--stop-after-idle", "5s"));
    assertEquals(r.all(), 0, r.code());
    // Only trainset's own lines reach the terminal: no library log lines, no stack traces.
    for (String l : r.stderr().split("\n")) {
      assertTrue(r.stderr(), l.startsWith("trainset"));
    }
    assertTrue(r.stderr(), r.stderr().contains("draining (closing every window)"));
    assertTrue(r.stderr(), !r.stderr().contains("restarts from its last checkpoint"));
    JsonNode line = StreamRuns.resultLine(r.stdout());
    String result = line.toString();
    assertEquals(r.all(), "succeeded", line.get("status").asText());
    assertEquals(r.all(), n + 3, line.get("counts").get("read").asLong());
    assertEquals(n, line.get("counts").get("written").asLong());
    assertEquals(3, line.get("counts").get("rejected").asLong());
    assertEquals(4, line.get("windows").asLong());

    JsonNode latest = JSON.readTree(out.resolve("latest.json").toFile());
    long fromManifests = 0;
    long rejected = 0;
    for (JsonNode w : latest.get("complete")) {
      Path folder = out.resolve(w.get("window").asText());
      assertTrue(folder + " has no _SUCCESS", Files.exists(folder.resolve("_SUCCESS")));
      JsonNode m = JSON.readTree(folder.resolve("manifest.json").toFile());
      assertEquals(w.get("rows").asLong(), m.get("rows").asLong());
      fromManifests += m.get("rows").asLong();
      rejected += m.get("rejected").get("count").asLong();
      assertEquals(2500, m.get("rows").asLong());
    }
    assertEquals(n, fromManifests);
    assertEquals(3, rejected);

    // Every valid record exactly once, by its source position and by its id (an independent reader: DuckDB).
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM read_parquet('" + out + "/window=*/*/parquet/*.parquet')");
      rs.next();
      assertEquals(n, rs.getLong(1));
      assertEquals(n, rs.getLong(2));
      assertEquals(0, rs.getLong(3));
      assertEquals(n - 1, rs.getLong(4));
    }
    // Each id in the split a batch run on the DirectRunner gives it (the stream ran on Flink, over four windows).
    StreamRuns.assertSplitsAsInABatchRun(out, values.subList(0, n), TMP.newFolder("batch").toPath());
    Set<String> reasons = new HashSet<>();
    Map<String, Long> offsets = new TreeMap<>();
    try (var files = Files.walk(out)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().contains("/rejected/"))::iterator) {
        for (String l : Files.readAllLines(f)) {
          JsonNode rec = JSON.readTree(l);
          reasons.add(rec.get("reason").asText());
          offsets.put(rec.get("source").asText(), rec.get("offset").asLong());
        }
      }
    }
    assertEquals(reasons.toString(), 3, reasons.size());
    assertTrue(reasons.toString(), reasons.stream().anyMatch(s -> s.startsWith("invalid JSON")));
    assertTrue(reasons.toString(), reasons.stream().anyMatch(s -> s.contains("id")));
    assertTrue(reasons.toString(), reasons.stream().anyMatch(s -> s.contains("seven")));
  }

  @Test
  public void givenTheEventHubsPreset_aRunAuthenticatesOverSaslSsl_andAWrongConnectionStringFailsInOneLine() throws Exception {
    String topic = "hub";
    kafka.createTopic(topic, 1);
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      values.add(("{\"id\": " + i + ", \"ts\": \"" + BASE.plusSeconds(i) + "\", \"x\": 1.5, \"label\": \"Normal\"}").getBytes(StandardCharsets.UTF_8));
    }
    kafka.produce(topic, 1, values);
    Path out = TMP.newFolder("hub-out").toPath();
    Path cfg = TMP.getRoot().toPath().resolve("hub.yaml");
    Files.writeString(cfg, String.join("\n",
        "source:",
        "  eventhubs:",
        "    namespace: myns",
        "    eventHub: " + topic,
        "    connectionString: \"${EVENTHUBS_CONNECTION_STRING}\"",
        "    bootstrapServers: '" + kafka.saslBootstrap + "'",   // the local SASL_SSL listener instead of myns.servicebus.windows.net:9093
        "    properties: {ssl.truststore.location: '" + kafka.trustStore + "', ssl.truststore.type: PKCS12, ssl.truststore.password: changeit}",
        "format: json",
        "schema: {columns: {id: long, ts: timestamp, x: double, label: string}, required: [id, ts]}",
        "window: {size: 5m, eventTime: ts}",
        "label: {column: label}",
        "output: {path: '" + out + "'}",
        "checkpoints: '" + TMP.getRoot().toPath().resolve("hub-checkpoints") + "'",
        ""));
    ObjectStores.Cli r = ObjectStores.trainset(Map.of("EVENTHUBS_CONNECTION_STRING", CONNECTION_STRING),
        List.of("stream", "--config", cfg.toString(), "--stop-after-idle", "5s", "--verbose"));
    assertEquals(r.all(), 0, r.code());
    assertTrue(r.all(), r.stdout().contains("\"written\":500"));
    assertTrue("the secret was printed", !r.all().contains(SECRET));
    assertTrue(r.stderr(), r.stderr().contains("***"));
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      ResultSet rs = st.executeQuery("SELECT count(DISTINCT id) FROM read_parquet('" + out + "/window=*/data/parquet/*.parquet')");
      rs.next();
      assertEquals(500, rs.getLong(1));
    }

    String wrong = CONNECTION_STRING.replace(SECRET, "not-the-key");
    ObjectStores.Cli refused = ObjectStores.trainset(Map.of("EVENTHUBS_CONNECTION_STRING", wrong),
        List.of("stream", "--config", cfg.toString(), "--stop-after-idle", "5s"));
    assertEquals(refused.all(), 3, refused.code());
    List<String> lines = refused.stderr().lines().filter(l -> !l.startsWith("trainset 0") && !l.isBlank()).toList();
    assertEquals(refused.stderr(), 1, lines.size());
    assertTrue(lines.get(0), lines.get(0).contains("Authentication failed"));
    assertTrue("the secret was printed", !refused.all().contains("not-the-key"));
  }

  @Test
  public void givenTwoBoundedRuns_recordsOfAWindowTheFirstRunCompleted_areRejectedAsLate_neverOverwritingIt() throws Exception {
    // A cron job: each run drains (--stop-after-idle) and so completes every window it has records for. Records of such
    // a window that arrive for the next run are late: they go to the rejected output, and the window stays as written.
    String topic = "cron";
    kafka.createTopic(topic, 1);
    Instant base = BASE;
    List<byte[]> first = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      first.add(("{\"id\": " + i + ", \"ts\": \"" + base.plusMillis(i * 60L) + "\", \"x\": 1.5, \"label\": \"Normal\"}").getBytes(StandardCharsets.UTF_8));
    }
    kafka.produce(topic, 1, first);
    Path out = TMP.newFolder("cron-out").toPath();
    Path cfg = config(topic, out);
    ObjectStores.Cli one = ObjectStores.trainset(Map.of(), List.of("stream", "--config", cfg.toString(), "--stop-after-idle", "5s"));
    assertEquals(one.all(), 0, one.code());
    Path w0 = StreamRuns.window(out, base);
    String w0Manifest = StreamRuns.sha256(w0.resolve("manifest.json"));
    assertEquals(500, JSON.readTree(w0.resolve("manifest.json").toFile()).get("rows").asLong());

    List<byte[]> second = new ArrayList<>();
    for (int i = 500; i < 800; i++) { // the first window again (30 to 45 s)
      second.add(("{\"id\": " + i + ", \"ts\": \"" + base.plusMillis(30_000 + (i - 500) * 50L) + "\", \"x\": 1.5, \"label\": \"Normal\"}").getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 800; i < 1000; i++) { // the next window
      second.add(("{\"id\": " + i + ", \"ts\": \"" + base.plusMillis(60_000 + (i - 800) * 50L) + "\", \"x\": 1.5, \"label\": \"Normal\"}").getBytes(StandardCharsets.UTF_8));
    }
    kafka.produce(topic, 1, second);
    // As if the first run had been killed in the middle of its drain: the folder of the drain's savepoint is left.
    Files.createDirectories(StreamRuns.checkpoints(TMP.getRoot().toPath(), topic).resolve("drain/savepoint-cut"));
    // This run ends at a set time instead (--stop-at, as a cron job with a deadline): a drain all the same.
    String at = Instant.now().plusSeconds(45).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    ObjectStores.Cli two = ObjectStores.trainset(Map.of(), List.of("stream", "--config", cfg.toString(), "--stop-at", at));
    assertEquals(two.all(), 0, two.code());
    assertTrue(two.stderr(), two.stderr().contains("it is " + at + " (--stop-at): draining (closing every window)"));
    assertTrue(two.stderr(), two.stderr().contains("the last run was stopped while it drained: starting without its checkpoints"));
    assertTrue(two.stderr(), two.stderr().contains("continuing after 1 complete window (the newest " + w0.getFileName() + ")"));
    // The result line counts this run's work: one new window, 200 rows, 300 late.
    JsonNode line = StreamRuns.resultLine(two.stdout());
    String result = line.toString();
    assertEquals(result, 1, line.get("windows").asLong());
    assertEquals(result, 200, line.get("counts").get("written").asLong());
    assertEquals(result, 300, line.get("counts").get("rejected").asLong());
    assertEquals(result, 500, line.get("counts").get("read").asLong());

    assertEquals("the completed window was rewritten", w0Manifest, StreamRuns.sha256(w0.resolve("manifest.json")));
    long[] c = StreamRuns.countAndDistinct(out);
    assertEquals(700, c[0]);
    assertEquals(700, c[1]);
    Path w1 = StreamRuns.window(out, base.plusSeconds(60));
    JsonNode m1 = JSON.readTree(w1.resolve("manifest.json").toFile());
    assertEquals(200, m1.get("rows").asLong());
    assertEquals(m1.toString(), 300, m1.get("rejected").get("late").asLong());
    long late = 0;
    try (var files = Files.walk(w1.resolve("rejected"))) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        for (String l : Files.readAllLines(f)) {
          JsonNode rec = JSON.readTree(l);
          assertEquals(l, "late", rec.get("stage").asText());
          assertTrue(l, rec.get("reason").asText().contains(w0.getFileName().toString()));
          late++;
        }
      }
    }
    assertEquals(300, late);
    // latest.json goes on listing the first run's window.
    JsonNode latest = JSON.readTree(out.resolve("latest.json").toFile());
    assertEquals(latest.toString(), 2, latest.get("windows").asLong());
    assertEquals(700, latest.get("rows").asLong());

    // A deadline that has passed, or is not a time, is a usage error before anything runs.
    ObjectStores.Cli past = ObjectStores.trainset(Map.of(), List.of("stream", "--config", cfg.toString(), "--stop-at", "2020-01-01T00:00:00Z"));
    assertEquals(past.all(), 2, past.code());
    assertTrue(past.stderr(), past.stderr().contains("--stop-at 2020-01-01T00:00:00Z has passed"));
    ObjectStores.Cli bad = ObjectStores.trainset(Map.of(), List.of("stream", "--config", cfg.toString(), "--stop-at", "tomorrow"));
    assertEquals(bad.all(), 2, bad.code());
    assertTrue(bad.stderr(), bad.stderr().contains("expected a time with its zone, such as 2026-12-08T06:00:00Z, got 'tomorrow'"));
  }

  @Test
  public void givenNoDeclaredSchema_itIsInferredFromTheFirstMessages_pinnedInTheOutput_andTheNextRunTypesByIt() throws Exception {
    String topic = "inferred";
    kafka.createTopic(topic, 1);
    List<byte[]> first = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      first.add(("{\"id\": " + i + ", \"ts\": \"" + BASE.plusMillis(i * 100L) + "\", \"x\": " + i + ".5, \"label\": \"Normal\", \"meta\": {\"src\": \"s" + (i % 3) + "\"}}")
          .getBytes(StandardCharsets.UTF_8));
    }
    kafka.produce(topic, 1, first);
    Path out = TMP.newFolder(topic + "-out").toPath();
    Path cfg = TMP.getRoot().toPath().resolve(topic + ".yaml");
    Files.writeString(cfg, String.join("\n",
        "source: {kafka: {bootstrapServers: '" + kafka.bootstrap + "', topics: [" + topic + "], groupId: " + topic + "}}",
        "schema: {required: [id, ts], inferFrom: 500}",
        "window: {size: 1m, eventTime: ts}",
        "label: {column: label}",
        "output: {path: '" + out + "'}",
        "checkpoints: '" + TMP.getRoot().toPath().resolve(topic + "-checkpoints") + "'",
        ""));
    ObjectStores.Cli one = ObjectStores.trainset(Map.of(), List.of("stream", "--config", cfg.toString(), "--stop-after-idle", "5s"));
    assertEquals(one.all(), 0, one.code());
    assertTrue(one.stderr(), one.stderr().contains("schema (inferred from the first 300 messages, pinned in " + out + "/schema.json): "));
    JsonNode pinned = JSON.readTree(out.resolve("schema.json").toFile());
    Map<String, String> types = new TreeMap<>();
    pinned.forEach(c -> types.put(c.get("name").asText(), c.get("type").asText()));
    assertEquals(pinned.toString(), Map.of("id", "long", "ts", "timestamp", "x", "double", "label", "string", "meta.src", "string"), types);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      ResultSet rs = st.executeQuery("SELECT count(DISTINCT id), count(DISTINCT \"meta.src\") FROM read_parquet('" + out + "/window=*/data/parquet/*.parquet')");
      rs.next();
      assertEquals(300, rs.getLong(1));
      assertEquals(3, rs.getLong(2));
    }

    // The next run types by the pinned schema: x stays a double, so a text x is a rejected record.
    List<byte[]> second = new ArrayList<>();
    for (int i = 300; i < 400; i++) {
      String x = i == 350 ? "\"abc\"" : i + ".5";
      second.add(("{\"id\": " + i + ", \"ts\": \"" + BASE.plusSeconds(60).plusMillis((i - 300) * 100L) + "\", \"x\": " + x + ", \"label\": \"Normal\"}")
          .getBytes(StandardCharsets.UTF_8));
    }
    kafka.produce(topic, 1, second);
    ObjectStores.Cli two = ObjectStores.trainset(Map.of(), List.of("stream", "--config", cfg.toString(), "--stop-after-idle", "5s"));
    assertEquals(two.all(), 0, two.code());
    assertTrue(two.stderr(), two.stderr().contains("schema (pinned in " + out + "/schema.json): "));
    JsonNode line = StreamRuns.resultLine(two.stdout());
    String result = line.toString();
    assertEquals(result, 99, line.get("counts").get("written").asLong());
    assertEquals(result, 1, line.get("counts").get("rejected").asLong());
  }

  private void stopThenResume(String topic, boolean kill) throws Exception {
    kafka.createTopic(topic, 2);
    Instant base = StreamRuns.future();
    kafka.produce(topic, 2, StreamRuns.records(base, 0, 2000));
    Path out = TMP.newFolder(topic + "-out").toPath();
    Path cfg = config(topic, out);

    StreamRuns.Background first = new StreamRuns.Background(cfg, TMP.newFolder(topic + "-run1").toPath(), List.of());
    // Every record read and in a completed checkpoint (the group's offsets are committed only then).
    first.awaitLine("caught up: 2,000 records checkpointed", 180);
    Path w0 = StreamRuns.window(out, base);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(w0.resolve("_SUCCESS")) && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertTrue("the first window was not written: " + Files.readString(first.stderr), Files.exists(w0.resolve("_SUCCESS")));
    String w0Manifest = StreamRuns.sha256(w0.resolve("manifest.json"));
    if (kill) {
      first.process.destroyForcibly(); // SIGKILL: no savepoint, the embedded cluster dies with the launcher
      assertTrue(first.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    } else {
      first.process.destroy(); // SIGTERM, as Kubernetes, systemd or Airflow stop a task
      assertTrue("no exit after SIGTERM:\n" + Files.readString(first.stderr), first.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
      String err = Files.readString(first.stderr);
      assertEquals(err, 0, first.process.exitValue());
      assertTrue(err, err.contains("SIGTERM: stopping with a savepoint"));
      assertTrue(err, err.contains("stopped with a savepoint at "));
      JsonNode line = StreamRuns.resultLine(Files.readString(first.stdout));
      String result = line.toString();
      assertEquals(result, "stopped", line.get("status").asText());
      assertTrue(result, line.get("savepoint").asText().contains(StreamRuns.checkpoints(TMP.getRoot().toPath(), topic) + "/savepoints/savepoint-"));
    }
    // Only the first window is complete; the second still had records waiting (a run that forgot them loses ~670).
    try (var windows = Files.list(out)) {
      assertEquals(List.of(w0.getFileName().toString()),
          windows.filter(w -> Files.exists(w.resolve("_SUCCESS"))).map(w -> w.getFileName().toString()).toList());
    }

    if (!kill) {
      // Resumed, then stopped again at once, before the resumed job has a checkpoint of its own: its savepoint (the
      // newest point) must survive the clean-up of the points it started from.
      StreamRuns.Background again = new StreamRuns.Background(cfg, TMP.newFolder(topic + "-run1b").toPath(), List.of());
      again.awaitLine(" is running", 120);
      again.process.destroy();
      assertTrue(again.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
      String err = Files.readString(again.stderr);
      assertEquals(err, 0, again.process.exitValue());
      assertTrue(err, err.contains("resuming from savepoint") && err.contains("stopped with a savepoint at "));
    }
    kafka.produce(topic, 2, StreamRuns.records(base, 2000, 4000));
    ObjectStores.Cli second = ObjectStores.trainset(Map.of(), List.of("stream", "--config", cfg.toString(), "--stop-after-idle", "5s"));
    assertEquals(second.all(), 0, second.code());
    assertTrue(second.stderr(), second.stderr().contains(kill ? "resuming from checkpoint chk-" : "resuming from savepoint savepoint-"));
    // Exactly the records produced, each once; the window completed before the stop is the same file, byte for byte.
    StreamRuns.assertExactlyTheFourThousand(out, base, w0Manifest);
    // Drained: every offset is committed and nothing is left to resume from (the lock file stays).
    try (var left = Files.list(StreamRuns.checkpoints(TMP.getRoot().toPath(), topic))) {
      assertEquals(List.of("lock"), left.map(f -> f.getFileName().toString()).toList());
    }
  }

  @Test
  public void givenARunStoppedWithSigterm_aSavepointKeepsTheOpenWindow_andTheNextRunResumes_exactlyOldPlusNewRecords() throws Exception {
    stopThenResume("stopped", false);
  }

  @Test
  public void givenARunKilledAfterACheckpoint_theNextRunResumesFromIt_exactlyOldPlusNewRecords() throws Exception {
    stopThenResume("killed", true);
  }
}
