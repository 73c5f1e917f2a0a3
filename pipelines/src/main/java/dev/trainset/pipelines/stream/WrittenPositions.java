package dev.trainset.pipelines.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.stream.SourcePosition;
import java.io.IOException;
import java.io.Serializable;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each partition's or shard's newest position that drained runs wrote, kept in {@code OUT/positions.json}. A drain
 * closes every window, so every record its run read is in the output (a row or a rejected record) and every record at
 * or before these positions was read; a later run without state skips them. That is what lets a Kinesis stream, which
 * has no consumer group to start a run after its last one, be drained run after run (cron) without reading a record
 * twice: the run reads the shards from the trim horizon and skips what is written. For Kafka the group's committed
 * offsets are already past them.
 *
 * @param last the newest position written, by {@code topic/partition} or {@code stream/shardId}
 */
public record WrittenPositions(Map<String, SourcePosition> last) implements Serializable {
  /** Its file in the output. */
  public static final String FILE = "positions.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  public static WrittenPositions none() {
    return new WrittenPositions(Map.of());
  }

  public boolean isEmpty() {
    return last.isEmpty();
  }

  /** Whether a drained run wrote the record at {@code p} (it is at or before its partition's newest written position). */
  public boolean written(SourcePosition p) {
    SourcePosition l = last.get(p.source());
    return l != null && p.compareTo(l) <= 0;
  }

  /** These positions and {@code more}, the newer of the two for each partition. */
  public WrittenPositions plus(WrittenPositions more) {
    Map<String, SourcePosition> m = new TreeMap<>(last);
    more.last.forEach((k, v) -> m.merge(k, v, (a, b) -> a.compareTo(b) >= 0 ? a : b));
    return new WrittenPositions(Map.copyOf(m));
  }

  /** Reads {@code OUT/positions.json} ({@code out} ends in {@code /}); none when there is none yet. */
  public static WrittenPositions read(String out) {
    OutputDir dir = OutputDir.of(out);
    if (!dir.exists(FILE)) {
      return none();
    }
    try {
      Map<String, SourcePosition> m = new TreeMap<>();
      JSON.readTree(dir.read(FILE)).path("positions").fields().forEachRemaining(e -> m.put(e.getKey(), parse(e.getKey(), e.getValue(), "")));
      return new WrittenPositions(Map.copyOf(m));
    } catch (IOException | RuntimeException e) {
      throw TrainsetException.data(dir.path(FILE) + " is not a positions file trainset wrote (" + e.getMessage() + "); remove it to read the stream from startFrom");
    }
  }

  /** Writes {@code OUT/positions.json}. */
  public void write(String out) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode positions = root.putObject("positions");
    last.forEach((source, p) -> p.putInto(positions.putObject(source)));
    OutputDir.of(out).write(FILE, root.toPrettyString(), "application/json");
  }

  /** The newest position of each partition in the manifests of {@code windows} (folders in {@code out}). */
  public static WrittenPositions fromManifests(String out, Collection<String> windows) throws IOException {
    OutputDir dir = OutputDir.of(out);
    WrittenPositions all = none();
    for (String w : windows) {
      Map<String, SourcePosition> m = new TreeMap<>();
      JSON.readTree(dir.read(w + "/" + OutputDir.MANIFEST)).path("positions").fields()
          .forEachRemaining(e -> m.put(e.getKey(), parse(e.getKey(), e.getValue(), "last")));
      all = all.plus(new WrittenPositions(m));
    }
    return all;
  }

  /**
   * A position from its JSON: {@code {"offset": 12}} or {@code {"sequence": "…", "subSequence": 0}} (with {@code
   * prefix} {@code last}: a manifest's {@code lastOffset}, or {@code lastSequence} and {@code lastSubSequence}).
   */
  private static SourcePosition parse(String source, JsonNode n, String prefix) {
    int slash = source.lastIndexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("'" + source + "' is not topic/partition or stream/shard");
    }
    String stream = source.substring(0, slash);
    String partition = source.substring(slash + 1);
    String offset = prefix.isEmpty() ? "offset" : prefix + "Offset";
    if (n.has(offset)) {
      if (!n.get(offset).isIntegralNumber()) {
        throw new IllegalArgumentException(source + "'s " + offset + " is not a number");
      }
      return SourcePosition.kafka(stream, Integer.parseInt(partition), n.get(offset).asLong());
    }
    String sequence = prefix.isEmpty() ? "sequence" : prefix + "Sequence";
    String sub = prefix.isEmpty() ? "subSequence" : prefix + "SubSequence";
    if (!n.path(sequence).isTextual() || !n.path(sequence).asText().matches("[0-9]{1,130}")) {
      throw new IllegalArgumentException(source + " has no " + offset + " or " + sequence);
    }
    return SourcePosition.kinesis(stream, partition, n.get(sequence).asText(), n.path(sub).asLong(0));
  }
}
