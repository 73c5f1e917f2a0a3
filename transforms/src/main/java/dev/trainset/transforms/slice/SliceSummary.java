package dev.trainset.transforms.slice;

import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.stats.QuantileSketch;
import java.io.Serializable;
import java.util.Map;

/**
 * What a first pass learned from one slice: where it really starts, how many lines and quote bytes it holds (so
 * later slices know their first line, and a cut inside a quoted field is caught), the schema tallies, and what the
 * split plan is made from: units per class (or label value) and bucket, rows per group and label, the label's
 * distribution, or the content keys of rows (to find duplicates).
 *
 * @param slice the slice's number
 * @param firstByte the offset of its first line in the file
 * @param lineBreaks line breaks in its bytes (counted for slices of a cut file)
 * @param quotes quote bytes in its bytes (CSV slices of a cut file)
 * @param records records read, as the writing pass counts them (bad ones and an unreadable rest included)
 * @param rejected records turned away by what this pass could check
 * @param schema inference tallies, or null
 * @param histogram units per key and bucket ({@link dev.trainset.transforms.split.SplitPlan#BUCKETS}), or null
 * @param keysAreClasses whether the keys (of the histogram and of the groups' labels) are classes already, or label
 *     values still to be resolved
 * @param groups group → key (class or label value) → rows, or null
 * @param sketch the label's values, or null
 * @param contentKeys every row's content key and record number in the slice, or null
 * @param unreadable why the rest of the slice could not be read, or null when it was read to its end
 */
public record SliceSummary(
    int slice,
    long firstByte,
    long lineBreaks,
    long quotes,
    long records,
    long rejected,
    SchemaAccumulator schema,
    Map<Object, int[]> histogram,
    boolean keysAreClasses,
    Map<String, Map<Object, long[]>> groups,
    QuantileSketch sketch,
    ContentKeys contentKeys,
    String unreadable)
    implements Serializable {

  /** A slice that was not read (nothing to learn from it). */
  public static SliceSummary empty(int slice) {
    return new SliceSummary(slice, 0, 0, 0, 0, 0, null, null, false, null, null, null, null);
  }

  /** The 128-bit content keys of a slice's rows, with each row's record number (0-based, in the slice). */
  public record ContentKeys(long[] high, long[] low, int[] records, int size) implements Serializable {}
}
