package dev.trainset.transforms.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
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
public final class DescribeFiles extends PTransform<PCollection<String>, PCollection<String>> {
  /** How to count rows in a file. */
  public enum RowCount {
    PARQUET_FOOTER,
    LINES
  }

  private final String output;
  private final RowCount rowCount;

  private DescribeFiles(String output, RowCount rowCount) {
    this.output = output;
    this.rowCount = rowCount;
  }

  public static DescribeFiles of(String output, RowCount rowCount) {
    return new DescribeFiles(output, rowCount);
  }

  @Override
  public PCollection<String> expand(PCollection<String> filenames) {
    return filenames.apply("HashAndCount", ParDo.of(new DescribeFn(output, rowCount)));
  }

  static final class DescribeFn extends DoFn<String, String> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String output;
    private final RowCount rowCount;

    DescribeFn(String output, RowCount rowCount) {
      this.output = output;
      this.rowCount = rowCount;
    }

    @ProcessElement
    public void process(@Element String filename, OutputReceiver<String> out) throws IOException {
      ResourceId id = FileSystems.matchNewResource(filename, false);
      MessageDigest sha = sha256();
      long bytes = 0;
      long lines = 0;
      byte last = '\n';
      try (InputStream in = Channels.newInputStream(FileSystems.open(id))) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
          bytes += n;
          if (rowCount == RowCount.LINES) {
            for (int i = 0; i < n; i++) {
              if (buf[i] == '\n') {
                lines++;
              }
            }
            last = buf[n - 1];
          }
        }
      }
      long rows;
      if (rowCount == RowCount.LINES) {
        rows = lines + (bytes > 0 && last != '\n' ? 1 : 0);
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
