package dev.trainset.transforms.parse;

import java.io.Serializable;

/**
 * How to find records in JSON input.
 *
 * @param recordsPath a dotted path to the array of records inside a JSON document (e.g. {@code features}), or null
 * @param linesOnly true for JSON Lines only (format {@code jsonl}); false to detect: a top-level array of objects, a
 *     document with records under {@code recordsPath}, or JSON Lines
 */
public record JsonSettings(String recordsPath, boolean linesOnly) implements Serializable {
  public static JsonSettings detect() {
    return new JsonSettings(null, false);
  }
}
