package dev.trainset.pipelines.stream;

import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.io.stream.StreamRecord;
import dev.trainset.transforms.io.stream.WindowFiles;
import dev.trainset.transforms.slice.MessageBatch;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Parses each message with the batch readers ({@link MessageBatch}) and keys its record by where it is written: its
 * split's name, or {@code rejected}. Every message gives one record, with the message's own time, output while the
 * message is processed, so nothing moves to an earlier window or past the watermark.
 *
 * <p>A record whose window an earlier run completed ({@link EarlierWindows}: before {@code closedBefore}) is late:
 * a row is rejected as such, with its raw text, and every such record is held in the first window after the complete
 * ones, so a complete window's files are never written again.
 */
final class ParseMessages extends DoFn<Message, KV<String, StreamRecord>> {
  static final String READ = "messagesRead";
  static final String REJECTED = "messagesRejected";

  private final MessageBatch.Spec spec;
  private final List<String> splits;
  private final long windowMillis;
  private final long closedBefore;
  private final Counter read = Metrics.counter(ParseMessages.class, READ);
  private final Counter rejected = Metrics.counter(ParseMessages.class, REJECTED);
  private transient MessageBatch batch;

  /** @param closedBefore the end of the newest window an earlier run completed, or {@link EarlierWindows#NONE} */
  ParseMessages(MessageBatch.Spec spec, List<String> splits, java.time.Duration window, long closedBefore) {
    this.spec = spec;
    this.splits = List.copyOf(splits);
    this.windowMillis = window.toMillis();
    this.closedBefore = closedBefore;
  }

  @Setup
  public void setup() {
    batch = new MessageBatch(spec, "messages");
  }

  @ProcessElement
  public void process(@Element Message m, @Timestamp Instant time, OutputReceiver<KV<String, StreamRecord>> out) {
    // One message at a time, output at once: Beam's Flink runner forwards the watermark while a bundle is open, so
    // records held back to the end of a bundle could reach the window writers behind it (apache/beam#28649).
    StreamRecord r = batch.parse(List.of(m), new long[] {time.getMillis()})[0];
    if (r.windowMillis() < closedBefore) {
      long start = Math.floorDiv(r.windowMillis(), windowMillis) * windowMillis;
      r = r.isRejected()
          ? r.movedTo(closedBefore)
          : StreamRecord.rejected(
              m, closedBefore, batch.text(m.payload()), "late: its window " + WindowFiles.folder(start) + " was completed by an earlier run", "late");
    }
    read.inc();
    if (r.isRejected()) {
      rejected.inc();
    }
    out.output(KV.of(r.isRejected() ? WindowFiles.REJECTED : splits.get(r.split()), r));
  }
}
