package dev.trainset.transforms.parse;

/**
 * A value that does not fit its column (or a required value that is missing): the record goes to the dead-letter
 * output with this message. Thrown per record, so it carries no stack trace.
 */
public final class BadValue extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BadValue(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** "column 'x': expected long, got 'abc'" (long values shortened). */
  public static BadValue mismatch(ColumnSpec column, Object value) {
    String shown = String.valueOf(value);
    if (shown.length() > 60) {
      shown = shown.substring(0, 57) + "...";
    }
    return new BadValue("column '" + column.name() + "': expected " + column.describeType() + ", got '" + shown + "'");
  }

  public static BadValue missingRequired(ColumnSpec column) {
    return new BadValue("column '" + column.name() + "' is missing but required");
  }
}
