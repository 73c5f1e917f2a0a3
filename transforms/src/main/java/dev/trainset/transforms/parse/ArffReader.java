package dev.trainset.transforms.parse;

import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;

/**
 * A reader for Weka's ARFF format, written from the format's description (Weka itself is GPL and far too big to
 * depend on). Pure: no Beam, no I/O beyond the given reader.
 *
 * <p>Header: {@code @relation}, {@code @attribute} with {@code numeric}, {@code real}, {@code integer}, {@code
 * string}, {@code date [format]} and nominal {@code {a, b, 'c d'}}; keywords in any case; {@code %} comments; blank
 * lines. Relational attributes are refused with a clear message. Header problems are fatal ({@link
 * ArffFormatException}, naming the line).
 *
 * <p>Data: dense rows and sparse rows ({@code {3 1.5, 7 'x'}}); as in Weka, values are separated by commas and/or
 * white space, quoted with single or double quotes (backslash escapes {@code \' \" \\ \n \t \r}), {@code ?} unquoted is
 * missing. In a sparse row an omitted value is 0, not missing: 0 for numbers, the first declared value for a nominal,
 * the empty string for a string, 1970-01-01 for a date. Problems in one row (wrong value count, a value that is not a
 * number, a nominal value outside its domain, instance weights) make that row a bad record; the rest is read.
 *
 * <p>Values come typed: Double (numeric/real), Long (integer), String (string, nominal), {@link Instant} (date).
 */
public final class ArffReader implements RecordReader<Object[]> {
  private static final DateTimeFormatter DEFAULT_DATE = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  private final LineReader in;
  private final ReadLimits limits;
  private final String relation;
  private final List<Attribute> attributes;
  private final TableSchema schema;
  private long line;
  private long lastPosition;

  /** The kind of an attribute, as declared. */
  public enum Kind {
    NUMERIC,
    INTEGER,
    NOMINAL,
    STRING,
    DATE
  }

  /** An attribute as declared in the header. */
  public record Attribute(String name, Kind kind, List<String> domain, String dateFormat) {}

  private ArffReader(Reader reader, ReadLimits limits) throws IOException {
    this.limits = limits;
    this.in = new LineReader(reader, limits.recordChars(), ReadLimits.KEPT_CHARS);
    String rel = null;
    List<Attribute> attrs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean data = false;
    String text;
    while (!data && (text = readLine()) != null) {
      if (in.tooLong()) {
        throw new ArffFormatException(line, limits.tooLong("this header line", in.length()));
      }
      List<Token> tokens = tokenize(text, line);
      if (tokens.isEmpty()) {
        continue;
      }
      Token first = tokens.get(0);
      String keyword = first.quoted ? "" : first.text.toLowerCase(Locale.ROOT);
      switch (keyword) {
        case "@relation":
          if (tokens.size() < 2) {
            throw new ArffFormatException(line, "@relation needs a name");
          }
          rel = tokens.get(1).text;
          break;
        case "@attribute":
          Attribute a = attribute(tokens, line);
          if (!names.add(a.name)) {
            throw new ArffFormatException(line, "duplicate attribute name '" + a.name + "'");
          }
          if (attrs.size() == limits.columns()) {
            throw new ArffFormatException(
                line, "more than input.limits.columns (" + limits.columns() + ") attributes; raise the limit if the"
                    + " input is meant to be this wide");
          }
          attrs.add(a);
          break;
        case "@data":
          data = true;
          break;
        default:
          throw new ArffFormatException(
              line,
              "expected @relation, @attribute or @data in the header, found '" + abbreviate(text.trim()) + "'");
      }
    }
    if (!data) {
      throw new ArffFormatException(line, "no @data section");
    }
    if (attrs.isEmpty()) {
      throw new ArffFormatException(line, "no @attribute declared before @data");
    }
    this.relation = rel;
    this.attributes = List.copyOf(attrs);
    List<ColumnSpec> cols = new ArrayList<>();
    for (Attribute a : attrs) {
      cols.add(new ColumnSpec(a.name, columnType(a.kind), false, true, a.kind == Kind.NOMINAL ? a.domain : null));
    }
    try {
      this.schema = new TableSchema(cols);
    } catch (IllegalArgumentException e) {
      throw new ArffFormatException(line, e.getMessage());
    }
  }

  /** Reads the header through {@code @data}, with the default limits. */
  public static ArffReader open(Reader reader) throws IOException {
    return open(reader, ReadLimits.DEFAULTS);
  }

  /** Reads the header through {@code @data}. */
  public static ArffReader open(Reader reader, ReadLimits limits) throws IOException {
    return new ArffReader(Bom.skip(reader), limits);
  }

  public String relation() {
    return relation;
  }

  public List<Attribute> attributes() {
    return attributes;
  }

  /** The declared schema: nominal attributes are string columns that keep their domain. */
  public TableSchema schema() {
    return schema;
  }

  private static ColumnType columnType(Kind kind) {
    switch (kind) {
      case NUMERIC:
        return ColumnType.DOUBLE;
      case INTEGER:
        return ColumnType.LONG;
      case DATE:
        return ColumnType.TIMESTAMP;
      default:
        return ColumnType.STRING;
    }
  }

  @Override
  public SourceRecord<Object[]> next() throws IOException {
    String text;
    while ((text = readLine()) != null) {
      if (in.tooLong()) {
        return record(SourceRecord.bad(line, text, limits.tooLong("this line", in.length())));
      }
      List<Token> tokens;
      try {
        tokens = tokenize(text, line);
      } catch (ArffFormatException e) {
        return record(SourceRecord.bad(line, text, e.reason()));
      }
      if (tokens.isEmpty()) {
        continue;
      }
      try {
        Object[] values =
            tokens.get(0).isOpenBrace() ? sparse(tokens) : dense(tokens);
        return record(SourceRecord.ok(line, values));
      } catch (IllegalArgumentException e) {
        return record(SourceRecord.bad(line, text, e.getMessage()));
      }
    }
    return null;
  }

  private SourceRecord<Object[]> record(SourceRecord<Object[]> r) {
    lastPosition = r.position();
    return r;
  }

  @Override
  public long lastPosition() {
    return lastPosition;
  }

  private Object[] dense(List<Token> tokens) {
    int n = tokens.size();
    if (n > 0 && tokens.get(n - 1).isCloseBrace()) {
      throw new IllegalArgumentException("instance weights ({...} after the values) are not supported");
    }
    if (n != attributes.size()) {
      throw new IllegalArgumentException("expected " + attributes.size() + " values, found " + n);
    }
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      values[i] = value(i, tokens.get(i));
    }
    return values;
  }

  private Object[] sparse(List<Token> tokens) {
    int n = tokens.size();
    if (!tokens.get(n - 1).isCloseBrace()) {
      throw new IllegalArgumentException("sparse row: missing closing '}'");
    }
    Object[] values = new Object[attributes.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = zero(attributes.get(i));
    }
    int inner = n - 2;
    if (inner % 2 != 0) {
      throw new IllegalArgumentException("sparse row: expected 'index value' pairs");
    }
    int previous = -1;
    for (int k = 1; k < n - 1; k += 2) {
      Token idx = tokens.get(k);
      int index;
      try {
        index = Integer.parseInt(idx.text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("sparse row: '" + abbreviate(idx.text) + "' is not an attribute index");
      }
      if (index < 0 || index >= attributes.size()) {
        throw new IllegalArgumentException(
            "sparse row: attribute index " + index + " out of range 0.." + (attributes.size() - 1));
      }
      if (index <= previous) {
        throw new IllegalArgumentException("sparse row: attribute indexes must increase (" + index + " after " + previous + ")");
      }
      previous = index;
      values[index] = value(index, tokens.get(k + 1));
    }
    return values;
  }

  private static Object zero(Attribute a) {
    switch (a.kind) {
      case NUMERIC:
        return 0.0;
      case INTEGER:
        return 0L;
      case NOMINAL:
        return a.domain.get(0);
      case DATE:
        return Instant.EPOCH;
      default:
        return "";
    }
  }

  private Object value(int index, Token t) {
    if (!t.quoted && t.text.equals("?")) {
      return null;
    }
    if (!t.quoted && (t.isOpenBrace() || t.isCloseBrace())) {
      throw new IllegalArgumentException("unexpected '" + t.text + "' among the values");
    }
    Attribute a = attributes.get(index);
    String s = t.text;
    switch (a.kind) {
      case NUMERIC:
        if (Values.isDecimal(s)) {
          return Double.parseDouble(s);
        }
        throw new IllegalArgumentException(
            "attribute '" + a.name + "' is numeric, got '" + abbreviate(s) + "'");
      case INTEGER:
        if (Values.isLong(s)) {
          return Long.parseLong(s);
        }
        if (Values.isDecimal(s)) {
          double d = Double.parseDouble(s);
          if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
            return (long) d;
          }
        }
        throw new IllegalArgumentException(
            "attribute '" + a.name + "' is integer, got '" + abbreviate(s) + "'");
      case NOMINAL:
        if (a.domain.contains(s)) {
          return s;
        }
        throw new IllegalArgumentException(
            "attribute '" + a.name + "': '" + abbreviate(s) + "' is not one of " + a.domain);
      case DATE:
        return parseDate(a, s);
      default:
        return s;
    }
  }

  private static Instant parseDate(Attribute a, String s) {
    DateTimeFormatter f =
        a.dateFormat == null ? DEFAULT_DATE : DateTimeFormatter.ofPattern(a.dateFormat, Locale.ROOT);
    try {
      TemporalAccessor t = f.parse(s);
      if (t.isSupported(java.time.temporal.ChronoField.HOUR_OF_DAY)) {
        return LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
      }
      return LocalDate.from(t).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException(
          "attribute '"
              + a.name
              + "': '"
              + abbreviate(s)
              + "' does not match the date format "
              + (a.dateFormat == null ? "yyyy-MM-dd'T'HH:mm:ss" : a.dateFormat));
    }
  }

  private static Attribute attribute(List<Token> tokens, long line) throws ArffFormatException {
    if (tokens.size() < 3) {
      throw new ArffFormatException(line, "@attribute needs a name and a type");
    }
    String name = tokens.get(1).text;
    Token type = tokens.get(2);
    if (type.isOpenBrace()) {
      List<String> domain = new ArrayList<>();
      int i = 3;
      for (; i < tokens.size() && !tokens.get(i).isCloseBrace(); i++) {
        domain.add(tokens.get(i).text);
      }
      if (i >= tokens.size()) {
        throw new ArffFormatException(line, "attribute '" + name + "': nominal list is not closed with '}'");
      }
      if (domain.isEmpty()) {
        throw new ArffFormatException(line, "attribute '" + name + "': empty nominal list");
      }
      return new Attribute(name, Kind.NOMINAL, List.copyOf(domain), null);
    }
    String t = type.text.toLowerCase(Locale.ROOT);
    switch (t) {
      case "numeric":
      case "real":
        return new Attribute(name, Kind.NUMERIC, null, null);
      case "integer":
        return new Attribute(name, Kind.INTEGER, null, null);
      case "string":
        return new Attribute(name, Kind.STRING, null, null);
      case "date":
        String format = tokens.size() > 3 ? tokens.get(3).text : null;
        if (format != null) {
          try {
            DateTimeFormatter.ofPattern(format, Locale.ROOT);
          } catch (IllegalArgumentException e) {
            throw new ArffFormatException(
                line, "attribute '" + name + "': invalid date format '" + format + "' (" + e.getMessage() + ")");
          } catch (ClassCastException e) {
            // The JDK's pattern builder fails so on a pad letter between adjacent numbers ("ypyM"): found by fuzzing.
            throw new ArffFormatException(
                line, "attribute '" + name + "': invalid date format '" + format + "' (a pad letter 'p' where Java's patterns cannot take one)");
          }
        }
        return new Attribute(name, Kind.DATE, null, format);
      case "relational":
        throw new ArffFormatException(
            line, "attribute '" + name + "' is relational; relational attributes are not supported");
      default:
        throw new ArffFormatException(
            line,
            "attribute '"
                + name
                + "': unknown type '"
                + abbreviate(type.text)
                + "' (expected numeric, real, integer, string, date or {nominal values})");
    }
  }

  private String readLine() throws IOException {
    String s = in.readLine();
    if (s != null) {
      line++;
    }
    return s;
  }

  /** A token of a line: its text (unquoted, unescaped) and whether it was quoted. */
  static final class Token {
    final String text;
    final boolean quoted;

    Token(String text, boolean quoted) {
      this.text = text;
      this.quoted = quoted;
    }

    boolean isOpenBrace() {
      return !quoted && text.equals("{");
    }

    boolean isCloseBrace() {
      return !quoted && text.equals("}");
    }

    @Override
    public String toString() {
      return quoted ? "'" + text + "'" : text;
    }
  }

  /**
   * Splits a line as Weka does: commas and white space separate tokens, {@code {} and {@code }} are tokens of their
   * own, quotes group, {@code %} outside quotes starts a comment.
   */
  static List<Token> tokenize(String s, long line) throws ArffFormatException {
    List<Token> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == ',' || Character.isWhitespace(c)) {
        i++;
      } else if (c == '%') {
        break;
      } else if (c == '{' || c == '}') {
        out.add(new Token(String.valueOf(c), false));
        i++;
      } else if (c == '\'' || c == '"') {
        StringBuilder b = new StringBuilder();
        int j = i + 1;
        boolean closed = false;
        while (j < n) {
          char d = s.charAt(j);
          if (d == '\\' && j + 1 < n) {
            char e = s.charAt(j + 1);
            switch (e) {
              case 'n':
                b.append('\n');
                break;
              case 't':
                b.append('\t');
                break;
              case 'r':
                b.append('\r');
                break;
              default:
                b.append(e);
            }
            j += 2;
          } else if (d == c) {
            closed = true;
            j++;
            break;
          } else {
            b.append(d);
            j++;
          }
        }
        if (!closed) {
          throw new ArffFormatException(line, "quote " + c + " opened at column " + (i + 1) + " is never closed");
        }
        out.add(new Token(b.toString(), true));
        i = j;
      } else {
        int j = i;
        while (j < n) {
          char d = s.charAt(j);
          if (d == ',' || Character.isWhitespace(d) || d == '{' || d == '}' || d == '%' || d == '\'' || d == '"') {
            break;
          }
          j++;
        }
        out.add(new Token(s.substring(i, j), false));
        i = j;
      }
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** A header error, fatal for the file; names the line. */
  public static final class ArffFormatException extends IOException {
    private final long line;
    private final String reason;

    public ArffFormatException(long line, String reason) {
      super("line " + line + ": " + reason);
      this.line = line;
      this.reason = reason;
    }

    public long line() {
      return line;
    }

    public String reason() {
      return reason;
    }
  }
}
