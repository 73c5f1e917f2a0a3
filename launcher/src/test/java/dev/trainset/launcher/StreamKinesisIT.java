package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * {@code trainset stream} from Amazon Kinesis, against kinesalite (npm, the local implementation of the Kinesis API; a
 * real server, not a stand-in) on embedded Flink: a two-shard stream's records, good and bad, each written exactly
 * once, every bad one rejected with its shard and sequence number, the manifests' positions those the stream gave.
 */
public class StreamKinesisIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final Timeout TIMEOUT = Timeout.seconds(600);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant BASE = Instant.parse("2026-03-01T10:00:00Z");
  private static ObjectStores.Server kinesalite;
  private static KinesisClient kinesis;

  @BeforeClass
  public static void startKinesalite() throws Exception {
    if (!ObjectStores.nodeAvailable()) {
      // .ci/run installs Node.js, so in CI its absence is a failure; elsewhere the test says why it skips.
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("kinesalite needs node and npm; .ci/run should have installed them");
      }
      return;
    }
    kinesalite = ObjectStores.startKinesalite(TMP.newFolder("kinesalite").toPath());
    System.setProperty("aws.cborEnabled", "false"); // kinesalite speaks JSON only
    kinesis = KinesisClient.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
        .build();
  }

  @AfterClass
  public static void stopKinesalite() throws Exception {
    if (kinesis != null) {
      kinesis.close();
    }
    if (kinesalite != null) {
      kinesalite.close();
    }
  }

  private static String endpoint() {
    return "http://127.0.0.1:" + kinesalite.port;
  }

  /** A record put: where the stream placed it. */
  private record Put(String shard, String sequence) {}

  private static List<Put> put(String stream, List<byte[]> values) {
    List<Put> puts = new ArrayList<>();
    for (int from = 0; from < values.size(); from += 500) {
      List<PutRecordsRequestEntry> batch = new ArrayList<>();
      for (int i = from; i < Math.min(values.size(), from + 500); i++) {
        batch.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(SdkBytes.fromByteArray(values.get(i))).build());
      }
      PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(stream).records(batch));
      assertEquals("records the stream refused", 0, (int) r.failedRecordCount());
      for (PutRecordsResultEntry e : r.records()) {
        puts.add(new Put(e.shardId(), e.sequenceNumber()));
      }
    }
    return puts;
  }

  private static void createStream(String stream, int shards) {
    kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
    kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
  }

  private static Path config(String stream, Path out) throws Exception {
    String source = "kinesis: {stream: " + stream + ", region: us-east-1, startFrom: trim-horizon, endpoint: '" + endpoint() + "'}";
    return StreamRuns.configFrom(source, TMP.getRoot().toPath(), stream, out);
  }

  /** The AWS default chain's keys, as a user of the stream would have them. */
  private static Map<String, String> credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", "test-key", "AWS_SECRET_ACCESS_KEY", "test-secret");
  }

  @Test
  public void givenATwoShardStreamWithGoodAndBadRecords_everyRecordIsWrittenOrRejectedExactlyOnce_withItsShardAndSequence() throws Exception {
    Assume.assumeTrue("kinesalite needs Node.js and npm, which this machine lacks", kinesalite != null);
    String stream = "events";
    createStream(stream, 2);
    int n = 3_000;
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant t = BASE.plusMillis(i * 60L); // 180 s: three one-minute windows
      values.add(("{\"id\": " + i + ", \"ts\": \"" + t + "\", \"x\": " + (i * 0.5) + ", \"label\": \"" + (i % 4 == 0 ? "Abnormal" : "Normal") + "\"}")
          .getBytes(StandardCharsets.UTF_8));
    }
    String lastTs = BASE.plusMillis((n - 1) * 60L).toString();
    values.add("{not json".getBytes(StandardCharsets.UTF_8));
    values.add(("{\"ts\": \"" + lastTs + "\", \"x\": 1.0, \"label\": \"Normal\"}").getBytes(StandardCharsets.UTF_8)); // no id
    values.add(("{\"id\": \"seven\", \"ts\": \"" + lastTs + "\", \"x\": 1.0, \"label\": \"Normal\"}").getBytes(StandardCharsets.UTF_8));
    List<Put> puts = put(stream, values);
    Map<String, List<BigInteger>> byShard = new TreeMap<>();
    for (Put p : puts) {
      byShard.computeIfAbsent(p.shard(), s -> new ArrayList<>()).add(new BigInteger(p.sequence()));
    }
    assertEquals("the partition keys spread the records over both shards: " + byShard.keySet(), 2, byShard.size());

    Path out = TMP.newFolder("out").toPath();
    ObjectStores.Cli r = ObjectStores.trainset(credentials(), List.of("stream", "--config", config(stream, out).toString(), "--stop-after-idle", "5s"));
    assertEquals(r.all(), 0, r.code());
    for (String l : r.stderr().split("\n")) {
      assertTrue(r.stderr(), l.startsWith("trainset")); // only trainset's own lines: no library logs, no stack traces
    }
    assertTrue(r.stderr(), r.stderr().contains("Kinesis stream events (us-east-1, " + endpoint() + ")"));
    assertTrue(r.stderr(), r.stderr().contains("draining (closing every window)"));
    JsonNode line = StreamRuns.resultLine(r.stdout());
    String result = line.toString();
    assertEquals(r.all(), "succeeded", line.get("status").asText());
    assertEquals(r.all(), n + 3, line.get("counts").get("read").asLong());
    assertEquals(n, line.get("counts").get("written").asLong());
    assertEquals(3, line.get("counts").get("rejected").asLong());
    assertEquals(3, line.get("windows").asLong());

    // The manifests: rows add up, and each shard's positions are the ones the stream gave, every record counted once.
    JsonNode latest = JSON.readTree(out.resolve("latest.json").toFile());
    long rows = 0;
    Map<String, Long> records = new HashMap<>();
    Map<String, BigInteger> first = new HashMap<>();
    Map<String, BigInteger> last = new HashMap<>();
    for (JsonNode w : latest.get("complete")) {
      Path folder = out.resolve(w.get("window").asText());
      assertTrue(folder + " has no _SUCCESS", Files.exists(folder.resolve("_SUCCESS")));
      JsonNode m = JSON.readTree(folder.resolve("manifest.json").toFile());
      assertEquals(1000, m.get("rows").asLong());
      rows += m.get("rows").asLong();
      m.get("positions").fields().forEachRemaining(e -> {
        records.merge(e.getKey(), e.getValue().get("records").asLong(), Long::sum);
        first.merge(e.getKey(), new BigInteger(e.getValue().get("firstSequence").asText()), BigInteger::min);
        last.merge(e.getKey(), new BigInteger(e.getValue().get("lastSequence").asText()), BigInteger::max);
      });
    }
    assertEquals(n, rows);
    for (Map.Entry<String, List<BigInteger>> s : byShard.entrySet()) {
      String source = stream + "/" + s.getKey();
      assertEquals(source, (long) s.getValue().size(), (long) records.get(source));
      assertEquals(source, s.getValue().stream().min(BigInteger::compareTo).orElseThrow(), first.get(source));
      assertEquals(source, s.getValue().stream().max(BigInteger::compareTo).orElseThrow(), last.get(source));
    }

    // Every valid record exactly once (an independent reader: DuckDB).
    assertEquals(List.of(3000L, 3000L, 0L, 2999L), java.util.Arrays.stream(StreamRuns.countAndDistinct(out)).boxed().toList());
    // Each id in the split a batch run on the DirectRunner gives it (the stream ran on Flink).
    StreamRuns.assertSplitsAsInABatchRun(out, values.subList(0, n), TMP.newFolder("batch").toPath());
    // The bad ones, each at the shard and sequence number the stream gave it.
    Set<String> rejectedAt = new HashSet<>();
    Set<String> reasons = new HashSet<>();
    try (var files = Files.walk(out)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().contains("/rejected/"))::iterator) {
        for (String l : Files.readAllLines(f)) {
          JsonNode rec = JSON.readTree(l);
          assertTrue(l, rec.get("sequence").isTextual());
          assertEquals(l, 0, rec.get("subSequence").asLong());
          rejectedAt.add(rec.get("source").asText() + "@" + rec.get("sequence").asText());
          reasons.add(rec.get("reason").asText());
        }
      }
    }
    Set<String> bad = new HashSet<>();
    for (Put p : puts.subList(n, n + 3)) {
      bad.add(stream + "/" + p.shard() + "@" + p.sequence());
    }
    assertEquals(bad, rejectedAt);
    assertTrue(reasons.toString(), reasons.stream().anyMatch(s -> s.startsWith("invalid JSON")));
    assertTrue(reasons.toString(), reasons.stream().anyMatch(s -> s.contains("seven")));

    // A second drained run (cron): Kinesis keeps no group positions, so it reads the shards again from the trim horizon
    // and skips what the first run wrote (positions.json); only the 1,000 new records are read, none twice or late.
    assertTrue(Files.exists(out.resolve("positions.json")));
    List<byte[]> more = new ArrayList<>();
    for (int i = n; i < n + 1000; i++) {
      more.add(("{\"id\": " + i + ", \"ts\": \"" + BASE.plusSeconds(200).plusMillis((i - n) * 30L) + "\", \"x\": 1.5, \"label\": \"Normal\"}")
          .getBytes(StandardCharsets.UTF_8));
    }
    put(stream, more);
    ObjectStores.Cli again = ObjectStores.trainset(credentials(), List.of("stream", "--config", config(stream, out).toString(), "--stop-after-idle", "5s"));
    assertEquals(again.all(), 0, again.code());
    assertTrue(again.stderr(), again.stderr().contains("continuing after the records drained runs wrote (2 shards, positions.json)"));
    JsonNode counts = StreamRuns.resultLine(again.stdout()).get("counts");
    String second = counts.toString();
    assertEquals(second, 1000, counts.get("read").asLong());
    assertEquals(second, 1000, counts.get("written").asLong());
    assertEquals(second, 0, counts.get("rejected").asLong());
    assertEquals(second, n + 3, counts.get("skipped").asLong());
    assertEquals(List.of(4000L, 4000L, 0L, 3999L), java.util.Arrays.stream(StreamRuns.countAndDistinct(out)).boxed().toList());
  }

  /**
   * 2,000 records (a window and a half), a run stopped with SIGTERM (a savepoint) once the first window is complete,
   * 2,000 more, and a run that resumes: exactly the 4,000, each once, the first window as it was, and each shard read
   * once, from its position in the savepoint (Kinesis has no consumer group: the positions live only in the job's state).
   */
  @Test
  public void givenARunStoppedWithSigterm_theNextRunResumesFromItsSavepoint_exactlyOldPlusNewRecords() throws Exception {
    Assume.assumeTrue("kinesalite needs Node.js and npm, which this machine lacks", kinesalite != null);
    String stream = "stopped";
    createStream(stream, 2);
    Instant base = StreamRuns.future();
    put(stream, StreamRuns.records(base, 0, 2000));
    Path out = TMP.newFolder(stream + "-out").toPath();
    Path cfg = config(stream, out);
    StreamRuns.Background first = new StreamRuns.Background(cfg, TMP.newFolder(stream + "-run1").toPath(), List.of(), credentials());
    first.awaitLine(" is running", 120);
    Path w0 = StreamRuns.window(out, base);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(w0.resolve("_SUCCESS")) && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertTrue("the first window was not written: " + Files.readString(first.stderr), Files.exists(w0.resolve("_SUCCESS")));
    String w0Manifest = StreamRuns.sha256(w0.resolve("manifest.json"));
    first.process.destroy(); // SIGTERM
    assertTrue("no exit after SIGTERM:\n" + Files.readString(first.stderr), first.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    String err = Files.readString(first.stderr);
    assertEquals(err, 0, first.process.exitValue());
    assertTrue(err, err.contains("stopped with a savepoint at "));
    // Only the first window is complete; the second still had records waiting.
    try (var windows = Files.list(out)) {
      assertEquals(List.of(w0.getFileName().toString()),
          windows.filter(w -> Files.exists(w.resolve("_SUCCESS"))).map(w -> w.getFileName().toString()).toList());
    }
    put(stream, StreamRuns.records(base, 2000, 4000));
    ObjectStores.Cli second = ObjectStores.trainset(credentials(), List.of("stream", "--config", cfg.toString(), "--stop-after-idle", "5s"));
    assertEquals(second.all(), 0, second.code());
    assertTrue(second.stderr(), second.stderr().contains("resuming from savepoint savepoint-"));
    StreamRuns.assertExactlyTheFourThousand(out, base, w0Manifest);
    // Each shard read once, from its restored position: Beam 2.62's Flink runner also read every shard again from its
    // start after a restore (apache/beam#31313), which made the first window's records late rejects and read them twice.
    JsonNode line = StreamRuns.resultLine(second.stdout());
    String result = line.toString();
    assertEquals(result, 0, line.get("counts").get("rejected").asLong());
    assertEquals(result, 2000, line.get("counts").get("read").asLong());
    // Across two runs and three windows, each id in the split a batch run on the DirectRunner gives it.
    StreamRuns.assertSplitsAsInABatchRun(out, StreamRuns.records(base, 0, 4000), TMP.newFolder(stream + "-batch").toPath());
  }

  @Test
  public void givenNoDeclaredSchema_itIsInferredFromTheStreamsFirstRecords_andPinnedInTheOutput() throws Exception {
    Assume.assumeTrue("kinesalite needs Node.js and npm, which this machine lacks", kinesalite != null);
    String stream = "inferred";
    createStream(stream, 2);
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      values.add(("{\"id\": " + i + ", \"ts\": \"" + BASE.plusMillis(i * 100L) + "\", \"x\": " + i + ".5, \"label\": \"Normal\"}")
          .getBytes(StandardCharsets.UTF_8));
    }
    put(stream, values);
    Path out = TMP.newFolder(stream + "-out").toPath();
    Path cfg = TMP.getRoot().toPath().resolve(stream + ".yaml");
    Files.writeString(cfg, String.join("\n",
        "source: {kinesis: {stream: " + stream + ", region: us-east-1, endpoint: '" + endpoint() + "'}}",
        "schema: {required: [id, ts], inferFrom: 500}",
        "window: {size: 1m, eventTime: ts}",
        "label: {column: label}",
        "output: {path: '" + out + "'}",
        "checkpoints: '" + TMP.getRoot().toPath().resolve(stream + "-checkpoints") + "'",
        ""));
    ObjectStores.Cli r = ObjectStores.trainset(credentials(), List.of("stream", "--config", cfg.toString(), "--stop-after-idle", "5s"));
    assertEquals(r.all(), 0, r.code());
    // Both shards sampled: every record (fewer than inferFrom) is in the sample.
    assertTrue(r.stderr(), r.stderr().contains("schema (inferred from the first 200 messages, pinned in " + out + "/schema.json): "));
    Map<String, String> types = new TreeMap<>();
    JSON.readTree(out.resolve("schema.json").toFile()).forEach(c -> types.put(c.get("name").asText(), c.get("type").asText()));
    assertEquals(Map.of("id", "long", "ts", "timestamp", "x", "double", "label", "string"), types);
    assertTrue(r.stdout(), r.stdout().contains("\"written\":200"));
  }

  @Test
  public void givenAStreamThatDoesNotExist_theRunFailsInOneLineNamingIt() throws Exception {
    Assume.assumeTrue("kinesalite needs Node.js and npm, which this machine lacks", kinesalite != null);
    Path out = TMP.newFolder("missing-out").toPath();
    ObjectStores.Cli r = ObjectStores.trainset(credentials(), List.of("stream", "--config", config("nowhere", out).toString(), "--stop-after-idle", "5s"));
    assertEquals(r.all(), 3, r.code());
    List<String> lines = r.stderr().lines().filter(l -> !l.startsWith("trainset 0") && !l.isBlank()).toList();
    assertEquals(r.stderr(), 1, lines.size());
    assertTrue(lines.get(0), lines.get(0).contains("source.kinesis.stream: there is no stream 'nowhere' in region us-east-1 at " + endpoint()));
  }
}
