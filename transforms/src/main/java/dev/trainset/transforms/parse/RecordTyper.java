package dev.trainset.transforms.parse;

import java.util.List;
import java.util.Map;

/**
 * Turns parsed records into values aligned with a {@link TableSchema}, converting each with {@link Values#convert}.
 * Pure and reusable across records; a value that does not fit its column raises {@link IllegalArgumentException}
 * with a message naming the column, the expected type and the value.
 */
public final class RecordTyper {
  private final TableSchema schema;

  public RecordTyper(TableSchema schema) {
    this.schema = schema;
  }

  public TableSchema schema() {
    return schema;
  }

  /**
   * Maps a source's column names to schema positions.
   *
   * @throws IllegalArgumentException when the source has a column the schema lacks
   */
  public int[] mapping(List<String> sourceNames) {
    int[] map = new int[sourceNames.size()];
    for (int i = 0; i < map.length; i++) {
      int j = schema.indexOf(sourceNames.get(i));
      if (j < 0) {
        throw new IllegalArgumentException(
            "column '" + sourceNames.get(i) + "' is not in the schema " + schema.names());
      }
      map[i] = j;
    }
    return map;
  }

  /** Types text values (CSV): {@code values[i]} goes to schema column {@code mapping[i]}. */
  public Object[] type(int[] mapping, Object[] values) {
    Object[] out = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      int j = mapping[i];
      out[j] = Values.convert(values[i], schema.column(j));
    }
    checkRequired(out);
    return out;
  }

  /** Types a flattened JSON record. */
  public Object[] type(Map<String, Object> record) {
    Object[] out = new Object[schema.size()];
    for (Map.Entry<String, Object> e : record.entrySet()) {
      int j = schema.indexOf(e.getKey());
      if (j < 0) {
        throw new IllegalArgumentException("field '" + e.getKey() + "' is not in the schema");
      }
      out[j] = Values.convert(e.getValue(), schema.column(j));
    }
    checkRequired(out);
    return out;
  }

  private void checkRequired(Object[] out) {
    for (int j = 0; j < out.length; j++) {
      if (out[j] == null && !schema.column(j).nullable()) {
        throw new IllegalArgumentException("column '" + schema.column(j).name() + "' is missing but required");
      }
    }
  }
}
