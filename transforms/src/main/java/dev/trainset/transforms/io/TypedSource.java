package dev.trainset.transforms.io;

import dev.trainset.transforms.parse.SourceRecord;
import java.io.Closeable;
import java.io.IOException;

/**
 * Typed records of one source, aligned with the schema it was opened with. A record that cannot be parsed or typed
 * comes back bad, with its raw text and the reason; an {@link IOException} means the rest of the source is unreadable.
 */
public interface TypedSource extends Closeable {
  SourceRecord<Object[]> next() throws IOException;

  long lastPosition();

  String positionUnit();
}
