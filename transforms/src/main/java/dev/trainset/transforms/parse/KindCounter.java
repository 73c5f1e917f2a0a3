package dev.trainset.transforms.parse;

import java.util.Arrays;
import java.util.List;

/**
 * Schema inference's tallies for one slice, by column number (a reader's name index): the kinds of values seen, how
 * many were missing, in how many records the column appeared, and where it appeared first. Cheap per value (array
 * updates, no map lookup); {@link #into} turns the tallies into a {@link SchemaAccumulator} at the end of the slice.
 */
public final class KindCounter {
  private int[] kinds = new int[16];
  private int[] elementKinds = new int[16];
  private boolean[] lists = new boolean[16];
  private boolean[] scalars = new boolean[16];
  private long[] nulls = new long[16];
  private long[] present = new long[16];
  private long[] firstPosition = new long[16];
  private int[] firstIndex = new int[16];
  private int columns;
  private long records;

  private void ensure(int column) {
    if (column < columns) {
      return;
    }
    if (column >= kinds.length) {
      int n = Math.max(kinds.length * 2, column + 1);
      kinds = Arrays.copyOf(kinds, n);
      elementKinds = Arrays.copyOf(elementKinds, n);
      lists = Arrays.copyOf(lists, n);
      scalars = Arrays.copyOf(scalars, n);
      nulls = Arrays.copyOf(nulls, n);
      present = Arrays.copyOf(present, n);
      firstPosition = Arrays.copyOf(firstPosition, n);
      firstIndex = Arrays.copyOf(firstIndex, n);
    }
    for (int c = columns; c <= column; c++) {
      firstPosition[c] = Long.MAX_VALUE;
    }
    columns = column + 1;
  }

  /** Notes that a column was met at this position (record) and index in the record; the first meeting counts. */
  public void seen(int column, long position, int index) {
    ensure(column);
    if (position < firstPosition[column] || (position == firstPosition[column] && index < firstIndex[column])) {
      firstPosition[column] = position;
      firstIndex[column] = index;
    }
  }

  public void missing(int column) {
    ensure(column);
    present[column]++;
    nulls[column]++;
  }

  public void text(int column, char[] c, int off, int len) {
    ensure(column);
    present[column]++;
    scalars[column] = true;
    kinds[column] |= TextNumbers.kind(c, off, len);
  }

  /** A JSON value: a scalar as Jackson reads it, or a List of scalars. */
  public void json(int column, Object v) {
    ensure(column);
    present[column]++;
    if (v == null) {
      nulls[column]++;
    } else if (v instanceof List) {
      lists[column] = true;
      for (Object item : (List<?>) v) {
        if (item != null) {
          elementKinds[column] |= Values.kindOfJson(item);
        }
      }
    } else {
      scalars[column] = true;
      kinds[column] |= Values.kindOfJson(v);
    }
  }

  public void record() {
    records++;
  }

  public long records() {
    return records;
  }

  /** Adds these tallies to an accumulator: column {@code i} is {@code names.get(i)}, met in {@code source}. */
  public SchemaAccumulator into(SchemaAccumulator acc, String source, List<String> names) {
    acc.addRecords(records);
    for (int c = 0; c < Math.max(columns, names.size()); c++) {
      if (c >= columns) {
        acc.addColumn(names.get(c), source, 0, c, 0, 0, false, false, 0, 0);
      } else {
        // A column never placed by seen() is a header column: it comes first, in header order.
        boolean placed = firstPosition[c] != Long.MAX_VALUE;
        acc.addColumn(
            names.get(c), source, placed ? firstPosition[c] : 0, placed ? firstIndex[c] : c, kinds[c], elementKinds[c], lists[c],
            scalars[c], nulls[c], present[c]);
      }
    }
    return acc;
  }
}
