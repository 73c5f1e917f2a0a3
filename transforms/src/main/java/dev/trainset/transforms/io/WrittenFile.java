package dev.trainset.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A file a slice wrote, described while it was written: where it is now (a temporary name), the output it belongs to
 * ({@code train/parquet}, {@code rejected}), the slice that wrote it, and its rows, bytes and sha256.
 */
public record WrittenFile(String output, int slice, String path, long rows, long bytes, String sha256)
    implements java.io.Serializable {
  /** A deterministic coder. */
  public static final class Coder extends AtomicCoder<WrittenFile> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(WrittenFile f, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(f.output, out);
      VarIntCoder.of().encode(f.slice, out);
      StringUtf8Coder.of().encode(f.path, out);
      VarLongCoder.of().encode(f.rows, out);
      VarLongCoder.of().encode(f.bytes, out);
      StringUtf8Coder.of().encode(f.sha256, out);
    }

    @Override
    public WrittenFile decode(InputStream in) throws IOException {
      return new WrittenFile(
          StringUtf8Coder.of().decode(in),
          VarIntCoder.of().decode(in),
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          StringUtf8Coder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
