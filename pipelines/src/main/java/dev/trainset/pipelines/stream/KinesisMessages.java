package dev.trainset.pipelines.stream;

import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.transforms.io.stream.EventTimeField;
import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.io.stream.SourcePosition;
import java.io.Serializable;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * reader was at the stream's tip (its last record was read within {@link ShardClock#TIP} of arriving), or for {@link
 * ShardClock#STALL} whatever the lag, the watermark follows the wall clock instead, so that an idle shard does not hold
 * every window open; a reader working through a backlog is not idle when it pauses briefly. Credentials come from the
 * AWS default chain; the shards' positions are kept in the job's checkpoints (Kinesis has no consumer group).
 *
 * <p>KinesisIO stamps a record with its arrival time; {@link Timing} gives it its event time instead, or, when that is
 * more than the allowed lateness behind the watermark its shard's policy has given, that watermark's time, so that the
 * parse step finds it late and a closed window is never reached (as {@link EventTimePolicy} does for Kafka). The two
 * meet in {@link #GIVEN}: Timing is chained to the reader, in its process and thread.
 */
public final class KinesisMessages extends PTransform<PBegin, PCollection<Message>> {
  /**
   * The highest watermark each shard's policy has given, by graph and {@code stream/shard}. It outlives a job's restart
   * in the same process (a failover), as the watermark would for Kafka; a new process starts without it.
   */
  static final Map<String, Long> GIVEN = new ConcurrentHashMap<>();

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
    String graph = UUID.randomUUID().toString(); // this graph's keys in GIVEN
    return input
        .apply(
            "ReadKinesis",
            KinesisIO.read()
                .withStreamName(kinesis.stream())
                .withInitialPositionInStream(
                    kinesis.startFrom() == StreamConfig.StartFrom.LATEST ? InitialPositionInStream.LATEST : InitialPositionInStream.TRIM_HORIZON)
                .withClientConfiguration(client(kinesis))
                .withCustomWatermarkPolicy(() -> new ShardWatermark(time, graph)))
        .apply("ToMessages", ParDo.of(new Timing(time, allowedLateness, graph)))
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

  /** One shard's watermark, from the records read from it in order and the wall clock. */
  static final class ShardClock implements Serializable {
    /** How long a shard at the tip gives nothing before its watermark follows the wall clock (as for Kafka). */
    static final long IDLE = EventTimePolicy.IDLE_GRACE.getMillis();
    /** A record read within this of its arrival was read at the stream's tip. */
    static final long TIP = 10_000;
    /** How long a shard that has given no record yet holds the watermark (the first reads of a backlog may be empty). */
    static final long FIRST = 30_000;
    /** How long a shard gives nothing before it is idle however late its last record was read (a quiet shard after a restart). */
    static final long STALL = 60_000;

    private long high = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
    private long lastRead;
    private long lastLag = -1; // none read yet

    ShardClock(long created) {
      this.lastRead = created;
    }

    /** The watermark at wall time {@code now}. */
    long watermark(long now) {
      boolean idle = lastLag < 0 ? now - lastRead > FIRST : (now - lastRead > IDLE && lastLag <= TIP) || now - lastRead > STALL;
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

  /** The reader's watermark policy for one shard; what it gives is kept in {@link #GIVEN} for {@link Timing}. */
  static final class ShardWatermark implements WatermarkPolicy {
    private final EventTime time;
    private final String graph;
    private final ShardClock clock = new ShardClock(System.currentTimeMillis());
    private long given = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
    private String key; // known from the shard's first record

    ShardWatermark(EventTime time, String graph) {
      this.time = time;
      this.graph = graph;
    }

    @Override
    public Instant getWatermark() {
      long w = clock.watermark(System.currentTimeMillis());
      given = Math.max(given, w);
      if (key != null) {
        GIVEN.merge(key, given, Math::max);
      }
      return new Instant(w);
    }

    @Override
    public void update(KinesisRecord r) {
      clock.read(time.apply(r).getMillis(), r.getApproximateArrivalTimestamp().getMillis(), System.currentTimeMillis());
      if (key == null) {
        key = graph + "/" + r.getStreamName() + "/" + r.getShardId();
        GIVEN.merge(key, given, Math::max); // what it gave before this shard's first record
      }
    }
  }

  /**
   * A Kinesis record as a {@link Message}, stamped with its event time, or, when that is more than the allowed lateness
   * behind what its shard's policy has given, with that watermark. The reader acknowledges a record to its policy
   * before handing it on, so {@link #GIVEN} holds the shard's key by the time the record is here.
   */
  static final class Timing extends DoFn<KinesisRecord, Message> {
    private final EventTime time;
    private final long lateness;
    private final String graph;

    Timing(EventTime time, Duration allowedLateness, String graph) {
      this.time = time;
      this.lateness = allowedLateness.getMillis();
      this.graph = graph;
    }

    @ProcessElement
    public void process(@Element KinesisRecord r, OutputReceiver<Message> out) {
      long min = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
      long watermark = GIVEN.getOrDefault(graph + "/" + r.getStreamName() + "/" + r.getShardId(), min);
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
