package dev.trainset.transforms.slice;

import java.io.Serializable;

/**
 * Part of a slice that could not be read (a corrupt compressed stream, a quote never closed, bytes invalid in the
 * encoding): reading the slice stopped there, and the rest of it is one rejected record.
 *
 * @param path the file
 * @param position the line (or record) where reading stopped
 * @param unit {@code line} or {@code record}
 * @param reason what went wrong
 * @param from the file offset where the unread part starts: the start of line {@code position} in an uncompressed
 *     file; in a compressed one, how far the compressed bytes had been read (a little past the damage)
 * @param end where the slice ends in the file, or -1 at the end of the file
 */
public record Unreadable(String path, long position, String unit, String reason, long from, long end) implements Serializable {
  /** The bytes from {@link #from} to the end of the slice: what was not read. */
  public long bytesUnread(long fileBytes) {
    return Math.max(0, (end < 0 ? fileBytes : end) - from);
  }
}
