package dev.trainset.transforms.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.values.Row;

/** A line-per-row text file, optionally gzip-compressed; subclasses render a row as one line. */
public abstract class TextRowSink implements RowFileSink {
  private final boolean gzip;
  private transient GZIPOutputStream gz;
  private transient Writer out;
  private transient StringBuilder line;

  protected TextRowSink(boolean gzip) {
    this.gzip = gzip;
  }

  protected boolean gzip() {
    return gzip;
  }

  @Override
  public void open(WritableByteChannel channel) throws IOException {
    OutputStream os = Channels.newOutputStream(channel);
    if (gzip) {
      gz = new GZIPOutputStream(os, 1 << 16);
      os = gz;
    }
    out = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
    line = new StringBuilder(256);
  }

  @Override
  public void write(Row row) throws IOException {
    line.setLength(0);
    render(row, line);
    line.append('\n');
    out.append(line);
  }

  /** Appends the row, without the line end. */
  protected abstract void render(Row row, StringBuilder line);

  @Override
  public void finish() throws IOException {
    out.flush();
    if (gz != null) {
      gz.finish();
    }
  }
}
