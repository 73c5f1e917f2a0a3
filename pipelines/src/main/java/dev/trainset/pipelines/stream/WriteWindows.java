package dev.trainset.pipelines.stream;

import dev.trainset.transforms.io.stream.StreamRecord;
import dev.trainset.transforms.io.stream.WindowFiles;
import dev.trainset.transforms.io.stream.WindowPart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.VarLongCoder;
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
import org.joda.time.Instant;

/**
 * Holds one split's records (or the rejected ones) by fixed event-time window, and writes a window's files when the
 * watermark passes its end plus the allowed lateness ({@link WindowFiles}: sorted and de-duplicated by position,
 * fixed names, so a replay after a restore rewrites the same bytes). The windowing is done here, in the global
 * window, rather than by Beam's {@code Window.into}: each window is written exactly once, and the window's timer
 * holds the output watermark at the window's end until its files are written, so the step that finishes a window
 * sees every part of it.
 */
final class WriteWindows extends DoFn<KV<String, StreamRecord>, KV<Long, WindowPart>> {
  static final String WRITTEN = "rowsWritten";

  private final WindowFiles.Spec spec;
  private final long size;
  private final long lateness;
  private transient WindowFiles files;

  @StateId("records")
  private final StateSpec<BagState<StreamRecord>> recordsSpec = StateSpecs.bag(StreamRecord.Coder.of());

  /** The start of the earliest window not written yet by this key: windows before it are closed. */
  @StateId("open")
  private final StateSpec<ValueState<Long>> openSpec = StateSpecs.value(VarLongCoder.of());

  /** When the timer fires next (the earliest close of a held window). */
  @StateId("next")
  private final StateSpec<ValueState<Long>> nextSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("close")
  private final TimerSpec closeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  WriteWindows(WindowFiles.Spec spec, java.time.Duration size, java.time.Duration allowedLateness) {
    this.spec = spec;
    this.size = size.toMillis();
    this.lateness = allowedLateness.toMillis();
  }

  @Setup
  public void setup() {
    files = new WindowFiles(spec);
  }

  long startOf(long millis) {
    return Math.floorDiv(millis, size) * size;
  }

  @ProcessElement
  public void process(
      @Element KV<String, StreamRecord> e,
      @Timestamp Instant time,
      @StateId("records") BagState<StreamRecord> records,
      @StateId("open") ValueState<Long> open,
      @StateId("next") ValueState<Long> next,
      @TimerId("close") Timer close) {
    StreamRecord r = e.getValue();
    long start = startOf(r.windowMillis());
    Long firstOpen = open.read();
    if (firstOpen != null && start < firstOpen) {
      // The source times records so that this does not happen; should it, the record is kept as late, not dropped.
      r = r.late(firstOpen, "late: its window " + WindowFiles.folder(start) + " had been written");
      start = firstOpen;
    }
    records.add(r);
    long closeAt = start + size + lateness;
    Long n = next.read();
    if (n == null || closeAt < n) {
      long hold = Math.max(start + size - 1, time.getMillis());
      close.withOutputTimestamp(new Instant(hold)).set(new Instant(closeAt));
      next.write(closeAt);
    }
  }

  @OnTimer("close")
  public void onClose(
      OnTimerContext c,
      @Key String key,
      @StateId("records") BagState<StreamRecord> records,
      @StateId("open") ValueState<Long> open,
      @StateId("next") ValueState<Long> next,
      @TimerId("close") Timer close) {
    long now = c.fireTimestamp().getMillis();
    Map<Long, List<StreamRecord>> due = new TreeMap<>();
    List<StreamRecord> kept = new ArrayList<>();
    long nextClose = Long.MAX_VALUE;
    for (StreamRecord r : records.read()) {
      long start = startOf(r.windowMillis());
      if (start + size + lateness <= now) {
        due.computeIfAbsent(start, s -> new ArrayList<>()).add(r);
      } else {
        kept.add(r);
        nextClose = Math.min(nextClose, start + size + lateness);
      }
    }
    for (Map.Entry<Long, List<StreamRecord>> w : due.entrySet()) {
      try {
        WindowPart part = files.write(w.getKey(), key, w.getValue());
        c.output(KV.of(w.getKey(), part));
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write window " + WindowFiles.folder(w.getKey()) + " of " + key + ": " + ex.getMessage(), ex);
      }
    }
    records.clear();
    kept.forEach(records::add);
    if (!due.isEmpty()) {
      long written = ((TreeMap<Long, List<StreamRecord>>) due).lastKey() + size;
      Long o = open.read();
      open.write(o == null ? written : Math.max(o, written));
    }
    if (nextClose == Long.MAX_VALUE) {
      next.clear();
    } else {
      long hold = Math.max(startOf(nextClose - size - lateness) + size - 1, c.timestamp().getMillis());
      close.withOutputTimestamp(new Instant(hold)).set(new Instant(nextClose));
      next.write(nextClose);
    }
  }
}
