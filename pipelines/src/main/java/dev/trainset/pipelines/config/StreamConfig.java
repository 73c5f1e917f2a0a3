package dev.trainset.pipelines.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.pipelines.config.RunConfig.Output;
import dev.trainset.pipelines.config.RunConfig.SplitMethod;
import dev.trainset.pipelines.config.RunConfig.SplitSettings;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.ReadLimits;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.prepare.Preparation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The validated stream file of {@code trainset stream}: where the messages come from ({@code source}), how one message
 * is read ({@code format}, {@code csv}, {@code encoding}, {@code limits}, {@code schema}), how records are cut into
 * event-time windows ({@code window}), prepared and split (the batch keys), and where each window's training data
 * goes ({@code output}). The README ("Streams") documents every key.
 *
 * @param source the broker and where to start
 * @param format how one message is read
 * @param csv CSV settings for {@code format: csv} (no header: the columns are the schema's, in order)
 * @param encoding the messages' text encoding
 * @param limits what one message may hold
 * @param schema the declared schema, or null until it is inferred ({@link #withSchema}; JSON only)
 * @param required the columns a record must have ({@code schema.required})
 * @param inferFrom how many records an inferred schema is read from ({@code schema.inferFrom})
 * @param window the event-time windows
 * @param prepare label, column selection and missing values
 * @param split always {@code method: hash}
 * @param output where each window's files go, and in which formats
 * @param storage how to reach S3 and Azure storage
 * @param checkpoints the local folder (or one every TaskManager shares) for the job's checkpoints and savepoints, from
 *     which the next run resumes; null for the default (a folder in the user's home named after the output)
 * @param effective the merged configuration tree (mask it with {@link #masked})
 */
public record StreamConfig(
    Source source,
    MessageFormat format,
    CsvSettings csv,
    TextEncoding encoding,
    ReadLimits limits,
    TableSchema schema,
    java.util.Set<String> required,
    int inferFrom,
    Window window,
    Preparation.Settings prepare,
    SplitSettings split,
    Output output,
    StorageSettings storage,
    String checkpoints,
    JsonNode effective) {

  /** The top-level keys of a stream file. */
  public static final List<String> ROOT_KEYS =
      List.of("source", "format", "csv", "encoding", "limits", "schema", "window", "label", "columns", "missing", "split", "output", "storage", "checkpoints", "train");

  /** What one message holds. */
  public enum MessageFormat {
    /** One JSON object. */
    JSON,
    /** One CSV record, without a header. */
    CSV
  }

  /** Where a source starts reading when it has no committed position. */
  public enum StartFrom {
    EARLIEST("earliest"),
    LATEST("latest"),
    TRIM_HORIZON("trim-horizon");

    private final String configName;

    StartFrom(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }
  }

  /** A message broker. */
  public sealed interface Source permits Kafka, Kinesis {}

  /**
   * Kafka, or Event Hubs' Kafka endpoint ({@code source.eventhubs} fills these settings).
   *
   * @param bootstrapServers {@code host:port[,host:port]}
   * @param topics the topics read
   * @param groupId the consumer group (offsets are committed to it when windows are checkpointed)
   * @param startFrom where a group without committed offsets starts
   * @param properties further Kafka consumer properties (SASL, SSL, timeouts), as given; printed masked
   *     ({@link StreamConfig#masked}: keys that name a secret, such as {@code sasl.jaas.config})
   */
  public record Kafka(String bootstrapServers, List<String> topics, String groupId, StartFrom startFrom, Map<String, String> properties)
      implements Source {}

  /**
   * Amazon Kinesis Data Streams; credentials from the AWS default chain.
   *
   * @param stream the stream name
   * @param region the AWS region
   * @param startFrom {@code trim-horizon} or {@code latest}
   * @param endpoint an endpoint override (kinesalite, a VPC endpoint), or null
   */
  public record Kinesis(String stream, String region, StartFrom startFrom, String endpoint) implements Source {}

  /**
   * Fixed event-time windows.
   *
   * @param size the window length
   * @param allowedLateness how long after a window's end its records are still taken; later ones are rejected as late
   * @param eventTime the timestamp column that gives a record's time, or null for the broker's timestamp
   */
  public record Window(Duration size, Duration allowedLateness, String eventTime) {}

  /** The Kafka settings of Event Hubs' Kafka endpoint, as Microsoft documents them. */
  public static Map<String, String> eventHubsProperties(String connectionString) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", "PLAIN");
    p.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" password=\""
            + connectionString.replace("\\", "\\\\").replace("\"", "\\\"") + "\";");
    return p;
  }

  /** Binds and validates a merged stream file. */
  public static StreamConfig from(JsonNode tree) {
    ConfigNode root = ConfigNode.root(tree);
    root.allowOnly(ROOT_KEYS.toArray(new String[0]));
    Source source = source(root.object("source"));
    MessageFormat format = root.enumValue("format", MessageFormat.class, MessageFormat.JSON);
    ReadLimits limits = RunConfig.limits(root.object("limits"));
    TextEncoding encoding = RunConfig.encoding(root);
    if (!encoding.asciiCompatible()) {
      throw TrainsetException.config("encoding", encoding.configName() + " messages are not read yet (utf-8, latin-1 and windows-1252 are)");
    }

    ConfigNode sch = root.object("schema").allowOnly("columns", "required", "inferFrom");
    Map<String, String> declared = sch.stringMap("columns");
    Set<String> required = new LinkedHashSet<>(sch.strings("required", List.of()));
    int inferFrom = (int) sch.longValue("inferFrom", 1000, 1);
    if (inferFrom > 1_000_000) {
      throw TrainsetException.config("schema.inferFrom", "expected a number of records from 1 to 1000000, got " + inferFrom);
    }
    if (declared.isEmpty() && format == MessageFormat.CSV) {
      throw TrainsetException.config("schema.columns", "a CSV message has no header: declare its columns ({name: type, ...}), in order");
    }
    List<ColumnSpec> columns = new ArrayList<>();
    for (Map.Entry<String, String> e : declared.entrySet()) {
      ColumnType type;
      try {
        type = ColumnType.parse(e.getValue());
      } catch (IllegalArgumentException ex) {
        throw TrainsetException.config("schema.columns." + e.getKey(), ex.getMessage());
      }
      columns.add(new ColumnSpec(e.getKey(), type, false, true, null)); // withSchema: nullable unless required
    }
    TableSchema schema = declared.isEmpty() ? null : new TableSchema(columns);

    CsvSettings csv = null;
    if (format == MessageFormat.CSV) {
      ConfigNode c = root.object("csv");
      if (c.has("header") || c.has("columns")) {
        throw TrainsetException.config("csv", "a CSV message has no header: its columns are schema.columns, in order");
      }
      csv = RunConfig.csv(c).withHeader(false).withColumnNames(schema.names());
      if (csv.delimiter() == null) {
        csv = csv.withDelimiter(',');
      }
    } else if (root.has("csv")) {
      throw TrainsetException.config("csv", "only used with format: csv");
    }

    Window window = window(root.object("window"));
    Preparation.Settings prepare = RunConfig.prepare(root);
    for (Map.Entry<String, List<String>> e : prepare.oneHot().entrySet()) {
      if (e.getValue().isEmpty()) {
        throw TrainsetException.config(
            "output.oneHot." + e.getKey(), "a stream cannot learn categories from its data: list them ({column: [a, b, c]})");
      }
    }
    for (Map.Entry<String, List<String>> e : prepare.ordinal().entrySet()) {
      if (e.getValue().isEmpty()) {
        throw TrainsetException.config(
            "output.ordinal." + e.getKey(), "a stream cannot learn categories from its data: list them ({column: [a, b, c]})");
      }
    }
    ConfigNode splitNode = root.object("split");
    SplitMethod method = splitNode.enumValue("method", SplitMethod.class, SplitMethod.HASH);
    if (method != SplitMethod.HASH && method != SplitMethod.NONE) {
      throw TrainsetException.config(
          "split.method", "a stream is split by method: hash (a seeded hash of split.key, or of the whole record); "
              + method.name().toLowerCase(Locale.ROOT) + " needs all the data first");
    }
    SplitSettings split;
    if (!splitNode.present()) {
      split = SplitSettings.none();
    } else {
      if (!splitNode.has("method")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("split")).put("method", "hash");
      }
      split = RunConfig.split(ConfigNode.root(tree).object("split"), prepare);
    }
    if (split.groupBy() != null || split.dedupe() || split.bins() > 0) {
      throw TrainsetException.config("split", "groupBy, dedupe and bins need all the data first; a stream has only split.key");
    }
    Output output = RunConfig.output(root.object("output"), prepare);
    if (output.mltable()) {
      throw TrainsetException.config("output.formats", "mltable is not written for streams yet (each window is Parquet)");
    }
    if (root.has("train")) {
      throw TrainsetException.config("train", "training from a stream (train.trigger) is not built yet");
    }
    String checkpoints = root.string("checkpoints", null);
    if (checkpoints != null && checkpoints.contains("://") && !checkpoints.startsWith("file://")) {
      throw TrainsetException.config(
          "checkpoints", "expected a local folder (or one every TaskManager mounts), got '" + checkpoints + "': Flink here has no object-store file system");
    }
    StreamConfig cfg = new StreamConfig(
        source, format, csv, encoding, limits, null, Set.copyOf(required), inferFrom, window, prepare, split, output,
        StorageSettings.from(root.object("storage")), checkpoints, tree);
    // Checked against a declared schema now, so a bad key fails before anything starts (an inferred one: once inferred).
    return schema == null ? cfg : cfg.withSchema(schema, "schema.columns");
  }

  /**
   * This configuration with its schema: a declared one, or one inferred from the first records (every column nullable
   * but {@code schema.required}); checked against the keys that name columns.
   *
   * @param where how the errors name the schema ({@code schema.columns}, or the inferred schema's file)
   */
  public StreamConfig withSchema(TableSchema inferred, String where) {
    List<ColumnSpec> columns = new ArrayList<>();
    for (ColumnSpec c : inferred.columns()) {
      columns.add(new ColumnSpec(c.name(), c.type(), false, !required.contains(c.name()), null));
    }
    TableSchema schema = new TableSchema(columns);
    for (String r : required) {
      if (schema.indexOf(r) < 0) {
        throw TrainsetException.config("schema.required", "'" + r + "' is not in " + where);
      }
    }
    if (window.eventTime() != null) {
      int i = schema.indexOf(window.eventTime());
      if (i < 0) {
        throw TrainsetException.config("window.eventTime", "'" + window.eventTime() + "' is not in " + where + " (name a timestamp column, or broker)");
      }
      if (schema.column(i).type() != ColumnType.TIMESTAMP) {
        throw TrainsetException.config(
            "window.eventTime", "'" + window.eventTime() + "' is " + schema.column(i).describeType() + (where.equals("schema.columns") ? "" : " in " + where)
                + "; declare it as timestamp");
      }
    }
    if (split.key() != null && schema.indexOf(split.key()) < 0) {
      throw TrainsetException.config("split.key", "'" + split.key() + "' is not in " + where);
    }
    try {
      Preparation.of(schema, prepare);
    } catch (Preparation.InvalidSetting e) {
      throw TrainsetException.config(e.key(), e.problem());
    }
    return new StreamConfig(
        source, format, csv, encoding, limits, schema, required, inferFrom, window, prepare, split, output, storage, checkpoints, effective);
  }

  private static Window window(ConfigNode w) {
    w.allowOnly("size", "allowedLateness", "eventTime");
    if (!w.has("size")) {
      throw TrainsetException.config("window.size", "is required (e.g. 5m)");
    }
    Duration size = w.duration("size", null);
    if (size.toMillis() < 1000 || size.toMillis() % 1000 != 0 || Duration.ofDays(1).toMillis() % size.toMillis() != 0) {
      throw TrainsetException.config(
          "window.size", "expected whole seconds that divide a day (1s to 1d, e.g. 30s, 1m, 5m, 1h), got '" + w.string("size", "") + "'");
    }
    Duration lateness = w.duration("allowedLateness", Duration.ZERO);
    String eventTime = w.string("eventTime", "broker");
    if (eventTime.equals("broker")) {
      eventTime = null;
    }
    return new Window(size, lateness, eventTime);
  }

  private static Source source(ConfigNode s) {
    s.allowOnly("kafka", "eventhubs", "kinesis");
    int given = (s.has("kafka") ? 1 : 0) + (s.has("eventhubs") ? 1 : 0) + (s.has("kinesis") ? 1 : 0);
    if (given != 1) {
      throw TrainsetException.config("source", "give exactly one of kafka, eventhubs or kinesis");
    }
    if (s.has("kafka")) {
      ConfigNode k = s.object("kafka").allowOnly("bootstrapServers", "topics", "groupId", "startFrom", "properties");
      return new Kafka(
          k.requiredString("bootstrapServers"), topics(k), k.string("groupId", "trainset"), kafkaStart(k), k.stringMap("properties"));
    }
    if (s.has("eventhubs")) {
      ConfigNode e =
          s.object("eventhubs").allowOnly("namespace", "eventHub", "connectionString", "groupId", "startFrom", "bootstrapServers", "properties");
      String cs = e.requiredString("connectionString");
      if (!cs.contains("Endpoint=")) {
        throw TrainsetException.config(
            "source.eventhubs.connectionString", "expected an Event Hubs connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…)");
      }
      String servers = e.string("bootstrapServers", null);
      if (servers == null) {
        servers = e.requiredString("namespace") + ".servicebus.windows.net:9093";
      }
      Map<String, String> props = eventHubsProperties(cs);
      props.putAll(e.stringMap("properties"));
      return new Kafka(
          servers, List.of(e.requiredString("eventHub")), e.string("groupId", "$Default"), kafkaStart(e), props);
    }
    ConfigNode k = s.object("kinesis").allowOnly("stream", "region", "startFrom", "endpoint");
    String start = k.string("startFrom", "trim-horizon").trim().toLowerCase(Locale.ROOT);
    StartFrom from =
        switch (start) {
          case "trim-horizon" -> StartFrom.TRIM_HORIZON;
          case "latest" -> StartFrom.LATEST;
          default -> throw TrainsetException.config("source.kinesis.startFrom", "expected trim-horizon or latest, got '" + start + "'");
        };
    String endpoint = k.string("endpoint", null);
    if (endpoint != null) {
      java.net.URI uri;
      try {
        uri = new java.net.URI(endpoint);
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw TrainsetException.config("source.kinesis.endpoint", "expected an http:// or https:// address such as http://127.0.0.1:4567, got '" + endpoint + "'");
      }
    }
    return new Kinesis(k.requiredString("stream"), k.requiredString("region"), from, endpoint);
  }

  private static List<String> topics(ConfigNode k) {
    List<String> topics = k.strings("topics", List.of());
    if (topics.isEmpty()) {
      throw TrainsetException.config(k.key() + ".topics", "needs at least one topic");
    }
    return topics;
  }

  private static StartFrom kafkaStart(ConfigNode k) {
    String start = k.string("startFrom", "earliest").trim().toLowerCase(Locale.ROOT);
    return switch (start) {
      case "earliest" -> StartFrom.EARLIEST;
      case "latest" -> StartFrom.LATEST;
      default -> throw TrainsetException.config(k.key() + ".startFrom", "expected earliest or latest, got '" + start + "'");
    };
  }

  /** The configuration with secrets replaced by {@code ***}, for printing. */
  public JsonNode masked() {
    return RunConfig.mask(effective);
  }
}
