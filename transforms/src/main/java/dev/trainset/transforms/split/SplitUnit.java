package dev.trainset.transforms.split;

import java.io.Serializable;

/**
 * What the split needs to know of one unit (a row, or a group of rows): its class (the stratum; one class for a
 * split that is not stratified), and two 64-bit keys that order the units of a class. {@code order} is already mixed
 * with the seed; {@code tieBreak} orders the rare units whose {@code order} is equal. Units equal in both are
 * identical in content, so which of them goes where does not change any output.
 */
public record SplitUnit(String cls, long order, long tieBreak) implements Serializable {
  /** The unsigned order of two units of one class. */
  public static int compare(long order1, long tie1, long order2, long tie2) {
    int c = Long.compareUnsigned(order1, order2);
    return c != 0 ? c : Long.compareUnsigned(tie1, tie2);
  }
}
