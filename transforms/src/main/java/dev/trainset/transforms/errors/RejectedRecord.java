package dev.trainset.transforms.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A record that did not make it into the training set, with everything a person needs to find and fix it: the
 * source, the position ({@code unit} says whether it is a line or a record index), the raw text, the reason, and
 * the stage that turned it away.
 */
public final class RejectedRecord {
  /** Longest raw text kept; longer raw text is cut and marked. */
  public static final int MAX_RAW_CHARS = dev.trainset.transforms.parse.ReadLimits.KEPT_CHARS;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String source;
  private final String unit;
  private final long position;
  private final String raw;
  private final String reason;
  private final String stage;

  public RejectedRecord(String source, String unit, long position, String raw, String reason, String stage) {
    this.source = Objects.requireNonNull(source);
    this.unit = Objects.requireNonNull(unit);
    this.position = position;
    String r = raw == null ? "" : raw;
    this.raw = r.length() > MAX_RAW_CHARS ? r.substring(0, MAX_RAW_CHARS) + "…[cut]" : r;
    this.reason = Objects.requireNonNull(reason);
    this.stage = Objects.requireNonNull(stage);
  }

  public String source() {
    return source;
  }

  public String unit() {
    return unit;
  }

  public long position() {
    return position;
  }

  public String raw() {
    return raw;
  }

  public String reason() {
    return reason;
  }

  public String stage() {
    return stage;
  }

  /** One JSON object per line: {@code {"source":…,"line":12,"reason":…,"raw":…,"stage":…}}. */
  public String toJson() {
    return toJson(source, n -> n.put(unit, position), raw, reason, stage);
  }

  /**
   * A rejected record's JSON line whose position is not one number (a stream's: {@code "offset": 12}, or a Kinesis
   * {@code "sequence"} and {@code "subSequence"}), with the same fields in the same order as {@link #toJson()}.
   */
  public static String toJson(String source, java.util.function.Consumer<ObjectNode> position, String raw, String reason, String stage) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("source", source);
    position.accept(n);
    n.put("reason", reason);
    n.put("raw", raw);
    n.put("stage", stage);
    return n.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RejectedRecord)) {
      return false;
    }
    RejectedRecord r = (RejectedRecord) o;
    return position == r.position
        && source.equals(r.source)
        && unit.equals(r.unit)
        && raw.equals(r.raw)
        && reason.equals(r.reason)
        && stage.equals(r.stage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, unit, position, raw, reason, stage);
  }

  @Override
  public String toString() {
    return toJson();
  }

  /** A compact, deterministic coder. */
  public static final class Coder extends AtomicCoder<RejectedRecord> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder S = StringUtf8Coder.of();
    private static final VarLongCoder L = VarLongCoder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RejectedRecord r, OutputStream out) throws IOException {
      S.encode(r.source, out);
      S.encode(r.unit, out);
      L.encode(r.position, out);
      S.encode(r.raw, out);
      S.encode(r.reason, out);
      S.encode(r.stage, out);
    }

    @Override
    public RejectedRecord decode(InputStream in) throws IOException {
      return new RejectedRecord(S.decode(in), S.decode(in), L.decode(in), S.decode(in), S.decode(in), S.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
