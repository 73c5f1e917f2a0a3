package dev.trainset.transforms.parse;

/**
 * One record as a parser read it, before typing: its position in the source (1-based line of its first character for
 * text formats, 1-based record index for JSON), its values, and, when the parser already knows it is bad, the reason
 * and the raw text.
 *
 * @param <V> the value container: {@code String[]} (CSV), {@code Object[]} (ARFF, typed) or a flattened map (JSON)
 */
public final class SourceRecord<V> {
  private final long position;
  private final V values;
  private final String error;
  private final String raw;

  private SourceRecord(long position, V values, String error, String raw) {
    this.position = position;
    this.values = values;
    this.error = error;
    this.raw = raw;
  }

  public static <V> SourceRecord<V> ok(long position, V values) {
    return new SourceRecord<>(position, values, null, null);
  }

  public static <V> SourceRecord<V> bad(long position, String raw, String error) {
    return new SourceRecord<>(position, null, error, raw);
  }

  public long position() {
    return position;
  }

  public V values() {
    return values;
  }

  public boolean isBad() {
    return error != null;
  }

  public String error() {
    return error;
  }

  public String raw() {
    return raw;
  }
}
