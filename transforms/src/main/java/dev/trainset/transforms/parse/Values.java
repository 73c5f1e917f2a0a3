package dev.trainset.transforms.parse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recognises and converts textual and JSON values. Pure functions; the rules here are the contract that schema
 * inference and typing share, so a value inferred as a type always converts to it.
 *
 * <ul>
 *   <li>boolean: {@code true}/{@code false}, any case (on explicit conversion also {@code yes/no}, {@code 1/0},
 *       {@code t/f}).
 *   <li>long: an optional sign and decimal digits that fit in 64 bits.
 *   <li>double: a decimal number with optional fraction and exponent ({@code 1.5}, {@code -2e-3}, {@code .5}); no hex,
 *       no {@code NaN}/{@code Infinity}, no type suffixes. Integers too big for a long are doubles.
 *   <li>timestamp: ISO-8601 date ({@code 2024-01-31}) or date-time with {@code T} or a space, optional seconds,
 *       fraction and offset ({@code Z}, {@code +02:00}); without an offset, UTC.
 * </ul>
 */
public final class Values {
  private Values() {}

  /** Inference kinds as bits, so a column's observed kinds combine with OR. */
  public static final int KIND_BOOLEAN = 1;

  public static final int KIND_LONG = 2;
  public static final int KIND_DOUBLE = 4;
  public static final int KIND_TIMESTAMP = 8;
  public static final int KIND_STRING = 16;

  private static final DateTimeFormatter DATE_TIME =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  /** The inference kind of a non-missing text value ({@link TextNumbers#kind}). */
  public static int kindOf(String s) {
    return TextNumbers.kind(s.toCharArray(), 0, s.length());
  }

  /** The inference kind of a JSON scalar as Jackson reads it (Long, Double, Boolean, String). */
  public static int kindOfJson(Object v) {
    if (v instanceof Long) {
      return KIND_LONG;
    }
    if (v instanceof Double) {
      return KIND_DOUBLE;
    }
    if (v instanceof Boolean) {
      return KIND_BOOLEAN;
    }
    if (v instanceof String) {
      String s = (String) v;
      // JSON strings stay strings unless they are timestamps: "42" in quotes was meant as text.
      return s.length() >= 10 && Character.isDigit(s.charAt(0)) && parseTimestamp(s) != null
          ? KIND_TIMESTAMP
          : KIND_STRING;
    }
    return KIND_STRING;
  }

  /** The narrowest type that holds every observed kind: long+double widen to double, anything else mixed is string. */
  public static ColumnType typeOf(int kinds) {
    switch (kinds) {
      case 0:
        return ColumnType.STRING; // only missing values
      case KIND_BOOLEAN:
        return ColumnType.BOOLEAN;
      case KIND_LONG:
        return ColumnType.LONG;
      case KIND_DOUBLE:
      case KIND_LONG | KIND_DOUBLE:
        return ColumnType.DOUBLE;
      case KIND_TIMESTAMP:
        return ColumnType.TIMESTAMP;
      default:
        return ColumnType.STRING;
    }
  }

  static boolean isLong(String s) {
    return TextNumbers.isLong(s.toCharArray(), 0, s.length());
  }

  static boolean isDecimal(String s) {
    return TextNumbers.isDecimal(s.toCharArray(), 0, s.length());
  }

  /** Parses an ISO-8601 date or date-time; returns null when the text is not one. */
  public static Instant parseTimestamp(String s) {
    Instant t;
    try {
      if (s.length() == 10) {
        t = LocalDate.parse(s, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
      } else {
        var parsed = DATE_TIME.parse(s);
        t = parsed.isSupported(ChronoField.OFFSET_SECONDS)
            ? OffsetDateTime.from(parsed).toInstant()
            : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
      }
    } catch (java.time.DateTimeException e) {
      return null;
    }
    // Timestamps are stored as microseconds since the epoch in a long (about ±292,000 years): a date-time outside
    // that is not a timestamp here (found by fuzzing: the year -95555555 overflowed the conversion).
    return t.getEpochSecond() > MAX_TIMESTAMP_SECONDS || t.getEpochSecond() < -MAX_TIMESTAMP_SECONDS ? null : t;
  }

  private static final long MAX_TIMESTAMP_SECONDS = Long.MAX_VALUE / 1_000_000L - 1;

  /**
   * Converts a value (text from CSV, or a Long/Double/Boolean/String/List from JSON) to a column's type.
   *
   * @throws IllegalArgumentException with a message that names the expected type and shows the value
   */
  public static Object convert(Object value, ColumnSpec column) {
    if (value == null) {
      return null;
    }
    if (column.list()) {
      if (!(value instanceof List)) {
        throw mismatch(column, value);
      }
      List<?> in = (List<?>) value;
      List<Object> out = new ArrayList<>(in.size());
      for (Object element : in) {
        out.add(element == null ? null : convertScalar(element, column.type(), column));
      }
      return out;
    }
    Object out = convertScalar(value, column.type(), column);
    if (column.domain() != null && !column.domain().contains((String) out)) {
      throw new IllegalArgumentException(
          "column '" + column.name() + "': value '" + out + "' is not in the declared domain " + column.domain());
    }
    return out;
  }

  private static Object convertScalar(Object value, ColumnType type, ColumnSpec column) {
    switch (type) {
      case STRING:
        if (value instanceof String) {
          return value;
        }
        if (value instanceof List) {
          return JsonText.of(value);
        }
        if (value instanceof Instant) {
          return value.toString();
        }
        if (value instanceof Double) {
          return formatDouble((Double) value);
        }
        return String.valueOf(value);
      case LONG:
        if (value instanceof Long) {
          return value;
        }
        if (value instanceof String && isLong((String) value)) {
          return Long.parseLong((String) value);
        }
        if (value instanceof Double) {
          double d = (Double) value;
          if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
            return (long) d;
          }
        }
        throw mismatch(column, value);
      case DOUBLE:
        if (value instanceof Double) {
          return value;
        }
        if (value instanceof Long) {
          return ((Long) value).doubleValue();
        }
        if (value instanceof String) {
          String s = (String) value;
          if (!s.isEmpty() && isDecimal(s)) {
            return Double.parseDouble(s);
          }
        }
        throw mismatch(column, value);
      case BOOLEAN:
        if (value instanceof Boolean) {
          return value;
        }
        if (value instanceof String) {
          switch (((String) value).toLowerCase(Locale.ROOT)) {
            case "true":
            case "t":
            case "yes":
            case "y":
            case "1":
              return Boolean.TRUE;
            case "false":
            case "f":
            case "no":
            case "n":
            case "0":
              return Boolean.FALSE;
            default:
              break;
          }
        }
        if (value instanceof Long && ((Long) value == 0L || (Long) value == 1L)) {
          return (Long) value == 1L;
        }
        throw mismatch(column, value);
      case TIMESTAMP:
        if (value instanceof Instant) {
          return value;
        }
        if (value instanceof String) {
          Instant t = parseTimestamp((String) value);
          if (t != null) {
            return t;
          }
        }
        throw mismatch(column, value);
      default:
        throw new IllegalStateException("unhandled type " + type);
    }
  }

  /** Renders a double the way a person writes it: no exponent for ordinary magnitudes, integral values without ".0". */
  public static String formatDouble(double d) {
    if (!Double.isFinite(d)) {
      return Double.toString(d); // a JSON number past double's range is Infinity (found by fuzzing: BigDecimal threw)
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    double a = Math.abs(d);
    if (a >= 1e-3 && a < 1e7) {
      return Double.toString(d); // already plain here, and without trailing zeros (d is not integral)
    }
    return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
  }

  private static IllegalArgumentException mismatch(ColumnSpec column, Object value) {
    return BadValue.mismatch(column, value);
  }

}
