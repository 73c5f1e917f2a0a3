package dev.trainset.pipelines.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class StreamConfigTest {
  private static final String BASE =
      "format: json\n"
          + "schema: {columns: {id: long, ts: timestamp, x: double, label: string}}\n"
          + "window: {size: 5m, allowedLateness: 30s, eventTime: ts}\n"
          + "output: {path: /tmp/out}\n";

  static StreamConfig parse(String yaml) throws Exception {
    return StreamConfig.from(new ObjectMapper(new YAMLFactory()).readTree(yaml));
  }

  private static String error(String yaml) {
    return assertThrows(TrainsetException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  public void givenAKafkaSource_theSettingsAreTyped() throws Exception {
    StreamConfig c = parse("source: {kafka: {bootstrapServers: 'b:9092', topics: [a, b], groupId: g, startFrom: latest, properties: {security.protocol: SSL}}}\n" + BASE);
    StreamConfig.Kafka k = (StreamConfig.Kafka) c.source();
    assertEquals("b:9092", k.bootstrapServers());
    assertEquals(List.of("a", "b"), k.topics());
    assertEquals(StreamConfig.StartFrom.LATEST, k.startFrom());
    assertEquals(Map.of("security.protocol", "SSL"), k.properties());
    assertEquals(Duration.ofMinutes(5), c.window().size());
    assertEquals(Duration.ofSeconds(30), c.window().allowedLateness());
    assertEquals("ts", c.window().eventTime());
    assertEquals(RunConfig.SplitMethod.NONE, c.split().method());
  }

  @Test
  public void givenEventHubs_theKafkaSettingsAreEventHubsDocumentedOnes_andTheSecretIsMasked() throws Exception {
    String cs = "Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=abc123=";
    StreamConfig c = parse("source: {eventhubs: {namespace: myns, eventHub: events, connectionString: '" + cs + "'}}\n" + BASE);
    StreamConfig.Kafka k = (StreamConfig.Kafka) c.source();
    assertEquals("myns.servicebus.windows.net:9093", k.bootstrapServers());
    assertEquals(List.of("events"), k.topics());
    assertEquals("$Default", k.groupId());
    assertEquals(
        Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "PLAIN",
            "sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" password=\"" + cs + "\";"),
        k.properties());
    assertTrue(c.masked().toString(), !c.masked().toString().contains("abc123"));
  }

  @Test
  public void givenAKinesisSource_theSettingsAreTyped() throws Exception {
    StreamConfig c = parse("source: {kinesis: {stream: s, region: us-east-1, endpoint: 'http://127.0.0.1:4567'}}\n" + BASE);
    StreamConfig.Kinesis k = (StreamConfig.Kinesis) c.source();
    assertEquals(StreamConfig.StartFrom.TRIM_HORIZON, k.startFrom());
    assertEquals("http://127.0.0.1:4567", k.endpoint());
  }

  @Test
  public void givenWhatAStreamCannotDo_theErrorNamesTheKey() throws Exception {
    String kafka = "source: {kafka: {bootstrapServers: 'b:9092', topics: [a]}}\n";
    assertEquals("config key 'source': give exactly one of kafka, eventhubs or kinesis", error("source: {}\n" + BASE));
    // Without schema.columns a JSON stream infers its schema from the first records; CSV messages have no header.
    String noColumns = BASE.replace("schema: {columns: {id: long, ts: timestamp, x: double, label: string}}\n", "");
    assertEquals(null, parse(kafka + noColumns).schema());
    assertTrue(error(kafka + noColumns + "format: csv\n").startsWith("config key 'schema.columns': a CSV message has no header"));
    assertTrue(error(kafka + noColumns + "schema: {inferFrom: 0}\n").contains("schema.inferFrom"));
    assertTrue(error(kafka + BASE + "label: {column: label}\nsplit: {method: stratified}\n").contains("split.method"));
    assertTrue(error(kafka + BASE.replace("size: 5m", "size: 7m")).startsWith("config key 'window.size': expected whole seconds that divide a day"));
    assertTrue(error(kafka + BASE.replace("eventTime: ts", "eventTime: x")).contains("'x' is double; declare it as timestamp"));
    assertTrue(error(kafka + BASE.replace("allowedLateness: 30s", "allowedLateness: soon")).contains("expected a duration such as 30s"));
    assertTrue(error(kafka + BASE + "split: {method: hash, key: nope}\n").contains("split.key"));
    assertTrue(error(kafka + BASE + "output: {path: /tmp/out, oneHot: [label]}\n").contains("cannot learn categories"));
    assertEquals("config key 'encoding': utf-16 messages are not read yet (utf-8, latin-1 and windows-1252 are)", error(kafka + BASE + "encoding: utf-16\n"));
    assertEquals(
        "config key 'checkpoints': expected a local folder (or one every TaskManager mounts), got 's3://b/ck': Flink here has no object-store file system",
        error(kafka + BASE + "checkpoints: s3://b/ck\n"));
    assertEquals("/var/lib/trainset/events", parse(kafka + BASE + "checkpoints: /var/lib/trainset/events\n").checkpoints());
  }
}
