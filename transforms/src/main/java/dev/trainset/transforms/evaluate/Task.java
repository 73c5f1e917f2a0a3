package dev.trainset.transforms.evaluate;

import java.util.Locale;

/** What a model predicts, which decides the metrics: a probability of class 1, class probabilities, or a number. */
public enum Task {
  BINARY("binary"),
  MULTICLASS("multiclass"),
  REGRESSION("regression");

  private final String configName;

  Task(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** Parses {@code binary}, {@code multiclass} or {@code regression}; null when unknown. */
  public static Task parse(String name) {
    for (Task t : values()) {
      if (t.configName.equals(name.trim().toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    return null;
  }
}
