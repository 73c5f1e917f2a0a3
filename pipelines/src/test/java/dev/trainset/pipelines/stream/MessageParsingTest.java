package dev.trainset.pipelines.stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.transforms.coders.TypedRowBytes;
import dev.trainset.transforms.io.stream.EventTimeField;
import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.io.stream.StreamRecord;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.slice.MessageBatch;
import dev.trainset.transforms.split.HashSplit;
import dev.trainset.transforms.split.ValueHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/** One message, one record: how the stream reads messages in JSON and CSV with the batch readers. */
public class MessageParsingTest {
  private static final long T = java.time.Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

  static StreamConfig config(String format, String extra) throws Exception {
    String yaml =
        "source: {kafka: {bootstrapServers: '127.0.0.1:1', topics: [t]}}\n"
            + "format: " + format + "\n"
            + "schema: {columns: {id: long, ts: timestamp, note: string, label: string}, required: [id]}\n"
            + "window: {size: 1m, eventTime: ts}\n"
            + "label: {column: label}\n"
            + "split: {key: id, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 7}\n"
            + "output: {path: /tmp/unused}\n"
            + extra;
    return StreamConfig.from(new ObjectMapper(new YAMLFactory()).readTree(yaml));
  }

  private static StreamRecord[] parse(StreamConfig cfg, String... payloads) {
    List<Message> ms = new ArrayList<>();
    for (int i = 0; i < payloads.length; i++) {
      ms.add(Message.kafka("t", 0, i, T, payloads[i].getBytes(StandardCharsets.UTF_8)));
    }
    long[] times = new long[payloads.length];
    Arrays.fill(times, T);
    return new MessageBatch(StreamGraph.batchSpec(cfg), "t").parse(ms, times);
  }

  private static Object value(StreamConfig cfg, StreamRecord r, int column) {
    MessageBatch.Spec spec = StreamGraph.batchSpec(cfg);
    TypedRow row = new TypedRow(spec.preparation().output().size());
    new TypedRowBytes(spec.preparation().output()).decode(r.row(), row);
    return row.value(column, spec.preparation().output().column(column));
  }

  @Test
  public void givenJsonMessages_eachIsOneRecord_aMultiLineOneIsReadWhole_andAnArrayIsRejected() throws Exception {
    StreamConfig cfg = config("json", "");
    StreamRecord[] r =
        parse(
            cfg,
            "{\"id\": 1, \"ts\": \"2026-03-01T10:00:00Z\", \"note\": \"a\", \"label\": \"x\"}",
            "{\"id\": 2,\n \"ts\": \"2026-03-01T10:00:01Z\",\r\n \"note\": \"b\", \"label\": \"y\"}",
            "[{\"id\": 3, \"ts\": \"2026-03-01T10:00:00Z\", \"label\": \"x\"}, {\"id\": 4, \"ts\": \"2026-03-01T10:00:00Z\", \"label\": \"x\"}]",
            "{\"id\": 5, \"ts\": \"2026-03-01T10:00:02Z\", \"note\": \"c\", \"label\": \"x\"}");
    assertEquals(4, r.length);
    assertNull(r[0].reason());
    assertEquals("a", value(cfg, r[0], indexOut(cfg, "note")));
    assertNull(r[1].reason(), r[1].reason());
    assertEquals(T + 1000, r[1].windowMillis());
    assertTrue(r[2].isRejected());
    assertTrue(r[2].reason(), r[2].reason().contains("object"));
    assertNull(r[3].reason());
    assertEquals(T + 2000, r[3].windowMillis());
  }

  @Test
  public void givenFieldsOutsideTheSchema_theRecordIsKept_andTheyAreNamedForCounting() throws Exception {
    StreamConfig cfg = config("json", "");
    StreamRecord[] r =
        parse(
            cfg,
            "{\"id\": 1, \"ts\": \"2026-03-01T10:00:00Z\", \"label\": \"x\", \"host\": \"a\", \"extra\": {\"k\": 2}}",
            "{\"id\": 2, \"ts\": \"2026-03-01T10:00:00Z\", \"label\": \"y\"}");
    assertNull(r[0].reason(), r[0].reason());
    assertEquals(List.of("host", "extra.k"), r[0].extraFields());
    assertEquals(1L, value(cfg, r[0], indexOut(cfg, "id")));
    assertNull(r[1].extraFields());
  }

  private static int indexOut(StreamConfig cfg, String name) {
    return StreamGraph.batchSpec(cfg).preparation().output().indexOf(name);
  }

  @Test
  public void givenCsvMessages_aQuotedLineBreakIsOneRecord_andAnOpenQuoteIsRejectedAlone() throws Exception {
    StreamConfig cfg = config("csv", "");
    StreamRecord[] r =
        parse(cfg, "1,2026-03-01T10:00:00Z,plain,x", "2,2026-03-01T10:00:00Z,\"two\nlines\",y", "3,2026-03-01T10:00:00Z,\"open,x", "4,2026-03-01T10:00:00Z,last,x");
    assertNull(r[0].reason());
    assertEquals("plain", value(cfg, r[0], indexOut(cfg, "note")));
    assertNull(r[1].reason());
    assertEquals("two\nlines", value(cfg, r[1], indexOut(cfg, "note")));
    assertTrue(r[2].reason(), r[2].isRejected());
    assertNull(r[3].reason());
    assertEquals("last", value(cfg, r[3], indexOut(cfg, "note")));
  }

  @Test
  public void givenBytesThatAreNotUtf8_theMessageIsRejectedWithTheByteOffset_notAltered() throws Exception {
    StreamConfig cfg = config("json", "");
    List<Message> ms = List.of(Message.kafka("t", 0, 0, T, new byte[] {'{', '"', 'i', 'd', '"', ':', '1', ',', '"', 'n', 'o', 't', 'e', '"', ':', '"', 'J', 'o', 's', (byte) 0xE9, '"', '}'}));
    StreamRecord[] r = new MessageBatch(StreamGraph.batchSpec(cfg), "t").parse(ms, new long[] {T});
    assertEquals("not valid utf-8 at byte 19 of the message (set encoding if the messages are in another one)", r[0].reason());
    StreamConfig latin = config("json", "encoding: latin-1\n");
    StreamRecord[] l = new MessageBatch(StreamGraph.batchSpec(latin), "t").parse(ms, new long[] {T});
    assertEquals("label 'label' is missing", l[0].reason()); // decoded as José: only the missing label is wrong
  }

  @Test
  public void givenAKey_theSplitIsTheBatchHashSplitOfIt() throws Exception {
    StreamConfig cfg = config("json", "");
    String[] payloads = new String[2000];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = "{\"id\": " + i + ", \"ts\": \"2026-03-01T10:00:00Z\", \"label\": \"x\"}";
    }
    StreamRecord[] r = parse(cfg, payloads);
    HashSplit hash = new HashSplit(cfg.split().names(), cfg.split().fractions(), cfg.split().seed(), "id");
    for (int i = 0; i < r.length; i++) {
      assertEquals(hash.splitOf(ValueHash.of((long) i)), r[i].split());
    }
  }

  @Test
  public void theEventTimeFieldFindsWhatTheTypingFinds() throws Exception {
    EventTimeField json = EventTimeField.json("ts", StandardCharsets.UTF_8);
    assertEquals(Long.valueOf(T), json.millis("{\"a\": {\"ts\": 1}, \"ts\": \"2026-03-01T10:00:00Z\"}".getBytes(StandardCharsets.UTF_8)));
    assertNull(json.millis("{\"ts\": \"soon\"}".getBytes(StandardCharsets.UTF_8)));
    assertNull(json.millis("not json".getBytes(StandardCharsets.UTF_8)));
    EventTimeField csv = EventTimeField.csv("ts", 1, ',', '"', StandardCharsets.UTF_8);
    assertEquals(Long.valueOf(T), csv.millis("\"a,b\",2026-03-01T10:00:00Z,c".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  public void givenABlankMessageAndOneWithAByteOrderMark_theBlankIsEmpty_andTheMarkIsNotPartOfTheFirstValue() throws Exception {
    StreamConfig cfg = config("csv", "");
    StreamRecord[] r = parse(cfg, "1,2026-03-01T10:00:00Z,a,x", "  \t ", "\uFEFF3,2026-03-01T10:00:02Z,c,x", "4,2026-03-01T10:00:03Z,d,x");
    assertNull(r[0].reason());
    assertEquals("an empty message", r[1].reason());
    assertNull(r[2].reason(), r[2].reason());
    assertEquals(3L, value(cfg, r[2], indexOut(cfg, "id")));
    assertEquals(4L, value(cfg, r[3], indexOut(cfg, "id")));
    assertEquals(T + 3000, r[3].windowMillis());
  }
}
