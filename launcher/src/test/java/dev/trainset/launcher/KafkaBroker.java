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
  /** The SASL_SSL listener of {@link #startEventHubsLike}, or null. */
  final String saslBootstrap;
  /** A PKCS12 trust store (password {@code changeit}) holding the SASL_SSL listener's self-signed certificate. */
  final Path trustStore;

  private KafkaBroker(ObjectStores.Server server, String saslBootstrap, Path trustStore) {
    this.server = server;
    this.bootstrap = "127.0.0.1:" + server.port;
    this.saslBootstrap = saslBootstrap;
    this.trustStore = trustStore;
  }

  static KafkaBroker start(Path dir) throws Exception {
    return start(dir, null);
  }

  /**
   * A broker that also listens as Event Hubs' Kafka endpoint does (components.md §4b): SASL_SSL with a self-signed
   * certificate, mechanism PLAIN, the one user {@code $ConnectionString} whose password is {@code connectionString}.
   */
  static KafkaBroker startEventHubsLike(Path dir, String connectionString) throws Exception {
    return start(dir, connectionString);
  }

  private static KafkaBroker start(Path dir, String connectionString) throws Exception {
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
    List<String> sasl = new ArrayList<>();
    String saslBootstrap = null;
    Path trust = null;
    if (connectionString != null) {
      int saslPort = ObjectStores.freePort();
      saslBootstrap = "127.0.0.1:" + saslPort;
      Path keys = dir.resolve("broker.p12");
      Path pem = dir.resolve("broker.pem");
      trust = dir.resolve("trust.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      ObjectStores.run(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
          "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-keystore", keys.toString(), "-storetype", "PKCS12",
          "-storepass", "changeit", "-keypass", "changeit"), 60);
      ObjectStores.run(List.of(keytool, "-exportcert", "-alias", "broker", "-keystore", keys.toString(), "-storepass", "changeit", "-rfc",
          "-file", pem.toString()), 60);
      ObjectStores.run(List.of(keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", pem.toString(), "-keystore", trust.toString(),
          "-storetype", "PKCS12", "-storepass", "changeit"), 60);
      sasl.addAll(List.of(
          "sasl.enabled.mechanisms=PLAIN",
          "listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$ConnectionString=\""
              + connectionString.replace("\\", "\\\\").replace("\"", "\\\"") + "\";",
          "ssl.keystore.location=" + keys,
          "ssl.keystore.type=PKCS12",
          "ssl.keystore.password=changeit",
          "ssl.key.password=changeit"));
    }
    String listeners = "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller + (saslBootstrap == null ? "" : ",SASL_SSL://" + saslBootstrap);
    String advertised = "PLAINTEXT://127.0.0.1:" + port + (saslBootstrap == null ? "" : ",SASL_SSL://" + saslBootstrap);
    Path props = dir.resolve("server.properties");
    Files.writeString(props, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controller,
        "listeners=" + listeners,
        "advertised.listeners=" + advertised,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        String.join("\n", sasl),
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
        return new KafkaBroker(s, saslBootstrap, trust);
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
