package dev.trainset.pipelines.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Keeps {@code OUT/latest.json}: the complete windows (each has its manifest and {@code _SUCCESS}), newest last, with
 * totals; rewritten whenever a window completes. A consumer that polls it learns of new training data without
 * listing the output.
 */
final class LatestWindows extends DoFn<KV<String, WindowDone>, Void> {
  static final String LATEST = "latest.json";
  /** Windows listed in latest.json; older complete windows stay in the output, counted in the totals. */
  static final int LISTED = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String output;
  private final List<WindowDone> earlier;

  @StateId("done")
  @SuppressWarnings("rawtypes")
  private final StateSpec<ValueState<TreeMap>> doneSpec = StateSpecs.value(SerializableCoder.of(TreeMap.class));

  /** @param earlier the complete windows of earlier runs, listed until this run's state has its own */
  LatestWindows(String output, List<WindowDone> earlier) {
    this.output = output;
    this.earlier = List.copyOf(earlier);
  }

  @ProcessElement
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void process(@Element KV<String, WindowDone> e, @StateId("done") ValueState<TreeMap> state) {
    TreeMap<Long, WindowDone> done = state.read() == null ? new TreeMap<>() : (TreeMap<Long, WindowDone>) state.read();
    if (state.read() == null) {
      earlier.forEach(w -> done.put(w.start(), w));
    }
    done.put(e.getValue().start(), e.getValue());
    while (done.size() > LISTED) {
      done.pollFirstEntry();
    }
    state.write(done);
    ObjectNode o = JSON.createObjectNode();
    WindowDone last = done.lastEntry().getValue();
    o.put("latest", last.folder());
    o.put("latestEnd", Instant.ofEpochMilli(last.end()).toString());
    o.put("windows", done.size());
    long rows = 0;
    long rejected = 0;
    ArrayNode list = o.putArray("complete");
    for (WindowDone w : done.values()) {
      ObjectNode n = list.addObject();
      n.put("window", w.folder());
      n.put("start", Instant.ofEpochMilli(w.start()).toString());
      n.put("end", Instant.ofEpochMilli(w.end()).toString());
      n.put("manifest", w.folder() + "/" + FinishWindows.MANIFEST);
      n.put("rows", w.totalRows());
      ObjectNode splits = n.putObject("splits");
      for (Map.Entry<String, Long> s : w.rows().entrySet()) {
        splits.put(s.getKey(), s.getValue());
      }
      n.put("rejected", w.rejected());
      n.put("late", w.late());
      rows += w.totalRows();
      rejected += w.rejected();
    }
    o.put("rows", rows);
    o.put("rejected", rejected);
    try {
      FinishWindows.write(output + LATEST, JSON.writeValueAsBytes(o), "application/json");
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + output + LATEST + ": " + ex.getMessage(), ex);
    }
  }
}
