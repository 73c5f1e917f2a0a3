package dev.trainset.pipelines.stream;

import dev.trainset.transforms.io.stream.EventTimeField;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The time and watermark of one Kafka partition. A record's time is its event time (a payload field, or the
 * broker's timestamp); the partition's watermark is the highest event time seen so far. A record more than the
 * allowed lateness behind that is late: it gets the watermark's time instead, so it lands in a window that is still
 * open, where the parse step finds it late (its event time is behind its time) and rejects it as such. A record
 * without a readable event time gets the watermark's time too.
 *
 * <p>When the partition has no backlog (the reader has caught up), the watermark moves to a few seconds before the
 * time of the check, so that the last windows of an idle partition close, and a partition that never gets a record
 * does not hold every window open.
 */
final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  /** How far behind the wall clock an idle partition's watermark stays. */
  static final Duration IDLE_GRACE = Duration.standardSeconds(5);

  private final EventTimeField field; // null: the broker's timestamp
  private final long lateness;
  private Instant high;

  EventTimePolicy(EventTimeField field, Duration allowedLateness, Optional<Instant> previousWatermark) {
    this.field = field;
    this.lateness = allowedLateness.getMillis();
    this.high = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** The factory KafkaIO calls for each partition (also after a restore, with its checkpointed watermark). */
  static TimestampPolicyFactory<byte[], byte[]> factory(EventTimeField field, Duration allowedLateness) {
    return (TopicPartition tp, Optional<Instant> previous) -> new EventTimePolicy(field, allowedLateness, previous);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    Long t = field == null ? Long.valueOf(record.getTimestamp()) : field.millis(record.getKV().getValue() == null ? new byte[0] : record.getKV().getValue());
    if (t == null || t < BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis() || t > BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()) {
      return high.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE) ? high : new Instant(record.getTimestamp());
    }
    if (high.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE) && t < high.getMillis() - lateness) {
      return high; // late
    }
    if (t > high.getMillis()) {
      high = new Instant(t);
    }
    return new Instant(t);
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    if (ctx.getMessageBacklog() == 0) {
      Instant idle = ctx.getBacklogCheckTime().minus(IDLE_GRACE);
      if (idle.isAfter(high)) {
        high = idle;
      }
    }
    return high;
  }
}
