package dev.trainset.transforms.io;

import dev.trainset.transforms.parse.ReadLimits;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;

/**
 * A file format trainset reads: whether its records are lines (so a file may be cut into slices), the schema a file
 * declares (ARFF), and how to read the records of a slice. Implementations are immutable settings holders; readers are
 * made per slice.
 */
public interface FileFormat extends Serializable {
  /** The name users write in configuration ({@code csv}, {@code arff}, {@code json}, {@code jsonl}). */
  String name();

  /** The schema the source declares, or null when the format declares none and it must be inferred. */
  default TableSchema declaredSchema(String source, Reader reader) throws IOException {
    return null;
  }

  /**
   * Whether a file can be cut between lines: every record starts on a new line, and the encoding's line breaks are
   * ASCII bytes.
   */
  boolean lineRecords();

  /** The encoding of the files' text ({@code input.encoding}). */
  TextEncoding encoding();

  /** What a file may hold ({@code input.limits}): record and field sizes, JSON constraints, inflation. */
  ReadLimits limits();

  /** This format with other {@link #limits}. */
  FileFormat withLimits(ReadLimits limits);

  /**
   * The quote byte whose count tells whether a cut between lines is safe (CSV: a quoted field may hold line breaks,
   * so the quotes before a cut must pair up), or -1.
   */
  default int quoteByte() {
    return -1;
  }

  /**
   * Opens the records of a slice.
   *
   * @param schema the schema {@link RecordSource#type} types by, or null when only source fields are needed (inference)
   */
  RecordSource open(FileSlice slice, SliceInput bytes, TableSchema schema) throws IOException;
}
