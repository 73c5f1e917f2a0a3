package dev.trainset.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The unit of work of a batch run: a whole file, or the lines of an uncompressed file that start in the bytes {@code
 * [start, end)} ({@link SliceInput} finds them). Slices are numbered across the whole input in file order, then byte
 * order; the number names the files written from the slice, so the same input gives the same files on every runner.
 *
 * @param index the slice's number in the run (0-based)
 * @param path the file
 * @param start the first byte (a line that starts at or after it is the slice's; 0 for a whole file)
 * @param end the byte after the last line start the slice owns ({@code -1} for a whole file)
 * @param firstLine the number of the slice's first line in its file (1-based), or 0 when not known yet
 */
public record FileSlice(int index, String path, long start, long end, long firstLine) implements java.io.Serializable {
  public FileSlice {
    Objects.requireNonNull(path, "path");
  }

  public static FileSlice whole(int index, String path) {
    return new FileSlice(index, path, 0, -1, 1);
  }

  public boolean isWhole() {
    return end < 0;
  }

  /** Whether the slice starts at the beginning of its file (and so holds its header and byte-order mark). */
  public boolean isFirstOfFile() {
    return start == 0;
  }

  public FileSlice withFirstLine(long line) {
    return new FileSlice(index, path, start, end, line);
  }

  @Override
  public String toString() {
    return isWhole() ? path : path + "[" + start + ".." + end + ")" + (firstLine > 0 ? " from line " + firstLine : "");
  }

  /** A deterministic coder. */
  public static final class Coder extends AtomicCoder<FileSlice> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(FileSlice s, OutputStream out) throws IOException {
      VarIntCoder.of().encode(s.index, out);
      StringUtf8Coder.of().encode(s.path, out);
      VarLongCoder.of().encode(s.start, out);
      VarLongCoder.of().encode(s.end, out);
      VarLongCoder.of().encode(s.firstLine, out);
    }

    @Override
    public FileSlice decode(InputStream in) throws IOException {
      return new FileSlice(
              VarIntCoder.of().decode(in),
              StringUtf8Coder.of().decode(in),
              VarLongCoder.of().decode(in),
              VarLongCoder.of().decode(in),
              VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
