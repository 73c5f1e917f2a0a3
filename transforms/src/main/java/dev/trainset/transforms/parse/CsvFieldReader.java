package dev.trainset.transforms.parse;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.RecordWrapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads RFC 4180 CSV with FastCSV and hands out each record's fields as ranges of one reused {@code char[]}, so a
 * reader that types values directly from the characters allocates nothing per value. Quoted fields may hold the
 * delimiter, doubled quotes and line breaks; LF, CRLF and CR line ends; blank lines and lines of spaces are skipped; a
 * leading byte-order mark is dropped. With {@code trim}, space around unquoted values is dropped, and a value that is
 * quoted inside that space ({@code , "x" ,}) is unquoted, as Apache Commons CSV's {@code ignoreSurroundingSpaces} did.
 * A value equal to a missing token is missing.
 *
 * <p>A record carries the line its first character is on. One with the wrong number of fields comes back bad, with its
 * fields rendered as CSV again as its raw text. A quote opened and never closed swallows the rest of the input into
 * one field: that is an {@link IOException} naming the line, since nothing after it can be read.
 */
public final class CsvFieldReader implements Closeable {
  private final TailReader tail;
  private final CsvReader<Fields> csv;
  private final CloseableIterator<Fields> records;
  private final Fields fields = new Fields();
  private final char delimiter;
  private final char quote;
  private final boolean trim;
  private final char[][] missingTokens;
  private final int longestMissing;
  private final long lineOffset;
  private final List<String> columns;
  private final int width;
  private boolean pendingFirst;
  private final ReadLimits limits;
  private boolean bad;
  private String badReason;

  private CsvFieldReader(Reader reader, CsvSettings settings, long firstLine, boolean atFileStart, ReadLimits limits)
      throws IOException {
    this.limits = limits;
    this.tail = new TailReader(atFileStart ? Bom.skip(reader) : reader);
    this.delimiter = settings.delimiter() == null ? ',' : settings.delimiter();
    this.quote = settings.quote();
    this.trim = settings.trim();
    this.lineOffset = firstLine - 1;
    this.missingTokens = new char[settings.missing().size()][];
    int i = 0;
    int longest = -1;
    for (String m : settings.missing()) {
      missingTokens[i++] = m.toCharArray();
      longest = Math.max(longest, m.length());
    }
    this.longestMissing = longest;
    this.csv =
        CsvReader.builder()
            .fieldSeparator(delimiter)
            .quoteCharacter(quote)
            .commentStrategy(CommentStrategy.NONE)
            .skipEmptyLines(true)
            .ignoreDifferentFieldCount(true)
            .acceptCharsAfterQuotes(true)
            .build(fields, tail);
    this.records = csv.iterator();

    List<String> names;
    if (settings.header()) {
      names = new ArrayList<>();
      if (advance()) {
        for (int k = 0; k < fields.count; k++) {
          names.add(new String(fields.chars, fields.start[k], fields.length[k]).trim());
        }
      }
      if (!settings.columnNames().isEmpty()) {
        if (!names.isEmpty() && settings.columnNames().size() != names.size()) {
          throw new IllegalArgumentException(
              "input.csv.columns names " + settings.columnNames().size() + " columns but the header has " + names.size());
        }
        names = settings.columnNames();
      }
    } else if (!settings.columnNames().isEmpty()) {
      names = settings.columnNames();
    } else {
      names = new ArrayList<>();
      if (advance()) {
        for (int k = 0; k < fields.count; k++) {
          names.add("c" + k);
        }
        pendingFirst = true;
      }
    }
    this.columns = uniqueNames(names);
    this.width = columns.size();
  }

  /** A reader over a whole file (or its first slice), with the default limits. */
  public static CsvFieldReader open(Reader reader, CsvSettings settings) throws IOException {
    return open(reader, settings, ReadLimits.DEFAULTS);
  }

  /** A reader over a whole file (or its first slice): a BOM is dropped and a header read as the settings say. */
  public static CsvFieldReader open(Reader reader, CsvSettings settings, ReadLimits limits) throws IOException {
    return new CsvFieldReader(reader, settings, 1, true, limits);
  }

  /**
   * A reader over a slice of a file that starts at line {@code firstLine}, after the header: the columns are the
   * given names, and no header is read.
   */
  public static CsvFieldReader openSlice(
      Reader reader, CsvSettings settings, List<String> columns, long firstLine, ReadLimits limits) throws IOException {
    return new CsvFieldReader(reader, settings.withHeader(false).withColumnNames(columns), firstLine, false, limits);
  }

  /** Column names: the header's (trimmed, blanks named {@code cN}, duplicates suffixed), configured ones or c0..cN. */
  public List<String> columns() {
    return columns;
  }

  /** Moves to the next record; false at the end. */
  public boolean next() throws IOException {
    while (true) {
      if (pendingFirst) {
        pendingFirst = false;
      } else if (!advance()) {
        return false;
      }
      if (fields.count == 1 && fields.length[0] == 0 && !fields.quoted[0]) {
        continue; // a line of spaces only: as blank as a blank line
      }
      if (fields.overLimit()) {
        bad = true;
        badReason =
            fields.longField > 0
                ? "field " + fields.longField + " has " + fields.longFieldChars
                    + " characters, more than input.limits.fieldChars (" + limits.fieldChars() + ")"
                : limits.tooLong("this record", fields.recordLength);
      } else {
        bad = fields.total != width;
        badReason = bad ? "expected " + width + " fields, found " + fields.total : null;
      }
      return true;
    }
  }

  private boolean advance() throws IOException {
    try {
      if (!records.hasNext()) {
        return false;
      }
      records.next();
    } catch (UncheckedIOException e) {
      throw describe(e.getCause());
    } catch (CsvParseException e) {
      if (e.getCause() instanceof IOException) {
        throw describe((IOException) e.getCause());
      }
      Throwable why = e;
      while (why.getCause() != null && why.getCause() != why) {
        why = why.getCause(); // FastCSV wraps the reason ("field exceeds the maximum size…") in a generic message
      }
      throw new IOException("malformed CSV after line " + line() + ": " + why.getMessage(), e);
    }
    if (tail.eof && fields.count > 0 && fields.quoted[fields.count - 1] && !closedAtEnd()) {
      throw new IOException(
          "line " + line() + ": a quoted field opened on this line is never closed; the rest of the file was not read");
    }
    fields.finish();
    return true;
  }

  private IOException describe(IOException e) {
    String msg = e.getMessage() == null ? "the compressed data ends early" : e.getMessage();
    if (e instanceof java.io.EOFException || msg.toLowerCase(java.util.Locale.ROOT).contains("zlib")) {
      return new IOException("truncated or corrupt compressed stream after line " + line() + " (" + msg + ")", e);
    }
    return e;
  }

  /**
   * Whether the last field of the record read at the end of the input was closed. Its text (quotes undoubled) ends
   * with {@code k} quotes; closed, the input then ends with {@code 2k+1} quotes (one more when the opening quote
   * touches them), open with {@code 2k}. When the input ends in other characters, text after a closing quote and an
   * unclosed field look the same: the field is taken as unclosed when it holds a line break (it swallowed lines).
   */
  private boolean closedAtEnd() {
    int last = fields.count - 1;
    int s = fields.rawStart[last];
    int n = fields.rawLength[last];
    int k = 0;
    while (k < n && fields.chars[s + n - 1 - k] == quote) {
      k++;
    }
    int run = tail.trailingQuotes(quote);
    if (run == 0) {
      for (int j = s; j < s + n; j++) {
        if (fields.chars[j] == '\n' || fields.chars[j] == '\r') {
          return false;
        }
      }
      return true;
    }
    return run == 2 * k + 1 || (k == n && run == 2 * k + 2);
  }

  /** The line the current record starts on. */
  public long line() {
    return lineOffset + fields.line;
  }

  public boolean isBad() {
    return bad;
  }

  public String badReason() {
    return badReason;
  }

  /** The number of fields of the current record. */
  public int count() {
    return fields.count;
  }

  /** The characters of every field of the current record; field {@code i} is {@code [start(i), start(i)+length(i))}. */
  public char[] chars() {
    return fields.chars;
  }

  public int start(int i) {
    return fields.start[i];
  }

  public int length(int i) {
    return fields.length[i];
  }

  /** Whether field {@code i} equals a missing token. */
  public boolean isMissing(int i) {
    return fields.missing[i];
  }

  /** Whether {@code n} characters at {@code s} equal a missing token (checked once per field, when a record is read). */
  private boolean missingToken(char[] c, int s, int n) {
    if (n > longestMissing) {
      return false;
    }
    for (char[] m : missingTokens) {
      if (m.length == n) {
        int k = 0;
        while (k < n && c[s + k] == m[k]) {
          k++;
        }
        if (k == n) {
          return true;
        }
      }
    }
    return false;
  }

  /** Field {@code i} as a String. */
  public String text(int i) {
    return new String(fields.chars, fields.start[i], fields.length[i]);
  }

  /**
   * The current record as CSV text again (missing values as they were), for rejected records; only its first {@link
   * ReadLimits#KEPT_CHARS} characters when it is over a limit.
   */
  public String raw() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.count && (!fields.overLimit() || b.length() < ReadLimits.KEPT_CHARS); i++) {
      if (i > 0) {
        b.append(delimiter);
      }
      String v = text(i);
      boolean needs = v.indexOf(delimiter) >= 0 || v.indexOf(quote) >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
      if (needs) {
        String q = String.valueOf(quote);
        b.append(quote).append(v.replace(q, q + q)).append(quote);
      } else {
        b.append(v);
      }
    }
    if (fields.overLimit() && b.length() > ReadLimits.KEPT_CHARS) {
      b.setLength(ReadLimits.KEPT_CHARS);
    }
    return b.toString();
  }

  private static List<String> uniqueNames(List<String> names) {
    List<String> out = new ArrayList<>(names.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String base = names.get(i).isEmpty() ? "c" + i : names.get(i);
      String name = base;
      for (int k = 2; !seen.add(name); k++) {
        name = base + "_" + k;
      }
      out.add(name);
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }

  /** FastCSV's callback: copies each field's characters into one growing buffer (FastCSV reuses its own). */
  private final class Fields extends AbstractBaseCsvCallbackHandler<Fields> {
    char[] chars = new char[1024];
    int used;
    int[] start = new int[16];
    int[] length = new int[16];
    int[] rawStart = new int[16];
    int[] rawLength = new int[16];
    boolean[] quoted = new boolean[16];
    boolean[] missing = new boolean[16];
    int count; // fields kept: at most one more than the column limit
    int total; // fields in the record
    long recordLength; // characters in the record
    int longField; // the first field (1-based) longer than the field limit, or 0
    int longFieldChars;
    long line;

    @Override
    protected void handleBegin(long startingLineNumber) {
      used = 0;
      count = 0;
      total = 0;
      recordLength = 0;
      longField = 0;
      line = startingLineNumber;
    }

    @Override
    protected void handleField(int index, char[] buf, int offset, int len, boolean isQuoted) {
      boolean wasOver = overLimit();
      total++;
      recordLength += len + (total > 1 ? 1 : 0);
      if (len > limits.fieldChars() && longField == 0) {
        longField = total;
        longFieldChars = len;
      }
      if (wasOver || count > limits.columns()) {
        return; // the record is rejected; its first fields are kept (a header this wide fails the column limit)
      }
      if (overLimit()) {
        len = Math.max(0, Math.min(len, ReadLimits.KEPT_CHARS - used)); // keep the start of the field that crossed
      }
      if (count == start.length) {
        int n = count * 2;
        start = Arrays.copyOf(start, n);
        length = Arrays.copyOf(length, n);
        rawStart = Arrays.copyOf(rawStart, n);
        rawLength = Arrays.copyOf(rawLength, n);
        quoted = Arrays.copyOf(quoted, n);
        missing = Arrays.copyOf(missing, n);
      }
      if (used + len > chars.length) {
        chars = Arrays.copyOf(chars, Math.max(chars.length * 2, used + len));
      }
      System.arraycopy(buf, offset, chars, used, len);
      rawStart[count] = used;
      rawLength[count] = len;
      quoted[count] = isQuoted;
      used += len;
      count++;
    }

    /** Whether the record is over the field or record size limit (then only its first fields are kept). */
    boolean overLimit() {
      return longField > 0 || recordLength > limits.recordChars();
    }

    /** Trims and unquotes, once the record is complete. */
    void finish() {
      for (int i = 0; i < count; i++) {
        int s = rawStart[i];
        int n = rawLength[i];
        if (trim && !quoted[i]) {
          while (n > 0 && chars[s] == ' ') {
            s++;
            n--;
          }
          while (n > 0 && chars[s + n - 1] == ' ') {
            n--;
          }
          if (n >= 2 && chars[s] == quote && chars[s + n - 1] == quote) {
            int w = s;
            for (int r = s + 1; r < s + n - 1; r++) {
              chars[w++] = chars[r];
              if (chars[r] == quote && r + 1 < s + n - 1 && chars[r + 1] == quote) {
                r++;
              }
            }
            n = w - s;
          }
        }
        start[i] = s;
        length[i] = n;
        missing[i] = missingToken(chars, s, n);
      }
    }

    @Override
    protected RecordWrapper<Fields> buildRecord() {
      return wrapRecord(this);
    }
  }

  /** Passes characters through and remembers the last ones, to see how the input ends. */
  private static final class TailReader extends Reader {
    private static final int KEEP = 256;
    private final Reader in;
    private final char[] last = new char[KEEP];
    private int kept;
    boolean eof;

    TailReader(Reader in) {
      this.in = in;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      int n = in.read(cbuf, off, len);
      if (n < 0) {
        eof = true;
        return n;
      }
      if (n >= KEEP) {
        System.arraycopy(cbuf, off + n - KEEP, last, 0, KEEP);
        kept = KEEP;
      } else if (n > 0) {
        int keep = Math.min(kept, KEEP - n);
        System.arraycopy(last, kept - keep, last, 0, keep);
        System.arraycopy(cbuf, off, last, keep, n);
        kept = keep + n;
      }
      return n;
    }

    /** Quotes at the very end of the input, after any line breaks are dropped. */
    int trailingQuotes(char quote) {
      int i = kept - 1;
      while (i >= 0 && (last[i] == '\n' || last[i] == '\r')) {
        i--;
      }
      int run = 0;
      while (i >= 0 && last[i] == quote) {
        run++;
        i--;
      }
      return run;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
