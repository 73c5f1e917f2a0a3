package dev.trainset.transforms.parse;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines as {@link java.io.BufferedReader#readLine} does ({@code \n}, {@code \r\n} or {@code \r} ends one), but
 * never holds more than a bounded prefix of a line: a line longer than {@code maxChars} is read to its end and only
 * its first characters are kept, so one endless line cannot exhaust memory.
 */
public final class LineReader implements Closeable {
  private final Reader in;
  private final int maxChars;
  private final int keepChars;
  private static final int MAX_BUFFER = 1 << 16;
  // Starts small and doubles while reads fill it, up to 64K chars: a file's reader grows at once, a one-message
  // reader (a stream) stays small instead of allocating 128 KB per message.
  private char[] buf = new char[1 << 10];
  private final StringBuilder line = new StringBuilder(256);
  private int pos;
  private int end;
  private boolean skipLf;
  private long length;

  /**
   * @param maxChars the longest line returned whole
   * @param keepChars how many characters of a longer line are kept
   */
  public LineReader(Reader in, int maxChars, int keepChars) {
    this.in = in;
    this.maxChars = maxChars;
    this.keepChars = Math.min(keepChars, maxChars);
  }

  /** The next line without its line break (only its first characters when {@link #tooLong}), or null at the end. */
  public String readLine() throws IOException {
    line.setLength(0);
    length = 0;
    boolean any = false;
    while (true) {
      if (pos == end) {
        if (end == buf.length && buf.length < MAX_BUFFER) {
          buf = new char[buf.length * 2];
        }
        end = in.read(buf, 0, buf.length);
        pos = 0;
        if (end <= 0) {
          end = 0;
          return any ? line.toString() : null;
        }
      }
      if (skipLf) {
        skipLf = false;
        if (buf[pos] == '\n') {
          pos++;
          continue;
        }
      }
      any = true;
      int start = pos;
      while (pos < end && buf[pos] != '\n' && buf[pos] != '\r') {
        pos++;
      }
      append(start, pos);
      if (pos < end) {
        skipLf = buf[pos] == '\r';
        pos++;
        return line.toString();
      }
    }
  }

  private void append(int from, int to) {
    int n = to - from;
    length += n;
    if (length <= maxChars) {
      line.append(buf, from, n);
      return;
    }
    if (line.length() > keepChars) {
      line.setLength(keepChars);
      line.trimToSize();
    }
    int room = keepChars - line.length();
    if (room > 0) {
      line.append(buf, from, Math.min(n, room));
    }
  }

  /** The length in characters of the last line read, all of it. */
  public long length() {
    return length;
  }

  /** Whether the last line read was longer than the limit (and so cut to its first characters). */
  public boolean tooLong() {
    return length > maxChars;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
