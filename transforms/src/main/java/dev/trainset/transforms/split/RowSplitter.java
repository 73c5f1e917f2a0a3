package dev.trainset.transforms.split;

import java.io.Serializable;
import java.util.List;

/**
 * How the writing pass gives each row its split, from what it knows of the row ({@link Row}). One implementation per
 * {@code split.method}; each slice gets its own {@link ForSlice} (it may count rows), used by one thread, in input
 * order.
 */
public interface RowSplitter extends Serializable {
  /** The split names, in index order. */
  List<String> splits();

  /** The column whose value is {@link Row#keyHash}'s key ({@code split.key}), or null for the whole row. */
  default String keyColumn() {
    return null;
  }

  ForSlice forSlice(int slice);

  /** What a splitter may ask of a row; each value is worked out only when asked for. */
  interface Row {
    /** The row's class ({@code *} when the split is not stratified). */
    String splitClass();

    /** The hash of the row's features. */
    long featureKey();

    /** The hash of the row's split key: {@code split.key}'s value, or the whole row. */
    long keyHash();

    /** The row's group ({@code split.groupBy}), or its own group when it has no value there. */
    String group();
  }

  /** One slice's assignment. */
  interface ForSlice {
    /** The split index of the next row of the slice. */
    int split(Row row);

    /**
     * Whether a row with these features may share them with a row of another split (so the leakage check must look
     * at it); false only when the split keeps equal features together.
     */
    boolean mayLeak(long featureKey);
  }
}
