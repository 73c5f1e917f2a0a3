package dev.trainset.transforms.parse;

import java.io.Serializable;

/**
 * What one input may hold, so that hostile or broken input ends in a clear error (or a rejected record) instead of
 * exhausting memory. Each limit is a key under {@code input.limits}.
 *
 * @param columns the most columns a schema may have (CSV header fields, JSON fields, ARFF attributes)
 * @param inflation the most decompressed bytes per compressed byte of a compressed file (checked past 64 MB), or 0
 *     for no limit
 * @param recordChars the most characters one record (a CSV record, a JSON Lines or ARFF line, one element of a JSON
 *     array) may have; a longer line is a rejected record with its first characters kept, a longer array element
 *     makes the rest of the file unreadable
 * @param fieldChars the most characters one CSV field may have (at most {@link #MAX_FIELD_CHARS}, FastCSV's own
 *     ceiling); a record with a longer field is rejected
 * @param jsonDepth the deepest nesting of JSON objects and arrays
 * @param jsonStringChars the longest JSON string
 * @param jsonNumberChars the longest JSON number
 */
public record ReadLimits(
    int columns, long inflation, int recordChars, int fieldChars, int jsonDepth, int jsonStringChars, int jsonNumberChars)
    implements Serializable {

  /** FastCSV's field size limit: a field longer than this cannot be read at all (the file is unreadable from there). */
  public static final int MAX_FIELD_CHARS = de.siegmar.fastcsv.util.Limits.MAX_FIELD_SIZE;

  /** How many characters of an over-long record a rejected record keeps (as many as any rejected record keeps). */
  public static final int KEPT_CHARS = 10_000;

  public static final ReadLimits DEFAULTS =
      new ReadLimits(10_000, 1_000, 64 * 1024 * 1024, MAX_FIELD_CHARS, 1_000, 20_000_000, 1_000);

  public ReadLimits {
    if (columns < 1 || inflation < 0 || recordChars < 1 || fieldChars < 1 || jsonDepth < 1 || jsonStringChars < 1
        || jsonNumberChars < 1) {
      throw new IllegalArgumentException("limits must be positive (inflation may be 0: no limit)");
    }
    if (fieldChars > MAX_FIELD_CHARS) {
      throw new IllegalArgumentException("fieldChars may be at most " + MAX_FIELD_CHARS + " (FastCSV's limit)");
    }
  }

  public ReadLimits withInflation(long max) {
    return new ReadLimits(columns, max, recordChars, fieldChars, jsonDepth, jsonStringChars, jsonNumberChars);
  }

  public ReadLimits withRecordChars(int max) {
    return new ReadLimits(columns, inflation, max, fieldChars, jsonDepth, jsonStringChars, jsonNumberChars);
  }

  public ReadLimits withFieldChars(int max) {
    return new ReadLimits(columns, inflation, recordChars, max, jsonDepth, jsonStringChars, jsonNumberChars);
  }

  public ReadLimits withColumns(int max) {
    return new ReadLimits(max, inflation, recordChars, fieldChars, jsonDepth, jsonStringChars, jsonNumberChars);
  }

  public ReadLimits withJson(int depth, int stringChars, int numberChars) {
    return new ReadLimits(columns, inflation, recordChars, fieldChars, depth, stringChars, numberChars);
  }

  /** The reason of a record rejected for its length. */
  public String tooLong(String what, long chars) {
    return what + " has " + chars + " characters, more than input.limits.recordChars (" + recordChars
        + "); the rejected record keeps its first " + Math.min(KEPT_CHARS, recordChars);
  }
}
