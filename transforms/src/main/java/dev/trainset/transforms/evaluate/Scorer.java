package dev.trainset.transforms.evaluate;

import java.io.Serializable;

/** A model that scores rows of numeric features; safe to share between threads. */
public interface Scorer extends Serializable {
  /** The number of features the model was trained on. */
  int features();

  /**
   * Predictions for {@code rows} rows of {@code cols} features ({@code data} row by row, NaN for missing): one array
   * per row, of one value (a probability of class 1, a class, or a number) or one probability per class.
   */
  float[][] predict(float[] data, int rows, int cols);
}
