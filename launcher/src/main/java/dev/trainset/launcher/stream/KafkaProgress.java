package dev.trainset.launcher.stream;

import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.pipelines.config.TrainsetException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the launcher sees of a Kafka source from outside the job: the topics' partitions, their end offsets, and the
 * offsets the job's consumer group has committed (KafkaIO commits them when a checkpoint completes). The stream is
 * idle and caught up when the end offsets have not moved for the idle time and the group has committed all of them:
 * every record is in the job's checkpointed state.
 */
public final class KafkaProgress implements SourceProgress {
  private final StreamConfig.Kafka kafka;
  private final Admin admin;
  private Map<TopicPartition, Long> lastEnds = Map.of();
  private long unchangedSince = System.nanoTime();

  public KafkaProgress(StreamConfig.Kafka kafka) {
    this.kafka = kafka;
    Map<String, Object> c = new HashMap<>();
    for (Map.Entry<String, String> e : kafka.properties().entrySet()) {
      if (e.getKey().startsWith("security.") || e.getKey().startsWith("sasl.") || e.getKey().startsWith("ssl.")) {
        c.put(e.getKey(), e.getValue());
      }
    }
    c.put("bootstrap.servers", kafka.bootstrapServers());
    c.put("request.timeout.ms", 20_000);
    c.put("default.api.timeout.ms", 30_000);
    this.admin = Admin.create(c);
  }

  /** Checks that the brokers answer and every topic exists; a one-line error otherwise. */
  @Override
  public void check() {
    try {
      Map<String, TopicDescription> topics = admin.describeTopics(kafka.topics()).allTopicNames().get(60, TimeUnit.SECONDS);
      if (topics.size() != kafka.topics().size()) {
        throw new TrainsetException(TrainsetException.DATA, "source.kafka.topics: not every topic exists: " + kafka.topics());
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
        throw new TrainsetException(TrainsetException.DATA, "source.kafka.topics: a topic does not exist on " + kafka.bootstrapServers() + ": " + kafka.topics());
      }
      throw new TrainsetException(TrainsetException.DATA, "cannot read the topics from Kafka at " + kafka.bootstrapServers() + ": " + c.getMessage());
    } catch (TimeoutException e) {
      throw new TrainsetException(TrainsetException.DATA, "Kafka at " + kafka.bootstrapServers() + " did not answer within 60 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainsetException(TrainsetException.INTERNAL, "interrupted");
    }
  }

  /** The topics' end offsets and the group's committed offsets, summed over partitions. */
  private record Offsets(long ends, long committed) {
    public boolean caughtUp() {
      return committed >= ends;
    }
  }

  private Offsets last = new Offsets(0, 0);

  /** Reads the end and committed offsets now; call it every few seconds. */
  @Override
  public void poll(String job) throws Exception {
    Set<TopicPartition> partitions = new java.util.HashSet<>();
    for (TopicDescription d : admin.describeTopics(kafka.topics()).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
      d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, Long> endOffsets = new HashMap<>();
    ends.forEach((p, i) -> endOffsets.put(p, i.offset()));
    if (!endOffsets.equals(lastEnds)) {
      lastEnds = endOffsets;
      unchangedSince = System.nanoTime();
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(kafka.groupId()).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    long endSum = 0;
    long committedSum = 0;
    for (Map.Entry<TopicPartition, Long> e : endOffsets.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      endSum += e.getValue();
      committedSum += c == null ? 0 : Math.min(c.offset(), e.getValue());
    }
    last = new Offsets(endSum, committedSum);
  }

  @Override
  public String behind() {
    return last.caughtUp() ? null : String.format("%,d of %,d records checkpointed", last.committed(), last.ends());
  }

  @Override
  public long caughtUp() {
    return last.caughtUp() && last.ends() > 0 ? last.ends() : -1;
  }

  /**
   * Whether, at the last {@link #poll}, no record had arrived for {@code idle} and the job's group had committed
   * every end offset.
   */
  @Override
  public boolean idleAndCaughtUp(java.time.Duration idle) {
    return last.caughtUp() && System.nanoTime() - unchangedSince >= idle.toNanos();
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(5));
  }
}
