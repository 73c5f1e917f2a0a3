package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

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
import java.util.List;

/** What the stream tests share: a stream file, records with event times, a run in the background, reading the output. */
final class StreamRuns {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamRuns() {}

  /**
   * A stream file: JSON records {id, ts, x, label} from {@code topic}, one-minute windows by ts, a hash split by id,
   * checkpoints in {@link #checkpoints}.
   */
  static Path config(String bootstrap, Path dir, String topic, Path out) throws Exception {
    return configFrom("kafka: {bootstrapServers: '" + bootstrap + "', topics: [" + topic + "], groupId: " + topic + "-group, startFrom: earliest}", dir, topic, out);
  }

  /** As {@link #config}, reading {@code source} (one flow mapping: {@code kinesis: {…}}) named {@code topic}. */
  static Path configFrom(String source, Path dir, String topic, Path out) throws Exception {
    Path cfg = dir.resolve(topic + ".yaml");
    Files.writeString(cfg, String.join("\n",
        "source:",
        "  " + source,
        "format: json",
        "schema:",
        "  columns: {id: long, ts: timestamp, x: double, label: string}",
        "  required: [id, ts]",
        "window: {size: 1m, allowedLateness: 0s, eventTime: ts}",
        "label: {column: label, map: {Abnormal: 1, Normal: 0}}",
        "split: {method: hash, key: id, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 42}",
        "output: {path: '" + out + "', formats: [parquet]}",
        "checkpoints: '" + checkpoints(dir, topic) + "'",
        ""));
    return cfg;
  }

  /** The checkpoint folder of {@link #config}'s stream. */
  static Path checkpoints(Path dir, String topic) {
    return dir.resolve(topic + "-checkpoints");
  }

  /** Event times one to two hours ahead, on an hour boundary: windows stay open until a drain (the idle watermark follows the wall clock). */
  static Instant future() {
    return Instant.now().plusSeconds(7200).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
  }

  static List<byte[]> records(Instant base, int from, int to) {
    List<byte[]> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Instant t = base.plusMillis(i * 45L); // 2,000 records: 90 s, a window and a half
      values.add(("{\"id\": " + i + ", \"ts\": \"" + t + "\", \"x\": " + i + ".5, \"label\": \"" + (i % 3 == 0 ? "Abnormal" : "Normal") + "\"}")
          .getBytes(StandardCharsets.UTF_8));
    }
    return values;
  }

  /** A stream run in the background, its output in files, as a scheduler would start one. */
  static final class Background {
    final Process process;
    final Path stderr;
    final Path stdout;

    Background(Path cfg, Path dir, List<String> more) throws Exception {
      this(cfg, dir, more, java.util.Map.of());
    }

    /** With {@code env} added to the environment (credentials for the default chain). */
    Background(Path cfg, Path dir, List<String> more, java.util.Map<String, String> env) throws Exception {
      stderr = dir.resolve("stderr.txt");
      stdout = dir.resolve("stdout.txt");
      List<String> cmd = new ArrayList<>(List.of(ObjectStores.javaBin(), "-Xmx1g", "-jar", System.getProperty("trainset.jar"), "stream", "--config", cfg.toString()));
      cmd.addAll(more);
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ObjectStores.PROJECT.toFile()).redirectError(stderr.toFile()).redirectOutput(stdout.toFile());
      pb.environment().putAll(env);
      process = pb.start();
    }

    /** Waits until stderr has {@code text}; fails if the run ends first. */
    void awaitLine(String text, int seconds) throws Exception {
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        String err = Files.readString(stderr);
        if (err.contains(text)) {
          return;
        }
        assertTrue("the run ended before '" + text + "':\n" + err, process.isAlive());
        Thread.sleep(250);
      }
      throw new AssertionError("no '" + text + "' within " + seconds + " s:\n" + Files.readString(stderr));
    }
  }

  static long[] countAndDistinct(Path out) throws Exception {
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM read_parquet('" + out + "/window=*/*/parquet/*.parquet')");
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
    }
  }

  /**
   * Checks that every id in a stream's output is in the split a batch run on the DirectRunner gives it: the same
   * records as a JSON Lines file, the same {@code split} (hash of id, seed 42, 80/10/10), read back by DuckDB.
   */
  static void assertSplitsAsInABatchRun(Path streamOut, List<byte[]> records, Path dir) throws Exception {
    Path input = dir.resolve("records.jsonl");
    try (var w = Files.newOutputStream(input)) {
      for (byte[] r : records) {
        w.write(r);
        w.write('\n');
      }
    }
    Path batchOut = dir.resolve("batch-out");
    Path cfg = dir.resolve("batch.yaml");
    Files.writeString(cfg, String.join("\n",
        "input: {path: '" + input + "'}",
        "schema: {columns: {id: long, ts: timestamp, x: double, label: string}}",
        "label: {column: label, map: {Abnormal: 1, Normal: 0}}",
        "split: {method: hash, key: id, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 42}",
        "output: {path: '" + batchOut + "', formats: [parquet]}",
        ""));
    ObjectStores.Cli r = ObjectStores.trainset(java.util.Map.of(),
        List.of("run", "--config", cfg.toString(), "--runner-config", ObjectStores.PROJECT.resolve("runner-configs/direct.yaml").toString()));
    assertEquals(r.all(), 0, r.code());
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      String stream = "SELECT id, regexp_extract(filename, '/(train|validation|test)/parquet/', 1) AS split FROM read_parquet('"
          + streamOut + "/window=*/*/parquet/*.parquet', filename = true)";
      String batch = "SELECT id, regexp_extract(filename, '/(train|validation|test)/parquet/', 1) AS split FROM read_parquet('"
          + batchOut + "/*/parquet/*.parquet', filename = true)";
      ResultSet rs = st.executeQuery("SELECT count(*), count(b.id), count(*) FILTER (WHERE s.split = b.split), count(DISTINCT s.split) FROM (" + stream
          + ") s LEFT JOIN (" + batch + ") b ON s.id = b.id");
      rs.next();
      long rows = rs.getLong(1);
      assertTrue("no rows in " + streamOut, rows > 0);
      assertEquals("stream rows whose id the batch run also wrote", rows, rs.getLong(2));
      assertEquals("stream rows in the batch run's split for their id", rows, rs.getLong(3));
      assertEquals("splits", 3, rs.getLong(4));
    }
  }

  /** The {@code TRAINSET_RESULT} line a run printed on {@code stdout}, as JSON. */
  static com.fasterxml.jackson.databind.JsonNode resultLine(String stdout) throws Exception {
    String line = stdout.lines().filter(l -> l.startsWith(ResultLine.PREFIX)).findFirst().orElseThrow(() -> new AssertionError("no result line:\n" + stdout));
    return JSON.readTree(line.substring(ResultLine.PREFIX.length()));
  }

  static String sha256(Path f) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  /** The folder of the window that starts at {@code start}. */
  static Path window(Path out, Instant start) {
    return out.resolve("window=" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC).format(start));
  }

  /**
   * Checks the output of the 4,000 records of {@link #records} from {@code base}: each exactly once (DuckDB: rows,
   * distinct ids, their range), the first window's manifest as it was ({@code firstManifest}, its sha256), and three
   * complete windows (0, 60 and 120 s) whose manifests add up to 4,000 rows.
   */
  static void assertExactlyTheFourThousand(Path out, Instant base, String firstManifest) throws Exception {
    long[] c = countAndDistinct(out);
    assertEquals("rows", 4000, c[0]);
    assertEquals("distinct ids", 4000, c[1]);
    assertEquals(0, c[2]);
    assertEquals(3999, c[3]);
    assertEquals(firstManifest, sha256(window(out, base).resolve("manifest.json")));
    long rows = 0;
    try (var windows = Files.list(out)) {
      List<Path> all = windows.filter(w -> w.getFileName().toString().startsWith("window=")).toList();
      assertEquals(all.toString(), 3, all.size());
      for (Path w : all) {
        assertTrue(w + " has no _SUCCESS", Files.exists(w.resolve("_SUCCESS")));
        rows += JSON.readTree(w.resolve("manifest.json").toFile()).get("rows").asLong();
      }
    }
    assertEquals(4000, rows);
  }
}
