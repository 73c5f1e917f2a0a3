package dev.trainset.pipelines.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.io.stream.WindowFiles;
import dev.trainset.transforms.io.stream.WindowPart;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Gathers the parts of a window (one per split with rows, one of rejected records) and, once the watermark shows that
 * every writer has written its part, writes the window's {@code manifest.json} and then {@code _SUCCESS}: the
 * manifest is written last of the data, so a window with {@code _SUCCESS} is complete. Its content depends only on
 * the parts, so a replay writes the same bytes.
 */
final class FinishWindows extends DoFn<KV<Long, WindowPart>, KV<String, WindowDone>> {
  static final String MANIFEST = "manifest.json";
  static final String SUCCESS = "_SUCCESS";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String output;
  private final long size;
  private final long lateness;
  private final String schemaJson;
  private final String splitMethod;

  @StateId("parts")
  private final StateSpec<BagState<WindowPart>> partsSpec = StateSpecs.bag(SerializableCoder.of(WindowPart.class));

  @StateId("start")
  private final StateSpec<ValueState<Long>> startSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("close")
  private final TimerSpec closeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  FinishWindows(String output, java.time.Duration size, java.time.Duration allowedLateness, String schemaJson, String splitMethod) {
    this.output = output;
    this.size = size.toMillis();
    this.lateness = allowedLateness.toMillis();
    this.schemaJson = schemaJson;
    this.splitMethod = splitMethod;
  }

  @ProcessElement
  public void process(
      @Element KV<Long, WindowPart> e,
      @org.apache.beam.sdk.transforms.DoFn.Timestamp org.joda.time.Instant time,
      @StateId("parts") BagState<WindowPart> parts,
      @StateId("start") ValueState<Long> start,
      @TimerId("close") Timer close) {
    parts.add(e.getValue());
    if (start.read() == null) {
      start.write(e.getKey());
      close.withOutputTimestamp(time).set(new org.joda.time.Instant(e.getKey() + size + lateness));
    }
  }

  @OnTimer("close")
  public void onClose(
      OnTimerContext c, @StateId("parts") BagState<WindowPart> parts, @StateId("start") ValueState<Long> startState) {
    long start = startState.read();
    List<WindowPart> all = new ArrayList<>();
    parts.read().forEach(all::add);
    all.sort((a, b) -> a.key().compareTo(b.key()));
    String folder = WindowFiles.folder(start);
    ObjectNode m = JSON.createObjectNode();
    m.put("window", folder);
    m.put("start", Instant.ofEpochMilli(start).toString());
    m.put("end", Instant.ofEpochMilli(start + size).toString());
    m.put("allowedLatenessSeconds", lateness / 1000.0);
    m.put("splitMethod", splitMethod);
    Map<String, Long> rows = new TreeMap<>();
    long rejected = 0;
    long late = 0;
    ObjectNode splits = m.putObject("splits");
    ObjectNode rej = JSON.createObjectNode();
    ArrayNode rejFiles = rej.putArray("files");
    Map<String, Long> stages = new TreeMap<>();
    Map<String, Long> reasons = new TreeMap<>();
    Map<String, WindowPart.Range> positions = new TreeMap<>();
    Map<String, Long> extra = new TreeMap<>();
    for (WindowPart p : all) {
      p.extraFields().forEach((k, v) -> extra.merge(k, v, Long::sum));
      p.positions().forEach((k, v) -> positions.merge(k, v, WindowPart.Range::plus));
      p.rejected().forEach((k, v) -> stages.merge(k, v, Long::sum));
      p.reasons().forEach((k, v) -> reasons.merge(k, v, Long::sum));
      if (!p.key().equals(WindowFiles.REJECTED) && p.rows() > 0) {
        rows.put(p.key(), p.rows());
        ObjectNode s = splits.putObject(p.key());
        s.put("rows", p.rows());
        ObjectNode classes = s.putObject("classes");
        p.classes().forEach(classes::put);
        ArrayNode files = s.putArray("files");
        for (WrittenFile f : p.files()) {
          if (!f.output().equals(WindowFiles.REJECTED)) {
            files.add(file(f, start));
          }
        }
      }
      for (WrittenFile f : p.files()) {
        if (f.output().equals(WindowFiles.REJECTED)) {
          rejFiles.add(file(f, start));
          rejected += f.rows();
        }
      }
    }
    late = stages.getOrDefault("late", 0L);
    m.put("rows", rows.values().stream().mapToLong(Long::longValue).sum());
    // Fields outside the schema: left out of the rows, counted (rows that had each), never silently dropped.
    ObjectNode extraFields = m.putObject("extraFields");
    extra.forEach(extraFields::put);
    rej.put("count", rejected);
    rej.put("late", late);
    ObjectNode byStage = rej.putObject("byStage");
    stages.forEach(byStage::put);
    ObjectNode byReason = rej.putObject("reasons");
    reasons.forEach(byReason::put);
    m.set("rejected", rej);
    ObjectNode pos = m.putObject("positions");
    positions.forEach((k, v) -> {
      ObjectNode range = pos.putObject(k);
      dev.trainset.transforms.io.stream.SourcePosition.putRange(range, v.first(), v.last());
      range.put("records", v.records());
    });
    try {
      m.set("schema", JSON.readTree(schemaJson));
      String base = output + folder + "/";
      write(base + MANIFEST, JSON.writeValueAsBytes(m), "application/json");
      write(base + SUCCESS, new byte[0], "text/plain");
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot finish window " + folder + ": " + ex.getMessage(), ex);
    }
    c.output(KV.of("latest", new WindowDone(start, start + size, folder, rows, rejected, late)));
    parts.clear();
    startState.clear();
  }

  private ObjectNode file(WrittenFile f, long start) {
    ObjectNode o = JSON.createObjectNode();
    String prefix = output + WindowFiles.folder(start) + "/";
    o.put("path", f.path().startsWith(prefix) ? f.path().substring(prefix.length()) : f.path());
    o.put("rows", f.rows());
    o.put("bytes", f.bytes());
    o.put("sha256", f.sha256());
    return o;
  }

  static void write(String path, byte[] bytes, String mime) throws IOException {
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(path, false), mime))) {
      out.write(bytes);
    }
  }
}
