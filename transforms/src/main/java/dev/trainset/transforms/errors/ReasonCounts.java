package dev.trainset.transforms.errors;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The most frequent rejection reasons, for the report: reasons are grouped by pattern (quoted values become '…',
 * digits N, so "line 12" and "line 13" count together), with one example each (the smallest, so the result does not
 * depend on the order records arrive in). Mergeable; keeps at most {@link #MAX_PATTERNS} patterns.
 */
public final class ReasonCounts implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int TOP = 10;
  private static final int MAX_PATTERNS = 1_000;

  /** A pattern's count and example. */
  public record Reason(String pattern, long count, String example) {}

  private final HashMap<String, Object[]> patterns = new HashMap<>();

  private static final Pattern QUOTED = Pattern.compile("'[^']*'");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  static String pattern(String reason) {
    return DIGITS.matcher(QUOTED.matcher(reason).replaceAll("'…'")).replaceAll("N");
  }

  public void add(String reason) {
    add(pattern(reason), 1, reason);
  }

  private void add(String pattern, long n, String example) {
    Object[] v = patterns.get(pattern);
    if (v == null) {
      patterns.put(pattern, new Object[] {n, example});
    } else {
      v[0] = (Long) v[0] + n;
      if (example.compareTo((String) v[1]) < 0) {
        v[1] = example;
      }
    }
    if (patterns.size() > MAX_PATTERNS) {
      List<Reason> keep = top(MAX_PATTERNS / 2);
      patterns.clear();
      keep.forEach(r -> patterns.put(r.pattern(), new Object[] {r.count(), r.example()}));
    }
  }

  public ReasonCounts merge(ReasonCounts other) {
    other.patterns.forEach((k, v) -> add(k, (Long) v[0], (String) v[1]));
    return this;
  }

  public boolean isEmpty() {
    return patterns.isEmpty();
  }

  /** The {@code n} most frequent patterns, most frequent first (ties: by pattern). */
  public List<Reason> top(int n) {
    List<Reason> all = new ArrayList<>();
    for (Map.Entry<String, Object[]> e : patterns.entrySet()) {
      all.add(new Reason(e.getKey(), (Long) e.getValue()[0], (String) e.getValue()[1]));
    }
    all.sort((x, y) -> x.count() != y.count() ? Long.compare(y.count(), x.count()) : x.pattern().compareTo(y.pattern()));
    return all.subList(0, Math.min(n, all.size()));
  }
}
