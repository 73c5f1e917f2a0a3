package dev.trainset.transforms.io;

import dev.trainset.transforms.parse.TypedRow;
import java.io.IOException;

/** Writes rows of one schema to one file, in one format. */
public interface RowWriter {
  void write(TypedRow row) throws IOException;

  /** Finishes the file (footer, compression trailer) and closes it. */
  void finish() throws IOException;
}
