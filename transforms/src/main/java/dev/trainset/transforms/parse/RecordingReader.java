package dev.trainset.transforms.parse;

import java.io.IOException;
import java.io.Reader;

/**
 * A reader that keeps what it has handed out, so a caller that knows record boundaries as character positions (as
 * Commons CSV reports them) can recover the exact raw text and line number of a record. Keeps only the text from the
 * oldest position still needed ({@link #discardBefore}).
 */
final class RecordingReader extends Reader {
  private static final int COMPACT_AT = 1 << 16;

  private final Reader in;
  private char[] buf = new char[1 << 16];
  private int len;
  private long bufStart;

  // Line tracking: the 1-based line number at trackedPos.
  private long trackedPos;
  private long trackedLine = 1;
  private boolean prevWasCr;

  RecordingReader(Reader in, long firstLine) {
    this.in = in;
    this.trackedLine = firstLine;
  }

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    int n = in.read(cbuf, off, len);
    if (n > 0) {
      if (this.len + n > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, this.len + n));
      }
      System.arraycopy(cbuf, off, buf, this.len, n);
      this.len += n;
    }
    return n;
  }

  /** Absolute position just after the last character read. */
  long end() {
    return bufStart + len;
  }

  /**
   * Moves the line tracker to {@code pos}, then past any line breaks there (blank lines a CSV parser skipped), and
   * returns that position; {@link #line()} is then the line number of the character at it.
   */
  long advanceToContent(long pos) {
    advance(pos);
    long p = pos;
    long end = end();
    while (p < end) {
      char c = buf[(int) (p - bufStart)];
      if (c != '\r' && c != '\n') {
        break;
      }
      p++;
    }
    advance(p);
    return p;
  }

  private void advance(long pos) {
    long end = Math.min(pos, end());
    char[] b = buf;
    int base = (int) (trackedPos - bufStart);
    for (long p = trackedPos; p < end; p++) {
      char c = b[base++];
      if (c == '\r') {
        trackedLine++;
        prevWasCr = true;
      } else {
        if (c == '\n' && !prevWasCr) {
          trackedLine++;
        }
        prevWasCr = false;
      }
    }
    trackedPos = Math.max(trackedPos, end);
  }

  long line() {
    return trackedLine;
  }

  /** The text between two absolute positions, without trailing line breaks. */
  String slice(long from, long to) {
    int a = (int) (Math.max(from, bufStart) - bufStart);
    int b = (int) (Math.min(to, end()) - bufStart);
    while (b > a && (buf[b - 1] == '\n' || buf[b - 1] == '\r')) {
      b--;
    }
    return new String(buf, a, Math.max(0, b - a));
  }

  /** Forgets text before {@code pos} (amortised: compacts only when enough can be dropped). */
  void discardBefore(long pos) {
    long drop = Math.min(pos, trackedPos) - bufStart;
    if (drop >= COMPACT_AT) {
      System.arraycopy(buf, (int) drop, buf, 0, len - (int) drop);
      len -= (int) drop;
      bufStart += drop;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
