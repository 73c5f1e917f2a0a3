package dev.trainset.transforms.io.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Where a message is in its source, and so its identity, which a window's output is de-duplicated on: a Kafka
 * topic, partition and offset, or a Kinesis stream, shard and sequence number (with the sub-sequence number of a
 * record de-aggregated from a KPL record). Positions order as the source does: by stream, partition or shard, then
 * number.
 *
 * @param kind the kind of source, which names the number in rejected records and manifests
 * @param stream the topic or stream
 * @param partition the partition (its number as text) or the shard id
 * @param number the offset or sequence number: decimal digits without leading zeros (a sequence number has up to 129)
 * @param sub the sub-sequence number of a de-aggregated record; 0 otherwise and for Kafka
 */
public record SourcePosition(Kind kind, String stream, String partition, String number, long sub)
    implements Comparable<SourcePosition>, Serializable {

  /** The kind of source. */
  public enum Kind {
    KAFKA("offset"),
    KINESIS("sequence");

    private final String unit;

    Kind(String unit) {
      this.unit = unit;
    }

    /** What the number is called: {@code offset} or {@code sequence}. */
    public String unit() {
      return unit;
    }
  }

  public static SourcePosition kafka(String topic, int partition, long offset) {
    return new SourcePosition(Kind.KAFKA, topic, Integer.toString(partition), Long.toString(offset), 0);
  }

  public static SourcePosition kinesis(String stream, String shardId, String sequenceNumber, long subSequenceNumber) {
    return new SourcePosition(Kind.KINESIS, stream, shardId, sequenceNumber, subSequenceNumber);
  }

  /** {@code topic/partition} or {@code stream/shardId}: the source named in rejected records and manifests. */
  public String source() {
    return stream + "/" + partition;
  }

  /** {@code topic/partition@offset} or {@code stream/shardId@sequence[.sub]}: for messages. */
  @Override
  public String toString() {
    return source() + "@" + number + (sub == 0 ? "" : "." + sub);
  }

  @Override
  public int compareTo(SourcePosition o) {
    int c = stream.compareTo(o.stream);
    if (c == 0) {
      c = compareDigits(partition, o.partition);
    }
    if (c == 0) {
      c = compareDigits(number, o.number);
    }
    return c != 0 ? c : Long.compare(sub, o.sub);
  }

  /** Numbers as decimal text compare by length first (no leading zeros); other text (shard ids) as text then. */
  private static int compareDigits(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  /**
   * Puts this position's number into a rejected record: {@code "offset": 12} for Kafka; {@code "sequence":
   * "4959…"} (text: too long for a JSON reader's numbers) and {@code "subSequence": 0} for Kinesis.
   */
  public void putInto(ObjectNode n) {
    if (kind == Kind.KAFKA) {
      n.put("offset", Long.parseLong(number));
    } else {
      n.put("sequence", number).put("subSequence", sub);
    }
  }

  /**
   * Puts a range of one partition's positions into a manifest: {@code firstOffset} and {@code lastOffset}, or the
   * sequences with the last one's sub-sequence number (so a later run can tell where the written records end).
   */
  public static void putRange(ObjectNode n, SourcePosition first, SourcePosition last) {
    if (first.kind == Kind.KAFKA) {
      n.put("firstOffset", Long.parseLong(first.number)).put("lastOffset", Long.parseLong(last.number));
    } else {
      n.put("firstSequence", first.number).put("lastSequence", last.number).put("lastSubSequence", last.sub);
    }
  }

  /** A deterministic coder. */
  public static final class Coder extends AtomicCoder<SourcePosition> {
    private static final Coder INSTANCE = new Coder();
    private static final Kind[] KINDS = Kind.values();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SourcePosition p, OutputStream out) throws IOException {
      VarIntCoder.of().encode(p.kind.ordinal(), out);
      StringUtf8Coder.of().encode(p.stream, out);
      StringUtf8Coder.of().encode(p.partition, out);
      StringUtf8Coder.of().encode(p.number, out);
      VarLongCoder.of().encode(p.sub, out);
    }

    @Override
    public SourcePosition decode(InputStream in) throws IOException {
      return new SourcePosition(
          KINDS[VarIntCoder.of().decode(in)], StringUtf8Coder.of().decode(in), StringUtf8Coder.of().decode(in), StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
