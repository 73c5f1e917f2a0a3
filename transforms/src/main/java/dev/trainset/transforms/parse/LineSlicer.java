package dev.trainset.transforms.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans how a text file can be read in parallel: one sequential scan of its bytes finds line boundaries (LF, CRLF,
 * CR) and, for CSV, tracks quote parity. When no quoted field spans a line break, the file is cut into slices of about
 * {@code targetBytes} that start and end on line boundaries, each with the number of its first line, so readers of
 * different slices report the same line numbers a sequential reader would. When a quoted field does span lines, the
 * file cannot be cut safely and the plan is one slice: the whole file.
 *
 * <p>The scan is conservative: a quote character inside an unquoted field (which CSV parsers read literally) also
 * flips the parity, which at worst makes a splittable file read sequentially, never the reverse.
 */
public final class LineSlicer {
  /** A slice of a file: bytes [start, end), whose first line has number {@code firstLine} (1-based). */
  public record Slice(long start, long end, long firstLine) {}

  private LineSlicer() {}

  /**
   * @param quote the CSV quote byte, or -1 when line breaks cannot occur inside values (JSON Lines)
   * @param escape the CSV escape byte, or -1 for none
   */
  public static List<Slice> plan(InputStream in, long targetBytes, int quote, int escape) throws IOException {
    List<Slice> slices = new ArrayList<>();
    byte[] buf = new byte[1 << 16];
    long pos = 0;
    long line = 1;
    long sliceStart = 0;
    long sliceLine = 1;
    boolean quoted = false;
    boolean escaped = false;
    boolean prevCr = false;
    int n;
    while ((n = in.read(buf)) > 0) {
      for (int i = 0; i < n; i++, pos++) {
        int b = buf[i];
        if (prevCr) {
          prevCr = false;
          if (b == '\n') {
            // the LF of a CRLF: the line break ends after it
            if (!quoted) {
              long next = pos + 1;
              if (next - sliceStart >= targetBytes) {
                slices.add(new Slice(sliceStart, next, sliceLine));
                sliceStart = next;
                sliceLine = line;
              }
            }
            continue;
          }
          // a lone CR ended the previous line before this byte
          if (!quoted && pos - sliceStart >= targetBytes) {
            slices.add(new Slice(sliceStart, pos, sliceLine));
            sliceStart = pos;
            sliceLine = line;
          }
        }
        if (escaped) {
          escaped = false;
          continue;
        }
        if (b == escape && quoted) {
          escaped = true;
        } else if (b == quote) {
          quoted = !quoted;
        } else if (b == '\n' || b == '\r') {
          if (quoted) {
            return List.of(); // a quoted field spans lines: not splittable
          }
          line++;
          if (b == '\r') {
            prevCr = true;
          } else {
            long next = pos + 1;
            if (next - sliceStart >= targetBytes) {
              slices.add(new Slice(sliceStart, next, sliceLine));
              sliceStart = next;
              sliceLine = line;
            }
          }
        }
      }
    }
    if (quoted) {
      return List.of();
    }
    if (pos > sliceStart || slices.isEmpty()) {
      slices.add(new Slice(sliceStart, pos, sliceLine));
    }
    return slices;
  }
}
