package dev.trainset.transforms.split;

import java.io.Serializable;
import java.util.List;

/**
 * How the writing pass gives each row its split, from values it has at hand: the row's split class (its label's text,
 * or {@code *}), its feature key, and the hash of its split key. One implementation per {@code split.method}; each
 * slice gets its own {@link ForSlice} (it may count rows), used by one thread, in input order.
 */
public interface RowSplitter extends Serializable {
  /** The split names, in index order. */
  List<String> splits();

  /** Whether the split depends on the row's split key (else {@link ForSlice#split} gets 0 for it). */
  default boolean usesKey() {
    return false;
  }

  /** The column whose value is the split key ({@code split.key}), or null for the whole row. */
  default String keyColumn() {
    return null;
  }

  ForSlice forSlice(int slice);

  /** One slice's assignment. */
  interface ForSlice {
    /**
     * @param splitClass the row's class ({@code *} when the split is not stratified)
     * @param featureKey the hash of the row's features
     * @param keyHash the hash of the row's split key
     * @return the split index
     */
    int split(String splitClass, long featureKey, long keyHash);

    /**
     * Whether a row with these features may share them with a row of another split (so the leakage check must look
     * at it); false only when the split keeps equal features together.
     */
    boolean mayLeak(long featureKey);
  }
}
