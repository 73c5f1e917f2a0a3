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
 *
 * <p>A record at or before the positions drained runs wrote ({@link WrittenPositions}) is skipped: it is in the output
 * already. It is counted ({@code messagesSkipped}), not read.
 */
final class ParseMessages extends DoFn<Message, KV<String, StreamRecord>> {
  static final String READ = "messagesRead";
  static final String REJECTED = "messagesRejected";
  static final String SKIPPED = "messagesSkipped";

  private final MessageBatch.Spec spec;
  private final List<String> splits;
  private final long windowMillis;
  private final long closedBefore;
  private final WrittenPositions written;
  private final Counter read = Metrics.counter(ParseMessages.class, READ);
  private final Counter rejected = Metrics.counter(ParseMessages.class, REJECTED);
  private final Counter skipped = Metrics.counter(ParseMessages.class, SKIPPED);
  private transient MessageBatch batch;

  /**
   * @param closedBefore the end of the newest window an earlier run completed, or {@link EarlierWindows#NONE}
   * @param written the positions drained runs wrote, whose records are skipped
   */
  ParseMessages(MessageBatch.Spec spec, List<String> splits, java.time.Duration window, long closedBefore, WrittenPositions written) {
    this.spec = spec;
    this.splits = List.copyOf(splits);
    this.windowMillis = window.toMillis();
    this.closedBefore = closedBefore;
    this.written = written;
  }

  @Setup
  public void setup() {
    batch = new MessageBatch(spec, "messages");
  }

  @ProcessElement
  public void process(@Element Message m, @Timestamp Instant time, OutputReceiver<KV<String, StreamRecord>> out) {
    if (written.written(m.position())) {
      skipped.inc();
      return;
    }
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
