package dev.trainset.transforms.io.stream;

import dev.trainset.transforms.io.WrittenFile;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What one writer wrote for one window: one split's rows, or the window's rejected records.
 *
 * @param windowStart the window's start, epoch milliseconds
 * @param key the split name, or {@code rejected}
 * @param rows rows written (0 for the rejected part)
 * @param rejected records rejected, by stage ({@code read}, {@code prepare}, {@code late})
 * @param reasons rejected records by reason
 * @param classes rows by label class
 * @param files the files, with rows, bytes and sha256
 * @param positions per {@code topic/partition} (or {@code stream/shardId}): the lowest and highest position and the number of
 *     records
 * @param extraFields rows by each field they had that is not in the schema (left out of the row)
 */
public record WindowPart(
    long windowStart,
    String key,
    long rows,
    Map<String, Long> rejected,
    Map<String, Long> reasons,
    Map<String, Long> classes,
    List<WrittenFile> files,
    Map<String, Range> positions,
    Map<String, Long> extraFields)
    implements Serializable {
  /** The positions of one partition's (or shard's) records in a window. */
  public record Range(SourcePosition first, SourcePosition last, long records) implements Serializable {
    public Range plus(Range o) {
      return new Range(
          first.compareTo(o.first) <= 0 ? first : o.first, last.compareTo(o.last) >= 0 ? last : o.last, records + o.records);
    }
  }
}
