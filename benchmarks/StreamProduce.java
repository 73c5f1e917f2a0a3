import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates a topic and fills it with N JSON records (id, ts over ten minutes, two doubles, a label), for
 * stream-throughput.sh: java -cp KAFKA_CLASSPATH benchmarks/StreamProduce.java BOOTSTRAP TOPIC N PARTITIONS
 */
public class StreamProduce {
  public static void main(String[] a) throws Exception {
    String bootstrap = a[0];
    String topic = a[1];
    long n = Long.parseLong(a[2]);
    int partitions = Integer.parseInt(a[3]);
    try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    p.put("compression.type", "lz4");
    Instant base = Instant.parse("2026-03-01T10:00:00Z");
    long spanMillis = 600_000;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (long i = 0; i < n; i++) {
        Instant t = base.plusMillis(i * spanMillis / n);
        String json = "{\"id\": " + i + ", \"ts\": \"" + t + "\", \"x\": " + (i % 1000) * 0.5 + ", \"y\": " + (i % 37) + ".25, \"label\": \""
            + (i % 5 == 0 ? "Abnormal" : "Normal") + "\"}";
        producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, json.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
    System.out.println("produced " + n + " records to " + topic);
  }
}
