package dev.trainset.transforms.io;

import dev.trainset.transforms.parse.TypedRow;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** A line-per-row UTF-8 text file, optionally gzip-compressed; subclasses render a row as one line. */
public abstract class TextRowWriter implements RowWriter {
  private final GZIPOutputStream gz;
  private final Writer out;
  private final StringBuilder line = new StringBuilder(256);

  protected TextRowWriter(OutputStream os, boolean gzip) throws IOException {
    this.gz = gzip ? new GZIPOutputStream(os, 1 << 16) : null;
    this.out = new BufferedWriter(new OutputStreamWriter(gzip ? gz : os, StandardCharsets.UTF_8), 1 << 16);
  }

  @Override
  public void write(TypedRow row) throws IOException {
    line.setLength(0);
    render(row, line);
    line.append('\n');
    out.append(line);
  }

  /** Appends the row, without the line end. */
  protected abstract void render(TypedRow row, StringBuilder line) throws IOException;

  @Override
  public void finish() throws IOException {
    out.flush();
    if (gz != null) {
      gz.finish();
    }
    out.close();
  }
}
