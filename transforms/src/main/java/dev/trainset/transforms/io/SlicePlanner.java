package dev.trainset.transforms.io;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;

/**
 * Cuts a run's files into {@link FileSlice}s by arithmetic alone (no byte of the data is read): a file whose lines
 * are records (CSV, JSON Lines), uncompressed, seekable and larger than the target becomes slices of about {@code
 * targetBytes} each; any other file is one slice. Slices are numbered in file order, then byte order.
 */
public final class SlicePlanner {
  /** About 16 MB per slice: a few per core for a 100 MB file, and few enough output files for a large one. */
  public static final long DEFAULT_SLICE_BYTES = 16L * 1024 * 1024;

  private SlicePlanner() {}

  /**
   * @param files the inputs, in the run's order
   * @param lineRecords whether the format's records may be cut on line boundaries
   */
  public static List<FileSlice> plan(List<Metadata> files, boolean lineRecords, long targetBytes) {
    List<FileSlice> out = new ArrayList<>();
    for (Metadata f : files) {
      String path = f.resourceId().toString();
      long size = f.sizeBytes();
      boolean cut =
          lineRecords
              && size > targetBytes
              && f.isReadSeekEfficient()
              && Compression.detect(f.resourceId().getFilename()) == Compression.UNCOMPRESSED;
      if (!cut) {
        out.add(FileSlice.whole(out.size(), path));
        continue;
      }
      long n = (size + targetBytes - 1) / targetBytes;
      long step = (size + n - 1) / n;
      for (long start = 0; start < size; start += step) {
        out.add(new FileSlice(out.size(), path, start, Math.min(size, start + step), start == 0 ? 1 : 0));
      }
    }
    return out;
  }
}
