package dev.trainset.transforms.io;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A part of one input file that one worker reads: the whole file, or the bytes [start, end) of an uncompressed file
 * cut on line boundaries (see {@link dev.trainset.transforms.parse.LineSlicer}), with the number of its first line
 * and, for slices after the first, the file's column names.
 */
public final class FileSlice implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final boolean whole;
  private final long start;
  private final long end;
  private final long firstLine;
  private final List<String> header;

  private FileSlice(String path, boolean whole, long start, long end, long firstLine, List<String> header) {
    this.path = path;
    this.whole = whole;
    this.start = start;
    this.end = end;
    this.firstLine = firstLine;
    this.header = header == null ? null : List.copyOf(header);
  }

  public static FileSlice whole(String path) {
    return new FileSlice(path, true, 0, -1, 1, null);
  }

  public static FileSlice of(String path, long start, long end, long firstLine, List<String> header) {
    return new FileSlice(path, false, start, end, firstLine, header);
  }

  public String path() {
    return path;
  }

  public boolean isWhole() {
    return whole;
  }

  /** Whether this slice starts at the beginning of the file (and so holds its header, if any). */
  public boolean isFirst() {
    return whole || start == 0;
  }

  public long firstLine() {
    return firstLine;
  }

  public List<String> header() {
    return header;
  }

  /** The format that reads this slice: the file's own for the first slice, one that starts after the header otherwise. */
  public FileFormat formatFor(FileFormat format) {
    return isFirst() ? format : format.forSlice(header, firstLine);
  }

  /** Opens the slice as UTF-8 text; a whole file is decompressed as its extension says. */
  public Reader openText() throws IOException {
    ResourceId id = FileSystems.matchNewResource(path, false);
    InputStream in;
    if (whole) {
      ReadableByteChannel ch = Compression.detect(id.getFilename()).readDecompressed(FileSystems.open(id));
      in = Channels.newInputStream(ch);
    } else {
      SeekableByteChannel ch = (SeekableByteChannel) FileSystems.open(id);
      ch.position(start);
      in = new Bounded(Channels.newInputStream(ch), end - start);
    }
    return new InputStreamReader(new BufferedInputStream(in, 1 << 16), StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FileSlice)) {
      return false;
    }
    FileSlice f = (FileSlice) o;
    return whole == f.whole
        && start == f.start
        && end == f.end
        && firstLine == f.firstLine
        && path.equals(f.path)
        && java.util.Objects.equals(header, f.header);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(path, whole, start, end, firstLine, header);
  }

  @Override
  public String toString() {
    return whole ? path : path + "[" + start + ".." + end + ") from line " + firstLine;
  }

  /** An input stream that ends after a number of bytes. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
