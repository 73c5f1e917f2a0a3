package dev.trainset.transforms.slice;

import dev.trainset.transforms.parse.SchemaAccumulator;
import java.io.Serializable;
import java.util.Map;

/**
 * What the first pass learned from one slice: where it really starts, how many lines and quote bytes it holds (so
 * later slices know their first line, and a cut inside a quoted field is caught), the schema tallies, and the units per
 * class (or label token) and bucket that the split plan is made from.
 *
 * @param slice the slice's number
 * @param firstByte the offset of its first line in the file
 * @param lineBreaks line breaks in its bytes (counted for slices of a cut file)
 * @param quotes quote bytes in its bytes (CSV slices of a cut file)
 * @param records records read, as the writing pass counts them (bad ones and an unreadable rest included)
 * @param rejected records turned away by what this pass could check
 * @param schema inference tallies, or null
 * @param histogram units per key and bucket ({@link dev.trainset.transforms.split.SplitPlan#BUCKETS}), or null
 * @param keysAreClasses whether the histogram's keys are classes already, or label values still to be resolved
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
    boolean keysAreClasses)
    implements Serializable {}
