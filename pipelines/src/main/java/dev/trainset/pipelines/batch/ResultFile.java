package dev.trainset.pipelines.batch;

import dev.trainset.transforms.coders.SummaryCoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Base64;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * How a job hands its one small typed result to the launcher: encoded with its coder into a text file (one line,
 * base64) through Beam's TextIO sink, so it works on every runner and file system, and decoded by {@link #read}.
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
    return input
        .apply("Encode", MapElements.via(new EncodeFn<>(type)))
        .apply("Write", TextIO.write().to(path).withoutSharding());
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
