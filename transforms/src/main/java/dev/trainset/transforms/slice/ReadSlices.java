package dev.trainset.transforms.slice;

import dev.trainset.transforms.io.FileSlice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * A run's slices as a bounded source that splits into one source per slice. Runners hand the parts to workers as they
 * ask for work (Flink's input splits, the DirectRunner's bundles), so the slices spread over the workers with no
 * shuffle, and the step that reads each slice runs fused with this one.
 */
public final class ReadSlices extends PTransform<PBegin, PCollection<FileSlice>> {
  private final List<FileSlice> slices;

  private ReadSlices(List<FileSlice> slices) {
    this.slices = List.copyOf(slices);
  }

  public static ReadSlices of(List<FileSlice> slices) {
    return new ReadSlices(slices);
  }

  @Override
  public PCollection<FileSlice> expand(PBegin input) {
    if (slices.isEmpty()) {
      throw new IllegalStateException("ReadSlices: of() needs at least one slice");
    }
    return input.apply("Slices", Read.from(new SliceSource(slices)));
  }

  /** Some of the slices; {@link #split} gives one source per slice. */
  static final class SliceSource extends BoundedSource<FileSlice> {
    private static final long serialVersionUID = 1L;
    private final List<FileSlice> slices;

    SliceSource(List<FileSlice> slices) {
      this.slices = slices;
    }

    @Override
    public List<? extends BoundedSource<FileSlice>> split(long desiredBundleSizeBytes, PipelineOptions options) {
      List<SliceSource> out = new ArrayList<>();
      for (FileSlice s : slices) {
        out.add(new SliceSource(List.of(s)));
      }
      return out;
    }

    @Override
    public long getEstimatedSizeBytes(PipelineOptions options) {
      long n = 0;
      for (FileSlice s : slices) {
        n += s.isWhole() ? 1 << 20 : s.end() - s.start();
      }
      return n;
    }

    @Override
    public BoundedReader<FileSlice> createReader(PipelineOptions options) {
      return new Reader(this);
    }

    @Override
    public Coder<FileSlice> getOutputCoder() {
      return FileSlice.Coder.of();
    }

    private static final class Reader extends BoundedReader<FileSlice> {
      private final SliceSource source;
      private int next = -1;

      Reader(SliceSource source) {
        this.source = source;
      }

      @Override
      public boolean start() {
        next = 0;
        return next < source.slices.size();
      }

      @Override
      public boolean advance() {
        next++;
        return next < source.slices.size();
      }

      @Override
      public FileSlice getCurrent() {
        if (next < 0 || next >= source.slices.size()) {
          throw new NoSuchElementException();
        }
        return source.slices.get(next);
      }

      @Override
      public BoundedSource<FileSlice> getCurrentSource() {
        return source;
      }

      @Override
      public void close() throws IOException {}
    }
  }
}
