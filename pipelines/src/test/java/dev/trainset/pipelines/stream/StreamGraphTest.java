package dev.trainset.pipelines.stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trainset.pipelines.batch.TestData;
import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.transforms.io.stream.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The stream graph after the source, on the DirectRunner with a test stream timed as {@link EventTimePolicy} times
 * Kafka records: 300 valid records over three one-minute windows, bad ones of each kind, a late one and a message
 * delivered twice.
 */
public class StreamGraphTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final long BASE = Instant.parse("2026-03-01T10:00:00Z").getMillis();
  private static final ObjectMapper JSON = new ObjectMapper();

  static StreamConfig config(Path out, String extra) throws Exception {
    String yaml =
        "source: {kafka: {bootstrapServers: '127.0.0.1:1', topics: [events]}}\n"
            + "format: json\n"
            + "schema: {columns: {id: long, ts: timestamp, x: double, label: string}, required: [id]}\n"
            + "window: {size: 1m, allowedLateness: 0s, eventTime: ts}\n"
            + "label: {column: label, map: {Abnormal: 1, Normal: 0}}\n"
            + "split: {method: hash, key: id, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 42}\n"
            + "output: {path: '" + out + "', formats: [parquet, jsonl]}\n"
            + extra;
    JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    return StreamConfig.from(tree);
  }

  /** A record; every tenth id also has a field outside the schema, {@code debug}. */
  private static String record(long id, long millis, double x, String label) {
    return "{\"id\": " + id + ", \"ts\": \"" + Instant.ofEpochMilli(millis) + "\", \"x\": " + x + ", \"label\": \"" + label + "\""
        + (id % 10 == 0 ? ", \"debug\": {\"host\": \"a\"}" : "") + "}";
  }

  /** The messages and the times the source gives them; offsets follow the order. */
  static List<TimestampedValue<Message>> messages() {
    List<TimestampedValue<Message>> out = new ArrayList<>();
    long offset = 0;
    long high = BASE;
    for (int i = 0; i < 300; i++) {
      long t = BASE + i * 500L;
      high = Math.max(high, t);
      out.add(at(Message.kafka("events", 0, offset++, t, record(i, t, i * 0.25, i % 3 == 0 ? "Abnormal" : "Normal").getBytes(StandardCharsets.UTF_8)), t));
      if (i == 7) {
        out.add(at(out.get(out.size() - 1).getValue(), t)); // delivered twice: same offset
      }
      if (i == 200) { // at 100 s: bad ones, and one 95 s late (the policy gives it the partition's time)
        out.add(at(msg(offset++, "not json at all"), high));
        out.add(at(msg(offset++, "{\"id\": 1000, \"x\": 1.0, \"label\": \"Normal\"}"), high));
        out.add(at(msg(offset++, "{\"id\": \"abc\", \"ts\": \"" + Instant.ofEpochMilli(t) + "\", \"x\": 1.0, \"label\": \"Normal\"}"), high));
        out.add(at(msg(offset++, ""), high));
        out.add(at(msg(offset++, record(5000, BASE + 5_000, 1.0, "Normal")), high));
      }
    }
    return out;
  }

  private static Message msg(long offset, String text) {
    return Message.kafka("events", 0, offset, 0, text.getBytes(StandardCharsets.UTF_8));
  }

  private static TimestampedValue<Message> at(Message m, long millis) {
    return TimestampedValue.of(m, new Instant(millis));
  }

  @SuppressWarnings("unchecked")
  private void run(StreamConfig cfg) {
    TestStream.Builder<Message> stream = TestStream.create(Message.Coder.of());
    List<TimestampedValue<Message>> all = messages();
    for (int i = 0; i < all.size(); i += 50) {
      stream = stream.addElements(all.get(i), all.subList(i + 1, Math.min(all.size(), i + 50)).toArray(new TimestampedValue[0]));
      stream = stream.advanceWatermarkTo(all.get(Math.min(all.size(), i + 50) - 1).getTimestamp());
    }
    Pipeline p = Pipeline.create(TestData.direct());
    p.apply(stream.advanceWatermarkToInfinity()).apply(StreamGraph.of(cfg));
    p.run().waitUntilFinish();
  }

  @Test
  public void givenThreeWindowsOfRecords_eachValidRecordIsWrittenOnce_andEachBadOneIsRejectedWithItsReason() throws Exception {
    Path out = tmp.newFolder("out").toPath();
    run(config(out, ""));

    JsonNode latest = JSON.readTree(out.resolve("latest.json").toFile());
    assertEquals(3, latest.get("windows").asInt());
    assertEquals("window=20260301T100200Z", latest.get("latest").asText());
    assertEquals(300, latest.get("rows").asLong());
    assertEquals(5, latest.get("rejected").asLong());
    long[] perWindow = {120, 120, 60};
    long[] withDebug = {12, 12, 6}; // rows with the field outside the schema: kept, the field left out and counted
    for (int w = 0; w < 3; w++) {
      JsonNode entry = latest.get("complete").get(w);
      Path folder = out.resolve(entry.get("window").asText());
      assertTrue(Files.exists(folder.resolve("_SUCCESS")));
      JsonNode m = JSON.readTree(folder.resolve("manifest.json").toFile());
      assertEquals(perWindow[w], m.get("rows").asLong());
      assertEquals(m.get("extraFields").toString(), "{\"debug.host\":" + withDebug[w] + "}", m.get("extraFields").toString());
      long fromSplits = 0;
      for (JsonNode s : m.get("splits")) {
        fromSplits += s.get("rows").asLong();
        for (JsonNode f : s.get("files")) {
          assertEquals(s.get("rows").asLong(), f.get("rows").asLong());
          assertEquals(sha256(folder.resolve(f.get("path").asText())), f.get("sha256").asText());
        }
      }
      assertEquals(perWindow[w], fromSplits);
    }

    List<List<Object>> ids = TestData.duckdb("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM read_parquet('" + out + "/window=*/*/parquet/*.parquet')");
    assertEquals(List.of(300L, 300L, 0L, 299L), ids.get(0));
    List<List<Object>> labels = TestData.duckdb("SELECT label, count(*) FROM read_parquet('" + out + "/window=*/*/parquet/*.parquet') GROUP BY label ORDER BY label");
    assertEquals(List.of(List.of(0L, 200L), List.of(1L, 100L)), labels);

    // Rejected: four bad ones at 100 s and the late one, all in the window of 100 s, with the reason each.
    JsonNode second = JSON.readTree(out.resolve("window=20260301T100100Z/manifest.json").toFile());
    assertEquals(5, second.get("rejected").get("count").asLong());
    assertEquals(1, second.get("rejected").get("late").asLong());
    List<String> lines = Files.readAllLines(out.resolve("window=20260301T100100Z/rejected/part-00000.jsonl"));
    assertEquals(5, lines.size());
    Map<Long, String> reasons = new TreeMap<>();
    for (String l : lines) {
      JsonNode r = JSON.readTree(l);
      assertEquals("events/0", r.get("source").asText());
      reasons.put(r.get("offset").asLong(), r.get("stage").asText() + ": " + r.get("reason").asText());
    }
    assertEquals(5, reasons.size());
    assertTrue(reasons.toString(), reasons.get(201L).startsWith("read: "));
    assertTrue(reasons.toString(), reasons.get(202L).contains("no event time: 'ts' is missing"));
    assertTrue(reasons.toString(), reasons.get(203L).contains("abc"));
    assertEquals("read: an empty message", reasons.get(204L));
    assertTrue(reasons.toString(), reasons.get(205L).startsWith("late: late: event time 2026-03-01T10:00:05Z"));
  }

  @Test
  public void givenTheSameMessagesTwice_theFilesAreByteIdentical() throws Exception {
    Path a = tmp.newFolder("a").toPath();
    Path b = tmp.newFolder("b").toPath();
    run(config(a, ""));
    run(config(b, ""));
    assertEquals(hashes(a), hashes(b));
  }

  private static Map<String, String> hashes(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String rel = root.relativize(f).toString();
        if (!rel.endsWith(".crc")) {
          out.put(rel, sha256(f));
        }
      }
    }
    return out;
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }
}
