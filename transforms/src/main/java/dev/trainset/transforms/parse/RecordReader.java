package dev.trainset.transforms.parse;

import java.io.Closeable;
import java.io.IOException;

/**
 * Pull-based reader of records from one source. Problems confined to one record come back as a bad {@link
 * SourceRecord}; an {@link IOException} means the rest of the source cannot be read (truncated or corrupt stream, a
 * quote never closed) and carries a message that says where.
 */
public interface RecordReader<V> extends Closeable {
  /** The next record, or null at the end of the source. */
  SourceRecord<V> next() throws IOException;

  /** The position (line or record index) of the last record returned; used to locate stream-level failures. */
  long lastPosition();

  /** What {@link SourceRecord#position()} counts: {@code line} or {@code record}. */
  default String positionUnit() {
    return "line";
  }
}
