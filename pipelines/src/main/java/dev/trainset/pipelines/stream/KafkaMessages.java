package dev.trainset.pipelines.stream;

import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.transforms.io.stream.EventTimeField;
import dev.trainset.transforms.io.stream.Message;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;

/**
 * The messages of Kafka topics (or Event Hubs' Kafka endpoint), timed by {@link EventTimePolicy}. Offsets are
 * committed to the consumer group only when a checkpoint that holds them completes ({@code commitOffsetsInFinalize}),
 * so the group's committed offsets never run ahead of what the job has kept.
 */
public final class KafkaMessages extends PTransform<PBegin, PCollection<Message>> {
  private final StreamConfig.Kafka kafka;
  private final EventTimeField eventTime;
  private final Duration allowedLateness;

  private KafkaMessages(StreamConfig.Kafka kafka, EventTimeField eventTime, Duration allowedLateness) {
    this.kafka = kafka;
    this.eventTime = eventTime;
    this.allowedLateness = allowedLateness;
  }

  /** @param eventTime the payload field of the event time, or null for the broker's timestamp */
  public static KafkaMessages from(StreamConfig.Kafka kafka, EventTimeField eventTime, java.time.Duration allowedLateness) {
    return new KafkaMessages(kafka, eventTime, Duration.millis(allowedLateness.toMillis()));
  }

  /** The consumer properties trainset sets, then the source's own ({@code properties}) on top. */
  public static Map<String, Object> consumerConfig(StreamConfig.Kafka kafka) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, kafka.startFrom() == StreamConfig.StartFrom.LATEST ? "latest" : "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.putAll(kafka.properties());
    return c;
  }

  @Override
  public PCollection<Message> expand(PBegin input) {
    return input
        .apply(
            "ReadKafka",
            KafkaIO.<byte[], byte[]>read()
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(kafka.topics())
                .withKeyDeserializer(ByteArrayDeserializer.class)
                .withValueDeserializer(ByteArrayDeserializer.class)
                .withConsumerConfigUpdates(consumerConfig(kafka))
                .withTimestampPolicyFactory(EventTimePolicy.factory(eventTime, allowedLateness))
                .commitOffsetsInFinalize())
        .apply("ToMessages", ParDo.of(new ToMessage()))
        .setCoder(Message.Coder.of());
  }

  /** A Kafka record as a {@link Message}; its time stays the policy's. */
  static final class ToMessage extends DoFn<KafkaRecord<byte[], byte[]>, Message> {
    @ProcessElement
    public void process(@Element KafkaRecord<byte[], byte[]> r, OutputReceiver<Message> out) {
      byte[] value = r.getKV().getValue();
      out.output(Message.kafka(r.getTopic(), r.getPartition(), r.getOffset(), r.getTimestamp(), value == null ? new byte[0] : value));
    }
  }
}
