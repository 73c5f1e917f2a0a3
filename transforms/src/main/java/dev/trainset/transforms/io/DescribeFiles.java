package dev.trainset.transforms.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Describes files a sink has just written, on the workers that wrote them: {@code
 * {"output":…,"path":…,"bytes":…,"sha256":…,"rows":…}} as one JSON line per file. Rows come from the Parquet footer,
 * or from counting lines for line formats. Runs after the sink's rename, so it sees the final files.
 */
public final class DescribeFiles extends PTransform<PCollection<KV<String, String>>, PCollection<String>> {
  private DescribeFiles() {}

  /** Describes {@code KV<output name, file name>} elements. */
  public static DescribeFiles create() {
    return new DescribeFiles();
  }

  /** Describes file names that all belong to one output. */
  public static PTransform<PCollection<String>, PCollection<String>> of(String output) {
    return new PTransform<PCollection<String>, PCollection<String>>() {
      @Override
      public PCollection<String> expand(PCollection<String> names) {
        return names
            .apply("WithOutput", WithKeys.of(output))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
            .apply("Describe", create());
      }
    };
  }

  @Override
  public PCollection<String> expand(PCollection<KV<String, String>> files) {
    return files.apply("HashAndCount", ParDo.of(new DescribeFn())).setCoder(StringUtf8Coder.of());
  }

  /** Parquet files: rows from the footer. Other files: lines (after gunzip for {@code .gz}). */
  static final class DescribeFn extends DoFn<KV<String, String>, String> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ProcessElement
    public void process(@Element KV<String, String> file, OutputReceiver<String> out) throws IOException {
      String output = file.getKey();
      String filename = file.getValue();
      ResourceId id = FileSystems.matchNewResource(filename, false);
      boolean parquet = filename.endsWith(".parquet");
      MessageDigest sha = sha256();
      long bytes;
      long lines = 0;
      byte last = '\n';
      Counting raw = new Counting(new DigestInputStream(Channels.newInputStream(FileSystems.open(id)), sha));
      try (InputStream in = filename.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          if (!parquet) {
            for (int i = 0; i < n; i++) {
              if (buf[i] == '\n') {
                lines++;
              }
            }
            last = buf[n - 1];
          }
        }
        while (raw.read(buf) > 0) {
          // the rest of the raw bytes (after a gzip trailer), so the hash covers the whole file
        }
        bytes = raw.count;
      }
      long rows;
      if (!parquet) {
        rows = lines + (last != '\n' ? 1 : 0);
      } else {
        try (ParquetFileReader reader = ParquetFileReader.open(new BeamInputFile(id, bytes))) {
          rows = reader.getRecordCount();
        }
      }
      ObjectNode n = MAPPER.createObjectNode();
      n.put("output", output);
      n.put("path", filename);
      n.put("bytes", bytes);
      n.put("sha256", HexFormat.of().formatHex(sha.digest()));
      n.put("rows", rows);
      out.output(n.toString());
    }
  }

  /** Counts the bytes read through it. */
  private static final class Counting extends java.io.FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b >= 0 ? 1 : 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(n, 0);
      return n;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Parquet {@link InputFile} over any Beam file system. */
  public static final class BeamInputFile implements InputFile {
    private final ResourceId id;
    private final long length;

    public BeamInputFile(ResourceId id, long length) {
      this.id = id;
      this.length = length;
    }

    @Override
    public long getLength() {
      return length;
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
      ReadableByteChannel ch = FileSystems.open(id);
      if (!(ch instanceof SeekableByteChannel)) {
        ch.close();
        throw new IOException(id + " does not support seeking; cannot read its Parquet footer");
      }
      SeekableByteChannel channel = (SeekableByteChannel) ch;
      return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
        @Override
        public long getPos() throws IOException {
          return channel.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          channel.position(newPos);
        }

        @Override
        public int read(ByteBuffer buf) throws IOException {
          return channel.read(buf);
        }
      };
    }
  }
}
