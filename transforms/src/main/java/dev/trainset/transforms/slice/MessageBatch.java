package dev.trainset.transforms.slice;

import dev.trainset.transforms.coders.TypedRowBytes;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.io.stream.StreamRecord;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.split.RowSplitter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch of stream messages, one record each, with the batch readers (pure: no Beam): the messages are one
 * in-memory slice of lines, so parsing, typing, preparation and the split are exactly the files' ({@link
 * WriteSlice}); a message that is not one clean line (it holds a line break, or an open quote in CSV) is read on its
 * own. Every message gives exactly one {@link StreamRecord}: a prepared row, or a rejection with the message's text
 * and the reason (empty, undecodable, unparseable, a value of the wrong type, no event time, more than one record).
 */
public final class MessageBatch {
  /**
   * What parsing needs; serializable, built once per run.
   *
   * @param lines the message format read as lines ({@code jsonl}, or CSV without a header)
   * @param whole the format a message that is not one line is read with ({@code json}, or the same CSV)
   * @param wrapWhole read such a message as a one-element array ({@code [message]}): how JSON reads one object
   *     that spans lines
   * @param schema the declared schema
   * @param preparation label mapping, column selection, missing values, encodings
   * @param roles which source fields are label and key
   * @param classes the label's classes
   * @param splitter the hash split
   * @param eventTime the schema column that gives the event time, or -1 for the broker's timestamp
   * @param allowedLatenessMillis how far behind the source's time an event time may be before the record is late
   */
  public record Spec(
      FileFormat lines,
      FileFormat whole,
      boolean wrapWhole,
      TableSchema schema,
      Preparation preparation,
      ColumnRoles roles,
      LabelClasses classes,
      RowSplitter splitter,
      int eventTime,
      long allowedLatenessMillis)
      implements Serializable {}

  private final Spec spec;
  private final RowPreparer preparer;
  private final TypedRowBytes bytes;
  private final CharsetDecoder decoder;
  private final String source;

  public MessageBatch(Spec spec, String source) {
    this.spec = spec;
    this.preparer = new RowPreparer(spec.schema(), spec.preparation(), spec.classes().forSlice());
    this.bytes = new TypedRowBytes(spec.preparation().output());
    this.decoder =
        spec.lines().encoding().charset().newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    this.source = source;
  }

  /**
   * Parses {@code messages}; {@code sourceMillis[i]} is the time the source gave message {@code i} (its event time,
   * or later when the source found it late). Returns one record per message, in order.
   */
  public StreamRecord[] parse(List<Message> messages, long[] sourceMillis) {
    StreamRecord[] out = new StreamRecord[messages.size()];
    List<Integer> joined = new ArrayList<>(messages.size());
    ByteArrayOutputStream buf = new ByteArrayOutputStream(messages.size() * 128);
    List<Integer> alone = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      byte[] p = withoutBom(messages.get(i).payload());
      if (blank(p)) {
        out[i] = StreamRecord.rejected(messages.get(i), sourceMillis[i], "", "an empty message", "read");
        continue;
      }
      String undecodable = undecodable(p);
      if (undecodable != null) {
        out[i] = StreamRecord.rejected(messages.get(i), sourceMillis[i], text(p), undecodable, "read");
        continue;
      }
      if (oneLine(p)) {
        joined.add(i);
        buf.write(p, 0, p.length);
        buf.write('\n');
      } else {
        alone.add(i);
      }
    }
    if (!joined.isEmpty()) {
      int done = read(spec.lines(), buf.toByteArray(), buf.size(), joined, messages, sourceMillis, out);
      for (int k = done; k < joined.size(); k++) {
        alone.add(joined.get(k)); // after a read error: each remaining message on its own
      }
    }
    for (int i : alone) {
      if (out[i] == null) {
        byte[] p = withoutBom(messages.get(i).payload());
        if (spec.wrapWhole()) {
          byte[] w = new byte[p.length + 2];
          w[0] = '[';
          System.arraycopy(p, 0, w, 1, p.length);
          w[w.length - 1] = ']';
          p = w;
        }
        read(spec.whole(), p, p.length, List.of(i), messages, sourceMillis, out);
      }
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        out[i] = StreamRecord.rejected(messages.get(i), sourceMillis[i], text(messages.get(i).payload()), "no record in the message", "read");
      }
    }
    return out;
  }

  /**
   * Reads the records of {@code data}, record {@code k} (line {@code k + 1}) being message {@code indexes.get(k)};
   * returns how many of {@code indexes} were read before the rest became unreadable ({@code indexes.size()} when all
   * were).
   */
  private int read(FileFormat format, byte[] data, int length, List<Integer> indexes, List<Message> messages, long[] sourceMillis, StreamRecord[] out) {
    boolean single = indexes.size() == 1;
    FileSlice slice = FileSlice.whole(0, source);
    long last = 0;
    try (SliceInput in = SliceInput.of(data, length, source);
        RecordSource r = format.open(slice, in, spec.schema())) {
      RowSplitter.ForSlice splitter = spec.splitter().forSlice(0);
      RecordView view = new RecordView(r, spec.roles().forSlice(r), spec.splitter().keyColumn(), 0);
      long ordinal = 0;
      while (r.next()) {
        int k = single ? 0 : (int) (r.position() - 1);
        last = single ? 0 : r.position();
        if (k < 0 || k >= indexes.size()) {
          continue; // cannot happen: one line per message
        }
        int i = indexes.get(k);
        Message m = messages.get(i);
        if (out[i] != null) {
          out[i] = StreamRecord.rejected(m, sourceMillis[i], text(m.payload()), "the message holds more than one record", "read");
          continue;
        }
        out[i] = take(r, view, splitter, m, sourceMillis[i], ordinal++);
      }
      return indexes.size();
    } catch (IOException | RuntimeException e) {
      if (single) {
        int i = indexes.get(0);
        Message m = messages.get(i);
        out[i] = StreamRecord.rejected(m, sourceMillis[i], text(m.payload()), "unreadable: " + reason(e), "read");
        return 1;
      }
      // Records up to the last complete one stand; the message that failed and those after it are read alone.
      int failed = (int) last;
      for (int k = failed; k < indexes.size(); k++) {
        out[indexes.get(k)] = null;
      }
      return failed;
    }
  }

  private StreamRecord take(RecordSource r, RecordView view, RowSplitter.ForSlice splitter, Message m, long sourceMillis, long ordinal) {
    if (r.isBad()) {
      return StreamRecord.rejected(m, sourceMillis, text(m.payload()), r.badReason(), "read");
    }
    if (!preparer.prepare(r)) {
      return StreamRecord.rejected(m, sourceMillis, text(m.payload()), preparer.reason(), preparer.stage());
    }
    long eventMillis = m.brokerMillis();
    if (spec.eventTime() >= 0) {
      TypedRow typed = preparer.typed();
      if (typed.isNull(spec.eventTime())) {
        return StreamRecord.rejected(
            m, sourceMillis, text(m.payload()), "no event time: '" + spec.schema().column(spec.eventTime()).name() + "' is missing", "read");
      }
      eventMillis = Math.floorDiv(typed.getLong(spec.eventTime()), 1000L);
    }
    if (eventMillis < sourceMillis - spec.allowedLatenessMillis()) {
      return StreamRecord.rejected(
          m, sourceMillis, text(m.payload()),
          "late: event time " + java.time.Instant.ofEpochMilli(eventMillis) + " is more than the allowed lateness behind "
              + java.time.Instant.ofEpochMilli(sourceMillis) + ", the time its partition had reached",
          "late");
    }
    LabelClasses.Entry label = preparer.label();
    view.next(label == null ? LabelClasses.ALL : label.splitClass(), ordinal);
    int split = splitter.split(view);
    return StreamRecord.row(m, eventMillis, split, label == null ? null : label.text(), bytes.encode(preparer.prepared()), r.extraFields());
  }

  /** A message of only white space is empty: the line readers would skip it and shift the records after it. */
  private static boolean blank(byte[] p) {
    for (byte b : p) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** A UTF-8 byte-order mark at the start of a message is not part of its first value, wherever it is in a batch. */
  private static byte[] withoutBom(byte[] p) {
    if (p.length >= 3 && (p[0] & 0xFF) == 0xEF && (p[1] & 0xFF) == 0xBB && (p[2] & 0xFF) == 0xBF) {
      return java.util.Arrays.copyOfRange(p, 3, p.length);
    }
    return p;
  }

  /** Whether a message can be one line of the joined slice: no line break, and in CSV no quote left open. */
  private boolean oneLine(byte[] p) {
    int quote = spec.lines().quoteByte();
    int quotes = 0;
    for (byte b : p) {
      if (b == '\n' || b == '\r') {
        return false;
      }
      if (b == quote) {
        quotes++;
      }
    }
    return (quotes & 1) == 0;
  }

  private String undecodable(byte[] p) {
    try {
      decoder.reset().decode(ByteBuffer.wrap(p));
      return null;
    } catch (CharacterCodingException e) {
      int at = 0;
      try {
        ByteBuffer b = ByteBuffer.wrap(p);
        decoder.reset().decode(b, java.nio.CharBuffer.allocate(p.length + 1), true);
        at = b.position();
      } catch (RuntimeException ignored) {
        // the position is a hint only
      }
      return "not valid " + spec.lines().encoding().configName() + " at byte " + at + " of the message (set encoding if the"
          + " messages are in another one)";
    }
  }

  /** A message's payload as text in the messages' encoding: what a rejected record keeps as its raw text. */
  public String text(byte[] p) {
    return new String(p, spec.lines().encoding().charset());
  }

  private static String reason(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
