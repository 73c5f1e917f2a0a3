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
 * Produces JSON records as they happen, for stream-latency.sh: RATE records a second for SECONDS seconds, each with
 * the time it is sent as its event time (id, ts, two doubles, a label). Creates the topic if it does not exist.
 *   java -cp KAFKA_CLASSPATH benchmarks/StreamProduceLive.java BOOTSTRAP TOPIC RATE SECONDS PARTITIONS
 */
public class StreamProduceLive {
  public static void main(String[] a) throws Exception {
    String bootstrap = a[0];
    String topic = a[1];
    int rate = Integer.parseInt(a[2]);
    int seconds = Integer.parseInt(a[3]);
    int partitions = Integer.parseInt(a[4]);
    try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", bootstrap))) {
      if (!admin.listTopics().names().get().contains(topic)) {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
      }
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", "5");
    long start = System.currentTimeMillis();
    long id = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int tick = 0; tick < seconds * 10; tick++) { // ten batches a second
        long due = start + tick * 100L;
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        for (int k = 0; k < rate / 10; k++, id++) {
          String json = "{\"id\": " + id + ", \"ts\": \"" + Instant.now() + "\", \"x\": " + (id % 1000) * 0.5 + ", \"y\": " + (id % 37)
              + ".25, \"label\": \"" + (id % 5 == 0 ? "Abnormal" : "Normal") + "\"}";
          producer.send(new ProducerRecord<>(topic, (int) (id % partitions), null, json.getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
    System.out.println("produced " + id + " records to " + topic + " in " + (System.currentTimeMillis() - start) / 1000.0 + " s");
  }
}
