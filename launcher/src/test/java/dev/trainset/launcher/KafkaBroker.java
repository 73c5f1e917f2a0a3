package dev.trainset.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real Kafka 3.9 broker in KRaft mode (broker and controller in one JVM of its own), from Maven jars
 * (components.md §4): the classpath is resolved from {@code launcher/src/test/servers/kafka/pom.xml} on first use
 * and cached in {@code target/}. Listens on 127.0.0.1 only; its data is in the given folder.
 */
final class KafkaBroker implements AutoCloseable {
  final ObjectStores.Server server;
  final String bootstrap;

  private KafkaBroker(ObjectStores.Server server) {
    this.server = server;
    this.bootstrap = "127.0.0.1:" + server.port;
  }

  static KafkaBroker start(Path dir) throws Exception {
    Path cp = ObjectStores.WORK.resolve("kafka-classpath.txt");
    if (!Files.isRegularFile(cp) || Files.size(cp) == 0) {
      Files.createDirectories(ObjectStores.WORK);
      ObjectStores.run(List.of("mvn", "-B", "-q", "-Dstyle.color=never", "-f",
          ObjectStores.PROJECT.resolve("launcher/src/test/servers/kafka/pom.xml").toString(), "dependency:build-classpath",
          "-Dmdep.outputFile=" + cp), 600);
    }
    String classpath = Files.readString(cp).trim();
    int port = ObjectStores.freePort();
    int controller = ObjectStores.freePort();
    Files.createDirectories(dir);
    Path props = dir.resolve("server.properties");
    Files.writeString(props, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controller,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        ""));
    String log4j = "-Dlog4j.configuration=file:" + ObjectStores.PROJECT.resolve("launcher/src/test/servers/kafka/log4j.properties");
    String logs = "-Dkafka.logs.dir=" + dir;
    ObjectStores.run(List.of(ObjectStores.javaBin(), log4j, logs, "-cp", classpath, "kafka.tools.StorageTool", "format",
        "-t", "trainset-test-cluster-0001", "-c", props.toString()), 120);
    Path out = dir.resolve("stdout.log");
    Process p = new ProcessBuilder(ObjectStores.javaBin(), "-Xms128m", "-Xmx512m", log4j, logs, "-cp", classpath, "kafka.Kafka", props.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    ObjectStores.Server s = new ObjectStores.Server(p, port, dir.resolve("server.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("Kafka exited at start:\n" + Files.readString(out));
      }
      if (Files.exists(s.log) && Files.readString(s.log).contains("Kafka Server started")) {
        return new KafkaBroker(s);
      }
      if (System.nanoTime() > deadline) {
        s.close();
        throw new IllegalStateException("Kafka did not start within 60 s:\n" + Files.readString(s.log));
      }
      Thread.sleep(200);
    }
  }

  AdminClient admin() {
    return AdminClient.create(Map.of("bootstrap.servers", bootstrap));
  }

  void createTopic(String topic, int partitions) throws Exception {
    try (AdminClient a = admin()) {
      a.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
  }

  /** Sends {@code values} to {@code topic} (partition {@code i % partitions} for value i), with broker timestamps now. */
  void produce(String topic, int partitions, List<byte[]> values) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", "5");
    p.put("acks", "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        sent.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, values.get(i))));
      }
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.close();
  }
}
