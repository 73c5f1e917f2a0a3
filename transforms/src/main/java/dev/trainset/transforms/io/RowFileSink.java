package dev.trainset.transforms.io;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.WritableByteChannel;
import org.apache.beam.sdk.values.Row;

/** Writes rows of one schema to one file; a fresh, unopened copy is made for every file ({@link #copy}). */
public interface RowFileSink extends Serializable {
  void open(WritableByteChannel channel) throws IOException;

  void write(Row row) throws IOException;

  /** Finishes the file (footer, compression trailer); the caller closes the channel. */
  void finish() throws IOException;

  RowFileSink copy();
}
