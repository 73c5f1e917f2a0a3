package dev.trainset.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The bytes of one {@link FileSlice}: a whole file, decompressed as its extension says, or the lines of a file that
 * start in {@code [start, end)}. A line starts at byte 0 and after every line break (LF, CRLF, or a CR on its own), so
 * each worker finds the same boundaries without a scan of the file beforehand: a slice skips the rest of the line it
 * starts in (the previous slice reads it) and reads on past {@code end} to the end of its last line. Works through
 * Beam's file systems (local paths, {@code s3://}, {@code azfs://}).
 *
 * <p>Optionally counts, in the bytes it returns, line breaks (so later slices learn the number of their first line)
 * and quote bytes (a CSV slice boundary is only safe where the quotes before it pair up).
 */
public final class SliceInput extends InputStream {
  private static final int BUFFER = 1 << 16;

  /** Below this many decompressed bytes a file is never too inflated (small files compress very well). */
  static final long INFLATION_FLOOR = 64L << 20;
  private final InputStream in;
  private final long[] raw;
  private final String path;
  private long maxInflation; // decompressed bytes per compressed byte allowed, or 0 for no limit // raw[0]: the file offset after the last byte read from the file (before decompression)
  private final boolean bounded;
  private final long end;
  private final boolean count;
  private final int quote;
  private final byte[] buf;
  private int pos;
  private int len;
  private long offset; // file offset of buf[0]
  private int prev = -1; // the byte before the next one, or -1
  private boolean done;
  private long firstByte;
  private long lineBreaks;
  private long quotes;
  private boolean countPrevCr;

  private SliceInput(InputStream in, long[] raw, String path, boolean bounded, long start, long end, boolean count, int quote) {
    this(in, raw, path, bounded, start, end, count, quote, BUFFER);
  }

  private SliceInput(InputStream in, long[] raw, String path, boolean bounded, long start, long end, boolean count, int quote, int buffer) {
    this.buf = new byte[buffer];
    this.in = in;
    this.raw = raw;
    this.path = path;
    this.bounded = bounded;
    this.offset = start;
    this.end = end;
    this.count = count;
    this.quote = quote;
  }

  /**
   * @param count whether to count line breaks and quote bytes
   * @param quote the quote byte to count, or -1
   */
  public static SliceInput open(FileSlice slice, boolean count, int quote) throws IOException {
    return open(slice, count, quote, 0);
  }

  /**
   * @param maxInflation for a compressed file, the most decompressed bytes per compressed byte it may give (past
   *     {@link #INFLATION_FLOOR}), or 0 for no limit: a decompression bomb stops with an error instead of feeding
   *     gigabytes to the parser
   */
  public static SliceInput open(FileSlice slice, boolean count, int quote, long maxInflation) throws IOException {
    ResourceId id = FileSystems.matchNewResource(slice.path(), false);
    if (slice.isWhole()) {
      long[] raw = new long[1];
      ReadableByteChannel ch = Compression.detect(id.getFilename()).readDecompressed(new Counting(FileSystems.open(id), raw));
      SliceInput s = new SliceInput(Channels.newInputStream(ch), raw, slice.path(), false, 0, Long.MAX_VALUE, count, quote);
      if (Compression.detect(id.getFilename()) != Compression.UNCOMPRESSED) {
        s.maxInflation = maxInflation;
      }
      return s;
    }
    ReadableByteChannel opened = FileSystems.open(id);
    if (!(opened instanceof SeekableByteChannel)) {
      opened.close();
      throw new IOException(slice.path() + " cannot be read from an offset; read it whole");
    }
    SeekableByteChannel ch = (SeekableByteChannel) opened;
    long from = Math.max(0, slice.start() - 1);
    ch.position(from);
    long[] raw = {from};
    SliceInput s = new SliceInput(Channels.newInputStream(new Counting(ch, raw)), raw, slice.path(), true, from, slice.end(), count, quote);
    s.skipToFirstLine(slice.start());
    return s;
  }

  /** In-memory bytes read as a whole file named {@code path} (a batch of stream messages). */
  public static SliceInput of(byte[] bytes, int length, String path) {
    return new SliceInput(
        new java.io.ByteArrayInputStream(bytes, 0, length), new long[1], path, false, 0, Long.MAX_VALUE, false, -1, Math.min(BUFFER, length + 1));
  }

  /**
   * The file offset where line {@code line} of an uncompressed file starts, found by counting the line breaks of the
   * slice that holds it (for the report of a failed read, not the hot path); -1 for a compressed file, or when the
   * slice's first line is not known.
   */
  public static long offsetOfLine(FileSlice slice, long line) throws IOException {
    if (Compression.detect(FileSystems.matchNewResource(slice.path(), false).getFilename()) != Compression.UNCOMPRESSED
        || slice.firstLine() <= 0 || line < slice.firstLine()) {
      return -1;
    }
    long target = line - slice.firstLine();
    if (target == 0) {
      try (SliceInput in = open(slice, false, -1)) {
        return in.firstByte();
      }
    }
    try (SliceInput in = open(slice, false, -1)) {
      long at = in.firstByte();
      long breaks = 0;
      boolean cr = false;
      byte[] b = new byte[BUFFER];
      int n;
      while ((n = in.read(b, 0, b.length)) > 0) {
        for (int k = 0; k < n; k++, at++) {
          byte x = b[k];
          if (cr) {
            cr = false;
            if (breaks == target) {
              return x == '\n' ? at + 1 : at; // after CRLF, or after a CR on its own
            }
          }
          if (x == '\n') {
            if (++breaks == target) {
              return at + 1;
            }
          } else if (x == '\r') {
            breaks++;
            cr = true;
          }
        }
      }
      return cr && breaks == target ? at : -1;
    }
  }

  /** Moves to the first line that starts at or after {@code start}. */
  private void skipToFirstLine(long start) throws IOException {
    if (start == 0) {
      firstByte = 0;
      return;
    }
    // buf[0] is byte start-1: a line starts at p when byte p-1 is LF, or CR not followed by LF.
    while (true) {
      if (pos == len && !fill()) {
        firstByte = offset + pos;
        done = true;
        return;
      }
      long p = offset + pos;
      int b = buf[pos] & 0xFF;
      if (p >= start && prev >= 0 && (prev == '\n' || (prev == '\r' && b != '\n'))) {
        break;
      }
      prev = b;
      pos++;
    }
    firstByte = offset + pos;
    if (firstByte >= end) {
      done = true;
    }
  }

  private boolean fill() throws IOException {
    offset += len;
    pos = 0;
    len = 0;
    int n;
    while ((n = in.read(buf, 0, buf.length)) == 0) {
      // a channel may return 0 bytes; keep asking
    }
    if (n < 0) {
      return false;
    }
    len = n;
    long inflated = offset + len;
    if (maxInflation > 0 && inflated > INFLATION_FLOOR && inflated > maxInflation * Math.max(1, raw[0])) {
      throw new IOException(
          path + ": decompresses to more than " + maxInflation + " times its compressed size (" + inflated + " bytes from "
              + raw[0] + "; input.limits.inflation)");
    }
    return true;
  }

  /** The file offset of the slice's first byte. */
  /** The size of this input's buffer (readers on top of it need no bigger one). */
  public int bufferSize() {
    return buf.length;
  }

  public long firstByte() {
    return firstByte;
  }

  /**
   * The file offset just after the last byte read from the file so far (of the compressed bytes, for a compressed
   * file): with read-ahead, a little past what was returned.
   */
  public long rawPosition() {
    return raw[0];
  }

  /** Line breaks in the bytes returned so far (LF, CRLF and a lone CR count one each). */
  public long lineBreaks() {
    return lineBreaks;
  }

  /** Quote bytes in the bytes returned so far. */
  public long quotes() {
    return quotes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int want) throws IOException {
    if (done) {
      return -1;
    }
    if (pos == len && !fill()) {
      done = true;
      return -1;
    }
    int n = Math.min(want, len - pos);
    if (bounded && offset + pos + n > end) {
      n = boundedLength(n);
      if (n == 0) {
        done = true;
        return -1;
      }
    }
    System.arraycopy(buf, pos, b, off, n);
    if (count) {
      count(buf, pos, n);
    }
    prev = buf[pos + n - 1] & 0xFF;
    pos += n;
    return n;
  }

  /** How many of the next {@code n} buffered bytes belong to the slice: up to the first line start at or after end. */
  private int boundedLength(int n) throws IOException {
    int p = prev;
    for (int i = 0; i < n; i++) {
      long at = offset + pos + i;
      int b = buf[pos + i] & 0xFF;
      if (at >= end && p >= 0 && (p == '\n' || (p == '\r' && b != '\n'))) {
        return i;
      }
      p = b;
    }
    return n;
  }

  private void count(byte[] b, int from, int n) {
    boolean cr = countPrevCr;
    long breaks = 0;
    long q = 0;
    for (int i = from; i < from + n; i++) {
      byte x = b[i];
      if (x == '\n') {
        if (!cr) {
          breaks++;
        }
        cr = false;
      } else if (x == '\r') {
        breaks++;
        cr = true;
      } else {
        cr = false;
        if (x == quote) {
          q++;
        }
      }
    }
    countPrevCr = cr;
    lineBreaks += breaks;
    quotes += q;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** A seekable channel as a stream (Channels.newInputStream would synchronise every read). */
  /** A channel that adds the bytes read from it to {@code raw[0]}. */
  private static final class Counting implements ReadableByteChannel {
    private final ReadableByteChannel ch;
    private final long[] raw;

    Counting(ReadableByteChannel ch, long[] raw) {
      this.ch = ch;
      this.raw = raw;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n = ch.read(dst);
      if (n > 0) {
        raw[0] += n;
      }
      return n;
    }

    @Override
    public boolean isOpen() {
      return ch.isOpen();
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
