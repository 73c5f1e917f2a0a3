package dev.trainset.transforms.coders;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A prepared row of a known schema as compact bytes, for rows that must wait in state (a stream's open windows):
 * per column a null flag, then the value (numbers as longs or doubles, text as UTF-8, lists element by element with a
 * type tag). The schema is not written; both sides know it.
 */
public final class TypedRowBytes {
  private final TableSchema schema;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private final DataOutputStream out = new DataOutputStream(buffer);

  public TypedRowBytes(TableSchema schema) {
    this.schema = schema;
  }

  /** The bytes of {@code row}. */
  public byte[] encode(TypedRow row) {
    buffer.reset();
    try {
      for (int i = 0; i < schema.size(); i++) {
        ColumnSpec c = schema.column(i);
        if (row.isNull(i)) {
          out.writeByte(0);
          continue;
        }
        out.writeByte(1);
        if (c.list()) {
          writeList((List<?>) row.getObject(i));
          continue;
        }
        switch (c.type()) {
          case LONG, TIMESTAMP, BOOLEAN -> out.writeLong(row.getLong(i));
          case DOUBLE -> out.writeDouble(row.getDouble(i));
          default -> writeText(String.valueOf(row.getObject(i)));
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return buffer.toByteArray();
  }

  /** Fills {@code row} from bytes {@link #encode} made. */
  public void decode(byte[] bytes, TypedRow row) {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    try {
      for (int i = 0; i < schema.size(); i++) {
        ColumnSpec c = schema.column(i);
        if (in.readByte() == 0) {
          row.setNull(i);
          continue;
        }
        if (c.list()) {
          row.setObject(i, readList(in));
          continue;
        }
        switch (c.type()) {
          case LONG, TIMESTAMP -> row.setLong(i, in.readLong());
          case BOOLEAN -> row.setBoolean(i, in.readLong() != 0);
          case DOUBLE -> row.setDouble(i, in.readDouble());
          default -> row.setObject(i, readText(in));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a row of " + schema.names() + ": " + e.getMessage(), e);
    }
  }

  /** Text of any length (DataOutputStream's own UTF stops at 64 KB). */
  private void writeText(String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readText(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void writeList(List<?> values) throws IOException {
    out.writeInt(values.size());
    for (Object v : values) {
      if (v == null) {
        out.writeByte('n');
      } else if (v instanceof Long l) {
        out.writeByte('l');
        out.writeLong(l);
      } else if (v instanceof Double d) {
        out.writeByte('d');
        out.writeDouble(d);
      } else if (v instanceof Boolean b) {
        out.writeByte('b');
        out.writeBoolean(b);
      } else if (v instanceof Instant t) {
        out.writeByte('t');
        out.writeLong(TypedRow.micros(t));
      } else {
        out.writeByte('s');
        writeText(v.toString());
      }
    }
  }

  private static List<Object> readList(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<Object> values = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      int tag = in.readByte();
      values.add(
          switch (tag) {
            case 'n' -> null;
            case 'l' -> in.readLong();
            case 'd' -> in.readDouble();
            case 'b' -> in.readBoolean();
            case 't' -> TypedRow.instant(in.readLong());
            default -> readText(in);
          });
    }
    return values;
  }
}
