package dev.trainset.transforms.io;

import dev.trainset.transforms.parse.RecordTyper;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;

/**
 * A file format trainset reads: how to infer a schema from a source, how to read typed records from it, and, for
 * formats that declare one (ARFF), the declared schema. Implementations are immutable settings holders; readers and
 * parsers are created per source.
 */
public interface FileFormat extends Serializable {
  /** The name users write in configuration ({@code csv}, {@code arff}, {@code json}, {@code jsonl}). */
  String name();

  /** The schema the source declares, or null when the format declares none and it must be inferred. */
  default TableSchema declaredSchema(String source, Reader reader) throws IOException {
    return null;
  }

  /**
   * Feeds up to {@code limit} records of a source into the accumulator; returns how many were read. Bad records are
   * skipped here (they are rejected, with their reason, by the reading pass).
   */
  long infer(String source, Reader reader, SchemaAccumulator into, long limit) throws IOException;

  /** Opens a source for typed reading. */
  TypedSource open(String source, Reader reader, RecordTyper typer) throws IOException;

  /**
   * How files of this format may be cut on line boundaries for parallel reading: the quote and escape bytes to track
   * ({@code -1} for none), or null when they may not be cut (ARFF, JSON documents).
   */
  default Slicing slicing() {
    return null;
  }

  /** The column names a slice after the first needs (CSV: the header), read from the start of the file. */
  default java.util.List<String> header(Reader reader) throws IOException {
    return java.util.List.of();
  }

  /** This format reading a slice that starts at line {@code firstLine}, after the file's header. */
  default FileFormat forSlice(java.util.List<String> header, long firstLine) {
    throw new UnsupportedOperationException(name() + " files are read whole");
  }

  /** Quote and escape bytes that matter when cutting files on line boundaries. */
  record Slicing(int quote, int escape) implements Serializable {}
}
