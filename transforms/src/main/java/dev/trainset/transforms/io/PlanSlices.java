package dev.trainset.transforms.io;

import dev.trainset.transforms.parse.LineSlicer;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Turns a list of files into the slices workers read, spread over workers: match the files, then for each one
 * either the whole file (compressed, small, a format that cannot be cut, or a CSV whose quoted fields span lines), or
 * slices of about {@code targetBytes} cut on line boundaries after one fast scan of its bytes ({@link LineSlicer}).
 */
public final class PlanSlices extends PTransform<PBegin, PCollection<FileSlice>> {
  public static final long DEFAULT_SLICE_BYTES = 16L * 1024 * 1024;

  private final List<String> files;
  private final FileFormat format;
  private final long targetBytes;

  private PlanSlices(List<String> files, FileFormat format, long targetBytes) {
    this.files = files;
    this.format = format;
    this.targetBytes = targetBytes;
  }

  public static PlanSlices of(List<String> files, FileFormat format) {
    return new PlanSlices(List.copyOf(files), format, DEFAULT_SLICE_BYTES);
  }

  public PlanSlices withTargetBytes(long bytes) {
    return new PlanSlices(files, format, bytes);
  }

  @Override
  public PCollection<FileSlice> expand(PBegin input) {
    return input
        .apply("ListFiles", Create.of(files))
        .apply("MatchFiles", FileIO.matchAll())
        .apply("ReadMatches", FileIO.readMatches())
        .apply("CutOnLines", ParDo.of(new PlanFn(format, targetBytes)))
        .setCoder(SerializableCoder.of(FileSlice.class))
        .apply("SpreadSlices", Reshuffle.viaRandomKey());
  }

  static final class PlanFn extends DoFn<ReadableFile, FileSlice> {
    private final FileFormat format;
    private final long targetBytes;

    PlanFn(FileFormat format, long targetBytes) {
      this.format = format;
      this.targetBytes = targetBytes;
    }

    @ProcessElement
    public void process(@Element ReadableFile file, OutputReceiver<FileSlice> out) {
      String path = file.getMetadata().resourceId().toString();
      FileFormat.Slicing slicing = format.slicing();
      boolean cuttable =
          slicing != null
              && file.getCompression() == Compression.UNCOMPRESSED
              && Compression.detect(file.getMetadata().resourceId().getFilename()) == Compression.UNCOMPRESSED
              && file.getMetadata().isReadSeekEfficient()
              && file.getMetadata().sizeBytes() > targetBytes;
      if (!cuttable) {
        out.output(FileSlice.whole(path));
        return;
      }
      try {
        List<LineSlicer.Slice> slices;
        try (InputStream in = Channels.newInputStream(file.open())) {
          slices = LineSlicer.plan(in, targetBytes, slicing.quote(), slicing.escape());
        }
        if (slices.size() < 2) {
          out.output(FileSlice.whole(path));
          return;
        }
        List<String> header;
        try (Reader r = FileSlice.whole(path).openText()) {
          header = format.header(r);
        }
        for (LineSlicer.Slice s : slices) {
          out.output(FileSlice.of(path, s.start(), s.end(), s.firstLine(), header));
        }
      } catch (IOException | RuntimeException e) {
        // The sequential read reports what is wrong with the file, with its position.
        out.output(FileSlice.whole(path));
      }
    }
  }
}
