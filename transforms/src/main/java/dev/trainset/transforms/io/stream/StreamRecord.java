package dev.trainset.transforms.io.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import java.util.List;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A message after parsing: a prepared row (its split, label class and encoded values) or a rejected record (its raw
 * text, reason and stage), with the message's position and the time that picks its window.
 *
 * @param position the message's position in its source
 * @param windowMillis the time whose window holds the record: the event time of a row; for a rejected or late
 *     record, the time the source gave it (never a window that has closed)
 * @param split the split index of a row, or -1 for a rejected record
 * @param label the label class of a row (for class counts), or null
 * @param row the prepared row ({@link dev.trainset.transforms.coders.TypedRowBytes}), or null when rejected
 * @param raw a rejected record's text, else null
 * @param reason why it was rejected, else null
 * @param stage where it was rejected ({@code read}, {@code prepare}, {@code late}), else null
 * @param extraFields a row's fields that are not in the schema (left out, counted per window), or null for none
 */
public record StreamRecord(
    SourcePosition position, long windowMillis, int split, String label, byte[] row, String raw, String reason, String stage,
    List<String> extraFields) {

  public static StreamRecord row(Message m, long windowMillis, int split, String label, byte[] row, List<String> extraFields) {
    return new StreamRecord(
        m.position(), windowMillis, split, label, row, null, null, null, extraFields.isEmpty() ? null : List.copyOf(extraFields));
  }

  public static StreamRecord rejected(Message m, long windowMillis, String raw, String reason, String stage) {
    return new StreamRecord(m.position(), windowMillis, -1, null, null, raw, reason, stage, null);
  }

  public boolean isRejected() {
    return row == null;
  }

  /** This rejected record, held in the window at {@code windowMillis} instead (its own window was complete). */
  public StreamRecord movedTo(long windowMillis) {
    return new StreamRecord(position, windowMillis, split, label, row, raw, reason, stage, extraFields);
  }

  /** This record turned away as late, into the window at {@code windowMillis}: its own window had closed. */
  public StreamRecord late(long windowMillis, String why) {
    return new StreamRecord(position, windowMillis, -1, null, null, raw != null ? raw : "", why, "late", null);
  }

  /** A deterministic coder. */
  public static final class Coder extends AtomicCoder<StreamRecord> {
    private static final Coder INSTANCE = new Coder();
    private static final NullableCoder<String> TEXT = NullableCoder.of(StringUtf8Coder.of());
    private static final NullableCoder<byte[]> BYTES = NullableCoder.of(ByteArrayCoder.of());
    private static final NullableCoder<List<String>> NAMES = NullableCoder.of(ListCoder.of(StringUtf8Coder.of()));

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StreamRecord r, OutputStream out) throws IOException {
      SourcePosition.Coder.of().encode(r.position, out);
      VarLongCoder.of().encode(r.windowMillis, out);
      VarIntCoder.of().encode(r.split, out);
      TEXT.encode(r.label, out);
      BYTES.encode(r.row, out);
      TEXT.encode(r.raw, out);
      TEXT.encode(r.reason, out);
      TEXT.encode(r.stage, out);
      NAMES.encode(r.extraFields, out);
    }

    @Override
    public StreamRecord decode(InputStream in) throws IOException {
      return new StreamRecord(
          SourcePosition.Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarIntCoder.of().decode(in),
          TEXT.decode(in),
          BYTES.decode(in),
          TEXT.decode(in),
          TEXT.decode(in),
          TEXT.decode(in),
          NAMES.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
