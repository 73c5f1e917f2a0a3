package dev.trainset.launcher.stream;

import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.stream.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The first messages the job will read, for inferring a schema: from where the consumer group has committed, else from
 * where {@code startFrom} says, without committing anything or joining the group.
 */
public final class KafkaSample {
  /** How long to wait for the first message. */
  static final Duration FIRST = Duration.ofSeconds(60);
  /** How long to wait for more once messages stop coming. */
  static final Duration QUIET = Duration.ofSeconds(5);

  private KafkaSample() {}

  /** Up to {@code n} messages; fails (exit 3) when none arrives within a minute. */
  public static List<Message> first(StreamConfig.Kafka kafka, int n) {
    Map<String, Object> c = new HashMap<>(kafka.properties());
    c.put("bootstrap.servers", kafka.bootstrapServers());
    c.put("group.id", kafka.groupId());
    c.put("enable.auto.commit", "false");
    c.put("max.poll.records", Math.min(n, 10_000));
    List<Message> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : kafka.topics()) {
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
      }
      consumer.assign(partitions);
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(30));
      for (TopicPartition p : partitions) {
        OffsetAndMetadata o = committed.get(p);
        if (o != null) {
          consumer.seek(p, o.offset());
        } else if (kafka.startFrom() == StreamConfig.StartFrom.LATEST) {
          consumer.seekToEnd(List.of(p));
        } else {
          consumer.seekToBeginning(List.of(p));
        }
      }
      long started = System.nanoTime();
      long lastArrival = started;
      while (out.size() < n) {
        long now = System.nanoTime();
        if (out.isEmpty() ? now - started > FIRST.toNanos() : now - lastArrival > QUIET.toNanos()) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (out.size() < n && r.value() != null) {
            out.add(Message.kafka(r.topic(), r.partition(), r.offset(), r.timestamp(), r.value()));
            lastArrival = System.nanoTime();
          }
        }
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      throw TrainsetException.data("cannot read the first messages from Kafka at " + kafka.bootstrapServers() + " to infer the schema: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw TrainsetException.data(
          "no message arrived on " + kafka.topics() + " within " + FIRST.toSeconds() + " s to infer the schema from; declare schema.columns");
    }
    return out;
  }
}
