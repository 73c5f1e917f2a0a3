package dev.trainset.transforms.parse;

import java.time.Instant;

/**
 * Types text values (a character range) into a {@link TypedRow} column, by the rules of {@link Values#convert} for
 * strings: numbers are parsed from the characters ({@link TextNumbers}), a String is made only for text, and a
 * value that does not fit raises {@link BadValue} naming the column, the type and the value.
 */
public final class TextTyper {
  private TextTyper() {}

  public static void type(ColumnSpec column, char[] c, int off, int len, TypedRow out, int j) {
    switch (column.type()) {
      case LONG:
        if (!TextNumbers.isLong(c, off, len)) {
          throw BadValue.mismatch(column, new String(c, off, len));
        }
        out.setLong(j, TextNumbers.parseLong(c, off, len));
        return;
      case DOUBLE:
        double d = TextNumbers.parseDouble(c, off, len);
        if (Double.isNaN(d)) {
          throw BadValue.mismatch(column, new String(c, off, len));
        }
        out.setDouble(j, d);
        return;
      case BOOLEAN:
        int b = TextNumbers.booleanValue(c, off, len, true);
        if (b < 0) {
          throw BadValue.mismatch(column, new String(c, off, len));
        }
        out.setBoolean(j, b == 1);
        return;
      case TIMESTAMP:
        Instant t = Values.parseTimestamp(new String(c, off, len));
        if (t == null) {
          throw BadValue.mismatch(column, new String(c, off, len));
        }
        out.setLong(j, TypedRow.micros(t));
        return;
      default:
        if (column.list()) {
          throw BadValue.mismatch(column, new String(c, off, len));
        }
        String s = new String(c, off, len);
        if (column.domain() != null && !column.domain().contains(s)) {
          throw new BadValue("column '" + column.name() + "': value '" + s + "' is not in the declared domain " + column.domain());
        }
        out.setObject(j, s);
    }
  }
}
