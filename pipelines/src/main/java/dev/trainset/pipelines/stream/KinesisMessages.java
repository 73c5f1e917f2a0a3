package dev.trainset.pipelines.stream;

import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.transforms.io.stream.EventTimeField;
import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.io.stream.SourcePosition;
import java.io.Serializable;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.io.aws2.common.ClientConfiguration;
import org.apache.beam.sdk.io.aws2.kinesis.KinesisIO;
import org.apache.beam.sdk.io.aws2.kinesis.KinesisRecord;
import org.apache.beam.sdk.io.aws2.kinesis.WatermarkPolicy;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;
import software.amazon.awssdk.regions.Region;
import software.amazon.kinesis.common.InitialPositionInStream;

/**
 * The records of an Amazon Kinesis data stream (Beam's aws2 {@code KinesisIO}, polling every shard), timed by their
 * event time like {@link KafkaMessages}. A shard's watermark ({@link ShardClock}) is the highest event time read from
 * it (a payload field, or the arrival time). When the shard has given nothing for {@link ShardClock#IDLE} and the
 * reader was at the stream's tip (its last record was read within {@link ShardClock#TIP} of arriving), the watermark
 * follows the wall clock instead, so that an idle shard does not hold every window open; a reader working through a
 * backlog is not idle, however long it pauses. Credentials come from the AWS default chain; the shards' positions are
 * kept in the job's checkpoints (Kinesis has no consumer group to commit them to).
 *
 * <p>KinesisIO stamps a record with its arrival time; {@link Timing} gives it its event time instead, or, when that is
 * more than the allowed lateness behind the shard's watermark, the watermark's time, so that the parse step finds it
 * late and a closed window is never reached (as {@link EventTimePolicy} does for Kafka).
 */
public final class KinesisMessages extends PTransform<PBegin, PCollection<Message>> {
  private final StreamConfig.Kinesis kinesis;
  private final EventTimeField eventTime;
  private final Duration allowedLateness;

  private KinesisMessages(StreamConfig.Kinesis kinesis, EventTimeField eventTime, Duration allowedLateness) {
    this.kinesis = kinesis;
    this.eventTime = eventTime;
    this.allowedLateness = allowedLateness;
  }

  /** @param eventTime the payload field of the event time, or null for the arrival time */
  public static KinesisMessages from(StreamConfig.Kinesis kinesis, EventTimeField eventTime, java.time.Duration allowedLateness) {
    return new KinesisMessages(kinesis, eventTime, Duration.millis(allowedLateness.toMillis()));
  }

  /** The client settings: the region, and the endpoint when one is given (kinesalite, a VPC endpoint). */
  static ClientConfiguration client(StreamConfig.Kinesis kinesis) {
    ClientConfiguration.Builder b = ClientConfiguration.builder().region(Region.of(kinesis.region()));
    if (kinesis.endpoint() != null) {
      b.endpoint(URI.create(kinesis.endpoint()));
    }
    return b.build();
  }

  @Override
  public PCollection<Message> expand(PBegin input) {
    EventTime time = new EventTime(eventTime);
    return input
        .apply(
            "ReadKinesis",
            KinesisIO.read()
                .withStreamName(kinesis.stream())
                .withInitialPositionInStream(
                    kinesis.startFrom() == StreamConfig.StartFrom.LATEST ? InitialPositionInStream.LATEST : InitialPositionInStream.TRIM_HORIZON)
                .withClientConfiguration(client(kinesis))
                .withCustomWatermarkPolicy(() -> new ShardWatermark(time)))
        .apply("ToMessages", ParDo.of(new Timing(time, allowedLateness)))
        .setCoder(Message.Coder.of());
  }

  /** A record's event time: the payload field's, or its arrival time; the earliest time when it has none. */
  static final class EventTime implements SerializableFunction<KinesisRecord, Instant> {
    private final EventTimeField field; // null: the arrival time

    EventTime(EventTimeField field) {
      this.field = field;
    }

    @Override
    public Instant apply(KinesisRecord r) {
      Long t = field == null ? Long.valueOf(r.getApproximateArrivalTimestamp().getMillis()) : field.millis(r.getDataAsBytes());
      if (t == null || t < BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis() || t > BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()) {
        return BoundedWindow.TIMESTAMP_MIN_VALUE;
      }
      return new Instant(t);
    }
  }

  /**
   * One shard's watermark, from the records read from it in order and the wall clock. Both the reader's policy and
   * {@link Timing} keep one per shard and see the same records in the same order, so they agree; where the watermark
   * follows the wall clock, {@link Timing} asks at each record, so it is never behind what the policy has given.
   */
  static final class ShardClock implements Serializable {
    /** How long a shard at the tip gives nothing before its watermark follows the wall clock (as for Kafka). */
    static final long IDLE = EventTimePolicy.IDLE_GRACE.getMillis();
    /** A record read within this of its arrival was read at the stream's tip. */
    static final long TIP = 10_000;
    /** How long a shard that has given no record yet holds the watermark (the first reads of a backlog may be empty). */
    static final long FIRST = 30_000;

    private long high = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
    private long lastRead;
    private long lastLag = -1; // none read yet

    ShardClock(long created) {
      this.lastRead = created;
    }

    /** The watermark at wall time {@code now}. */
    long watermark(long now) {
      boolean idle = lastLag < 0 ? now - lastRead > FIRST : now - lastRead > IDLE && lastLag <= TIP;
      if (idle) {
        high = Math.max(high, now - IDLE);
      }
      return high;
    }

    /** A record read at {@code now} with event time {@code t} ({@code TIMESTAMP_MIN_VALUE} for none). */
    void read(long t, long arrival, long now) {
      high = Math.max(high, t);
      lastRead = now;
      lastLag = Math.max(0, now - arrival);
    }
  }

  /** The reader's watermark policy for one shard. */
  static final class ShardWatermark implements WatermarkPolicy {
    private final EventTime time;
    private final ShardClock clock = new ShardClock(System.currentTimeMillis());

    ShardWatermark(EventTime time) {
      this.time = time;
    }

    @Override
    public Instant getWatermark() {
      return new Instant(clock.watermark(System.currentTimeMillis()));
    }

    @Override
    public void update(KinesisRecord r) {
      clock.read(time.apply(r).getMillis(), r.getApproximateArrivalTimestamp().getMillis(), System.currentTimeMillis());
    }
  }

  /** A Kinesis record as a {@link Message}, stamped with its event time, or, when late, its shard's watermark. */
  static final class Timing extends DoFn<KinesisRecord, Message> {
    private final EventTime time;
    private final long lateness;
    private transient Map<String, ShardClock> shards;
    private transient long started;

    Timing(EventTime time, Duration allowedLateness) {
      this.time = time;
      this.lateness = allowedLateness.getMillis();
    }

    @Setup
    public void setup() {
      shards = new HashMap<>();
      started = System.currentTimeMillis(); // no later than the reader's policies are made
    }

    @ProcessElement
    public void process(@Element KinesisRecord r, OutputReceiver<Message> out) {
      long min = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
      ShardClock clock = shards.computeIfAbsent(r.getStreamName() + "/" + r.getShardId(), k -> new ShardClock(started));
      long now = System.currentTimeMillis();
      long watermark = clock.watermark(now);
      long t = time.apply(r).getMillis();
      long arrival = r.getApproximateArrivalTimestamp().getMillis();
      long stamp;
      if (t == min) {
        stamp = watermark > min ? watermark : arrival; // no event time: rejected, in a window still open
      } else if (watermark > min && t < watermark - lateness) {
        stamp = watermark; // late
      } else {
        stamp = t;
      }
      clock.read(t, arrival, now);
      SourcePosition at = SourcePosition.kinesis(r.getStreamName(), r.getShardId(), r.getSequenceNumber(), r.getSubSequenceNumber());
      out.outputWithTimestamp(new Message(at, arrival, r.getDataAsBytes()), new Instant(stamp));
    }

    /** A record's event time is usually before its arrival time, which KinesisIO stamped it with. */
    @Override
    @SuppressWarnings("deprecation")
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }
  }
}
