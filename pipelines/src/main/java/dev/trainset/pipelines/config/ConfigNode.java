package dev.trainset.pipelines.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, path-aware reading of a configuration tree: every error names the full key ({@code output.compression}) and
 * says what was expected. Objects are checked for unknown keys, so a typo is an error, not a silent default. The
 * launcher reads its own sections ({@code train}) with it too.
 */
public final class ConfigNode {
  private final String path;
  private final JsonNode node;

  ConfigNode(String path, JsonNode node) {
    this.path = path;
    this.node = node;
  }

  public static ConfigNode root(JsonNode node) {
    return new ConfigNode("", node);
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public boolean has(String name) {
    JsonNode v = node == null ? null : node.get(name);
    return v != null && !v.isNull();
  }

  public ConfigNode object(String name) {
    JsonNode v = node == null ? null : node.get(name);
    if (v != null && !v.isNull() && !v.isObject()) {
      throw TrainsetException.config(key(name), "expected a mapping of keys, got " + describe(v));
    }
    return new ConfigNode(key(name), v == null || v.isNull() ? null : v);
  }

  /** Fails on keys outside the allowed set. */
  public ConfigNode allowOnly(String... names) {
    if (node == null) {
      return this;
    }
    Set<String> allowed = new TreeSet<>(List.of(names));
    Iterator<String> it = node.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw TrainsetException.config(key(k), "unknown key (known keys here: " + String.join(", ", allowed) + ")");
      }
    }
    return this;
  }

  public String string(String name, String dflt) {
    JsonNode v = node == null ? null : node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isValueNode()) {
      throw TrainsetException.config(key(name), "expected a value, got " + describe(v));
    }
    return v.asText();
  }

  public String requiredString(String name) {
    String s = string(name, null);
    if (s == null || s.isBlank()) {
      throw TrainsetException.config(key(name), "is required");
    }
    return s;
  }

  public boolean bool(String name, boolean dflt) {
    String s = string(name, null);
    if (s == null) {
      return dflt;
    }
    switch (s.toLowerCase(Locale.ROOT)) {
      case "true":
      case "yes":
        return true;
      case "false":
      case "no":
        return false;
      default:
        throw TrainsetException.config(key(name), "expected true or false, got '" + s + "'");
    }
  }

  public long longValue(String name, long dflt, long min) {
    String s = string(name, null);
    if (s == null) {
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw TrainsetException.config(key(name), "expected a whole number, got '" + s + "'");
    }
    if (v < min) {
      throw TrainsetException.config(key(name), "expected a number >= " + min + ", got " + v);
    }
    return v;
  }

  /** A size in bytes: a number, or a number with KB, MB or GB. */
  public long bytes(String name, long dflt) {
    String s = string(name, null);
    if (s == null) {
      return dflt;
    }
    String t = s.trim().toUpperCase(Locale.ROOT);
    long mult = 1;
    for (String[] unit : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
      if (t.endsWith(unit[0])) {
        mult = Long.parseLong(unit[1]);
        t = t.substring(0, t.length() - unit[0].length()).trim();
        break;
      }
    }
    try {
      long v = Long.parseLong(t) * mult;
      if (v <= 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw TrainsetException.config(key(name), "expected a size such as 134217728 or 128MB, got '" + s + "'");
    }
  }

  /** A duration: a whole number with ms, s, m, h or d ({@code 30s}, {@code 5m}), or ISO-8601 ({@code PT5M}). */
  public java.time.Duration duration(String name, java.time.Duration dflt) {
    String s = string(name, null);
    if (s == null) {
      return dflt;
    }
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        java.time.Duration d = java.time.Duration.parse(t.toUpperCase(Locale.ROOT));
        if (d.isNegative()) {
          throw new NumberFormatException();
        }
        return d;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(t);
      if (!m.matches()) {
        throw new NumberFormatException();
      }
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return java.time.Duration.ofMillis(n);
        case "s":
          return java.time.Duration.ofSeconds(n);
        case "m":
          return java.time.Duration.ofMinutes(n);
        case "h":
          return java.time.Duration.ofHours(n);
        default:
          return java.time.Duration.ofDays(n);
      }
    } catch (RuntimeException e) {
      throw TrainsetException.config(key(name), "expected a duration such as 30s, 5m, 1h or 500ms, got '" + s + "'");
    }
  }

  public double fraction(String name, double dflt) {
    String s = string(name, null);
    if (s == null) {
      return dflt;
    }
    double v;
    try {
      v = Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw TrainsetException.config(key(name), "expected a number between 0 and 1, got '" + s + "'");
    }
    if (!(v >= 0 && v <= 1)) {
      throw TrainsetException.config(key(name), "expected a number between 0 and 1, got " + s);
    }
    return v;
  }

  public <E extends Enum<E>> E enumValue(String name, Class<E> type, E dflt) {
    String s = string(name, null);
    if (s == null) {
      return dflt;
    }
    try {
      return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      throw TrainsetException.config(key(name), "expected one of " + String.join(", ", names) + ", got '" + s + "'");
    }
  }

  /** A list of strings; a single value counts as a list of one. */
  public List<String> strings(String name, List<String> dflt) {
    JsonNode v = node == null ? null : node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      for (JsonNode e : v) {
        if (!e.isValueNode()) {
          throw TrainsetException.config(key(name), "expected a list of values, got an element " + describe(e));
        }
        out.add(e.isNull() ? "" : e.asText());
      }
    } else if (v.isValueNode()) {
      out.add(v.asText());
    } else {
      throw TrainsetException.config(key(name), "expected a list, got " + describe(v));
    }
    return out;
  }

  /** A mapping of names to scalar values. */
  public Map<String, String> stringMap(String name) {
    JsonNode v = node == null ? null : node.get(name);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      throw TrainsetException.config(key(name), "expected a mapping, got " + describe(v));
    }
    Iterator<Map.Entry<String, JsonNode>> it = v.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode()) {
        throw TrainsetException.config(key(name) + "." + e.getKey(), "expected a value, got " + describe(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  public String key() {
    return path;
  }

  /** Whether this node exists in the configuration. */
  public boolean present() {
    return node != null;
  }

  public boolean isObject(String name) {
    JsonNode v = node == null ? null : node.get(name);
    return v != null && v.isObject();
  }

  /** The keys of this mapping, in order. */
  public List<String> names() {
    List<String> out = new ArrayList<>();
    if (node != null) {
      node.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  private static String describe(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return "'" + v.asText() + "'";
  }
}
