package dev.trainset.transforms.slice;

import dev.trainset.transforms.errors.ReasonCounts;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.stats.TableStats;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What the writing pass did with one slice: records read, turned away and dropped as duplicates, rows written per split
 * and per (class, split), the files it wrote (temporary names, with rows, bytes and sha256), statistics per split and the rejection
 * reasons. Small: nothing in it grows with the number of rows.
 *
 * @param classCounts label text → rows per split (empty without a label)
 * @param unreadable the part of the slice that could not be read, or null
 */
public record SliceResult(
    int slice,
    long read,
    long rejected,
    long duplicates,
    long[] written,
    Map<String, long[]> classCounts,
    List<WrittenFile> files,
    TableStats[] stats,
    ReasonCounts reasons,
    Unreadable unreadable)
    implements Serializable {}
