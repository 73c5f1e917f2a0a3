package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;

import dev.trainset.pipelines.config.StreamConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.Test;

/** The example stream files bind as they are shipped, with their environment defaults. */
public class StreamExamplesTest {
  private static final Path PROJECT = Paths.get(System.getProperty("trainset.project.dir", "..")).toAbsolutePath();

  private static StreamConfig example(String name, Map<String, String> env) {
    return StreamConfig.from(ConfigLoader.load(PROJECT.resolve("runner-configs/examples/" + name), env::get));
  }

  @Test
  public void theKafkaExample_bindsWithItsCheckpointFolder() {
    StreamConfig c = example("stream-kafka.yaml", Map.of());
    assertEquals("127.0.0.1:9092", ((StreamConfig.Kafka) c.source()).bootstrapServers());
    assertEquals("out/events-checkpoints", c.checkpoints());
    assertEquals(java.time.Duration.ofMinutes(1), c.window().size());
  }

  @Test
  public void theKinesisExample_bindsWithItsRegionFromTheEnvironment() {
    StreamConfig c = example("stream-kinesis.yaml", Map.of("AWS_REGION", "eu-west-1"));
    StreamConfig.Kinesis k = (StreamConfig.Kinesis) c.source();
    assertEquals("events", k.stream());
    assertEquals("eu-west-1", k.region());
    assertEquals(StreamConfig.StartFrom.TRIM_HORIZON, k.startFrom());
    assertEquals(null, k.endpoint());
    assertEquals("out/kinesis-events-checkpoints", c.checkpoints());
  }

  @Test
  public void theEventHubsExample_bindsWithTheConnectionStringFromTheEnvironment() {
    StreamConfig c = example("stream-eventhubs.yaml", Map.of("EVENTHUBS_CONNECTION_STRING", "Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s"));
    assertEquals("SASL_SSL", ((StreamConfig.Kafka) c.source()).properties().get("security.protocol"));
  }
}
