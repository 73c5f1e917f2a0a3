package dev.trainset.transforms.parse;

import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads RFC 4180 CSV with Apache Commons CSV: quoted fields may hold delimiters, doubled quotes and line breaks; LF,
 * CRLF and CR line ends; blank lines skipped; a UTF-8 byte-order mark dropped. Each record carries the line its first
 * character is on, and a record with the wrong number of fields comes back bad with its exact raw text.
 *
 * <p>Values equal to a missing token become null. The values array is aligned with {@link #columns()}.
 */
public final class CsvRecordReader implements RecordReader<String[]> {
  private static final Pattern START_LINE = Pattern.compile("\\(startline (\\d+)\\)");

  private final RecordingReader rec;
  private final Iterator<CSVRecord> records;
  private final Set<String> missing;
  private final int longestMissing;
  private final List<String> columns;
  private final int width;
  private final ArrayDeque<SourceRecord<String[]>> ready = new ArrayDeque<>();
  private CSVRecord firstData;
  private long pendingStart = -1;
  private long pendingLine;
  private String pendingError;
  private long lastPosition;

  private CsvRecordReader(Reader reader, CsvSettings settings, long firstLine) throws IOException {
    this.rec = new RecordingReader(Bom.skip(reader), firstLine);
    char delimiter = settings.delimiter() == null ? ',' : settings.delimiter();
    CSVFormat format =
        CSVFormat.RFC4180
            .builder()
            .setDelimiter(delimiter)
            .setQuote(settings.quote())
            .setEscape(settings.escape())
            .setIgnoreSurroundingSpaces(settings.trim())
            .setIgnoreEmptyLines(true)
            .setTrailingData(true)
            .build();
    CSVParser parser = new CSVParser(rec, format);
    this.records = parser.iterator();
    this.missing = settings.missing();
    this.longestMissing = missing.stream().mapToInt(String::length).max().orElse(-1);

    List<String> names;
    if (settings.header()) {
      CSVRecord header = nextRaw();
      if (header == null) {
        names = List.of();
      } else {
        names = new ArrayList<>(header.size());
        for (String h : header) {
          names.add(h.trim());
        }
      }
      if (!settings.columnNames().isEmpty()) {
        if (header != null && settings.columnNames().size() != names.size()) {
          throw new IllegalArgumentException(
              "input.csv.columns names "
                  + settings.columnNames().size()
                  + " columns but the header has "
                  + names.size());
        }
        names = settings.columnNames();
      }
    } else if (!settings.columnNames().isEmpty()) {
      names = settings.columnNames();
    } else {
      firstData = nextRaw();
      int n = firstData == null ? 0 : firstData.size();
      names = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        names.add("c" + i);
      }
    }
    this.columns = uniqueNames(names);
    this.width = columns.size();
  }

  /** Opens a reader over CSV text; reads the header (or the first record when there is none) at once. */
  public static CsvRecordReader open(Reader reader, CsvSettings settings) throws IOException {
    return new CsvRecordReader(reader, settings, 1);
  }

  /** Opens a reader over a slice of a file whose first line is line {@code firstLine} of the file. */
  public static CsvRecordReader open(Reader reader, CsvSettings settings, long firstLine) throws IOException {
    return new CsvRecordReader(reader, settings, firstLine);
  }

  /** Column names: the header's (trimmed, blanks named {@code cN}, duplicates suffixed), configured ones or c0..cN. */
  public List<String> columns() {
    return columns;
  }

  @Override
  public SourceRecord<String[]> next() throws IOException {
    while (ready.isEmpty()) {
      CSVRecord r;
      if (firstData != null) {
        r = firstData;
        firstData = null;
      } else {
        r = nextRaw();
      }
      if (r == null) {
        flushPending(rec.end());
        break;
      }
      long p = r.getCharacterPosition();
      flushPending(p);
      long start = rec.advanceToContent(p);
      long line = rec.line();
      rec.discardBefore(start);
      accept(r, start, line);
    }
    SourceRecord<String[]> out = ready.poll();
    if (out != null) {
      lastPosition = out.position();
    }
    return out;
  }

  @Override
  public long lastPosition() {
    return lastPosition;
  }

  private void accept(CSVRecord r, long start, long line) {
    int n = r.size();
    if (n != width) {
      if (n == 1 && r.get(0).isEmpty()) {
        return; // a line of spaces only: as blank as a blank line
      }
      pendingStart = start;
      pendingLine = line;
      pendingError = "expected " + width + " fields, found " + n;
      return;
    }
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      String v = r.get(i);
      // Only values as short as a missing token can be one: skips hashing almost every value.
      values[i] = v.length() <= longestMissing && missing.contains(v) ? null : v;
    }
    ready.add(SourceRecord.ok(line, values));
  }

  private void flushPending(long end) {
    if (pendingStart >= 0) {
      ready.add(SourceRecord.bad(pendingLine, rec.slice(pendingStart, end), pendingError));
      pendingStart = -1;
    }
  }

  private CSVRecord nextRaw() throws IOException {
    try {
      return records.hasNext() ? records.next() : null;
    } catch (UncheckedIOException e) {
      throw describe(e.getCause());
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof IOException) {
        throw describe((IOException) e.getCause());
      }
      throw e;
    }
  }

  private IOException describe(IOException e) {
    String msg = String.valueOf(e.getMessage());
    if (e instanceof EOFException || msg.toLowerCase(Locale.ROOT).contains("zlib")) {
      return new IOException(
          "truncated or corrupt compressed stream after line " + lastPosition + " (" + msg + ")", e);
    }
    Matcher m = START_LINE.matcher(msg);
    if (msg.contains("EOF reached before encapsulated token finished") && m.find()) {
      return new IOException(
          "line " + m.group(1) + ": a quoted field opened on this line is never closed; the rest of the file was not read",
          e);
    }
    return new IOException("malformed CSV after line " + lastPosition + ": " + msg, e);
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
    rec.close();
  }
}
