package dev.trainset.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the run file (YAML or JSON), substitutes {@code ${VAR}} and {@code ${VAR:-default}} from the environment, and
 * applies command-line values ({@code --set key.path=value} and the shortcuts) on top: flags win.
 */
final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private ConfigLoader() {}

  /** The configuration tree of a file, or an empty one when {@code file} is null. */
  static ObjectNode load(Path file, Function<String, String> env) {
    if (file == null) {
      return JsonNodeFactory.instance.objectNode();
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TrainsetException(TrainsetException.USAGE, "config file '" + file + "' does not exist");
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.USAGE, "cannot read config file '" + file + "': " + e.getMessage());
    }
    text = substitute(text, env, file.toString());
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new TrainsetException(
          TrainsetException.USAGE,
          "config file '" + file + "' line " + line + ": not valid YAML or JSON (" + oneLine(e.getOriginalMessage()) + ")");
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!tree.isObject()) {
      throw new TrainsetException(TrainsetException.USAGE, "config file '" + file + "': expected a mapping of keys at the top");
    }
    return (ObjectNode) tree;
  }

  /** A parser message on one line: SnakeYAML adds the source line and a caret under it, which we drop. */
  static String oneLine(String message) {
    List<String> parts = new java.util.ArrayList<>();
    for (String l : message.split("\\R")) {
      String t = l.strip();
      if (t.isEmpty() || t.equals("^") || t.startsWith("in 'reader'") || l.startsWith("    ")) {
        continue;
      }
      parts.add(t);
    }
    return String.join("; ", parts);
  }

  static String substitute(String text, Function<String, String> env, String where) {
    Matcher m = ENV.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        value = m.group(2);
      }
      if (value == null) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            where + ": environment variable " + m.group(1) + " is not set (use ${" + m.group(1) + ":-default} for a default)");
      }
      m.appendReplacement(b, Matcher.quoteReplacement(value));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** Applies {@code key.path=value} assignments; the value is read as YAML, so lists and numbers work. */
  static void applySets(ObjectNode tree, List<String> sets) {
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new TrainsetException(TrainsetException.USAGE, "--set '" + s + "': expected key.path=value");
      }
      set(tree, s.substring(0, eq).trim(), parseValue(s.substring(eq + 1)));
    }
  }

  static void set(ObjectNode tree, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    node.set(parts[parts.length - 1], value);
  }

  static void setIfPresent(ObjectNode tree, String path, String value) {
    if (value != null) {
      set(tree, path, JsonNodeFactory.instance.textNode(value));
    }
  }

  private static JsonNode parseValue(String raw) {
    String v = raw.trim();
    if (v.isEmpty()) {
      return JsonNodeFactory.instance.textNode("");
    }
    // Single characters that YAML gives meaning to (a ; or | delimiter) stay text.
    if (v.length() == 1 || !(v.startsWith("[") || v.startsWith("{"))) {
      return JsonNodeFactory.instance.textNode(raw.equals("\\t") ? "\t" : v);
    }
    try {
      return YAML.readTree(v);
    } catch (JsonProcessingException e) {
      return JsonNodeFactory.instance.textNode(v);
    }
  }

  static Map<String, String> environment() {
    return System.getenv();
  }
}
