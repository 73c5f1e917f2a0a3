package dev.trainset.pipelines.stream;

import java.io.Serializable;
import java.util.Map;

/**
 * A window whose files, manifest and {@code _SUCCESS} are written.
 *
 * @param start the window's start, epoch milliseconds
 * @param end its end (exclusive)
 * @param folder its folder, {@code window=20260101T000500Z}
 * @param rows rows by split
 * @param rejected rejected records (late ones included)
 * @param late late records
 */
record WindowDone(long start, long end, String folder, Map<String, Long> rows, long rejected, long late) implements Serializable {
  long totalRows() {
    return rows.values().stream().mapToLong(Long::longValue).sum();
  }
}
