package dev.trainset.transforms.evaluate;

/** The model file is not one the scorer can load; the message says what it is and what was expected. */
public final class NotAModel extends Exception {
  private static final long serialVersionUID = 1L;

  public NotAModel(String message) {
    super(message);
  }
}
