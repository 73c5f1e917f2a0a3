package dev.trainset.pipelines.stream;

import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.io.stream.StreamRecord;
import dev.trainset.transforms.io.stream.WindowFiles;
import dev.trainset.transforms.slice.MessageBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Parses the messages of a bundle together ({@link MessageBatch}: one in-memory slice, the batch readers), and keys
 * each record by where it is written: its split's name, or {@code rejected}. Every message gives one record, with the
 * message's own time, so nothing moves to an earlier window or past the watermark.
 */
final class ParseMessages extends DoFn<Message, KV<String, StreamRecord>> {
  static final String READ = "messagesRead";
  static final String REJECTED = "messagesRejected";

  private final MessageBatch.Spec spec;
  private final List<String> splits;
  private final Counter read = Metrics.counter(ParseMessages.class, READ);
  private final Counter rejected = Metrics.counter(ParseMessages.class, REJECTED);
  private transient MessageBatch batch;
  private transient List<Message> messages;
  private transient List<Instant> times;
  private transient List<BoundedWindow> windows;

  ParseMessages(MessageBatch.Spec spec, List<String> splits) {
    this.spec = spec;
    this.splits = List.copyOf(splits);
  }

  @Setup
  public void setup() {
    batch = new MessageBatch(spec, "messages");
  }

  @StartBundle
  public void start() {
    messages = new ArrayList<>();
    times = new ArrayList<>();
    windows = new ArrayList<>();
  }

  @ProcessElement
  public void process(@Element Message m, @Timestamp Instant time, BoundedWindow window) {
    messages.add(m);
    times.add(time);
    windows.add(window);
  }

  @FinishBundle
  public void finish(FinishBundleContext c) {
    if (messages.isEmpty()) {
      return;
    }
    long[] millis = new long[messages.size()];
    for (int i = 0; i < millis.length; i++) {
      millis[i] = times.get(i).getMillis();
    }
    StreamRecord[] records = batch.parse(messages, millis);
    long bad = 0;
    for (int i = 0; i < records.length; i++) {
      StreamRecord r = records[i];
      if (r.isRejected()) {
        bad++;
      }
      c.output(KV.of(r.isRejected() ? WindowFiles.REJECTED : splits.get(r.split()), r), times.get(i), windows.get(i));
    }
    read.inc(records.length);
    rejected.inc(bad);
    messages.clear();
    times.clear();
    windows.clear();
  }
}
