package dev.trainset.pipelines.batch;

import dev.trainset.transforms.coders.SummaryCoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * How a job hands its one small typed result to the launcher: encoded with its coder into a text file (one line,
 * base64) through Beam's file systems, so it works on every runner and store, and decoded by {@link #read}. The one
 * element is written by the step that holds it (a rerun of that step writes the same bytes again), not through
 * TextIO, whose temporary-file, gather and finalize steps cost a Flink job a dozen extra tasks for one line.
 */
public final class ResultFile<T extends Serializable> extends PTransform<PCollection<T>, PDone> {
  private final Class<T> type;
  private final String path;

  private ResultFile(Class<T> type, String path) {
    this.type = type;
    this.path = path;
  }

  /** Writes to {@code path} exactly (one file). */
  public static <T extends Serializable> ResultFile<T> to(Class<T> type, String path) {
    return new ResultFile<>(type, path);
  }

  @Override
  public PDone expand(PCollection<T> input) {
    input.apply("Encode", MapElements.via(new EncodeFn<>(type))).apply("Write", ParDo.of(new WriteFn(path)));
    return PDone.in(input.getPipeline());
  }

  static final class WriteFn extends DoFn<String, Void> {
    private final String path;

    WriteFn(String path) {
      this.path = path;
    }

    @ProcessElement
    public void process(@Element String line) throws IOException {
      ResourceId file = FileSystems.matchNewResource(path, false);
      try (WritableByteChannel ch = FileSystems.create(file, "text/plain")) {
        ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
      }
    }
  }

  static final class EncodeFn<T extends Serializable> extends SimpleFunction<T, String> {
    private final Class<T> type;

    EncodeFn(Class<T> type) {
      this.type = type;
    }

    @Override
    public String apply(T value) {
      try {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SummaryCoder.of(type).encode(value, b);
        return Base64.getEncoder().encodeToString(b.toByteArray());
      } catch (IOException e) {
        throw new IllegalStateException("cannot encode the job's result", e);
      }
    }
  }

  /** Decodes what {@link ResultFile} wrote: the file's text. */
  public static <T extends Serializable> T read(Class<T> type, String text) throws IOException {
    return SummaryCoder.of(type).decode(new ByteArrayInputStream(Base64.getDecoder().decode(text.trim())));
  }
}
