package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * trainset's own lines on stderr (start, progress, done, errors): {@code trainset: …} text, or with {@code --log-format
 * json} one JSON object per line ({@code time}, {@code level}, {@code message}, and {@code exitCode} for errors) for log
 * collectors. Library logs (shown with {@code --verbose}) stay text.
 */
final class Lines {
  enum Format {
    TEXT,
    JSON
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Format format;
  private final Consumer<String> sink;

  Lines(Format format, Consumer<String> sink) {
    this.format = format;
    this.sink = sink;
  }

  /** The format named on a command line ({@code --log-format json} or {@code --log-format=json}); text otherwise. */
  static Format fromArgs(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String v = args[i].equals("--log-format") && i + 1 < args.length ? args[i + 1]
          : args[i].startsWith("--log-format=") ? args[i].substring("--log-format=".length()) : null;
      if (v != null) {
        return v.trim().toLowerCase(Locale.ROOT).equals("json") ? Format.JSON : Format.TEXT;
      }
    }
    return Format.TEXT;
  }

  /** A line that starts a run or reports on it; {@code text} is the whole text form ("trainset …"). */
  void info(String text, String message) {
    if (format == Format.TEXT) {
      sink.accept(text);
    } else {
      sink.accept(json("info", message).toString());
    }
  }

  void info(String message) {
    info("trainset: " + message, message);
  }

  void error(String message, int exitCode) {
    if (format == Format.TEXT) {
      sink.accept("trainset: " + message);
    } else {
      ObjectNode n = json("error", message.startsWith("error: ") ? message.substring(7) : message);
      n.put("exitCode", exitCode);
      sink.accept(n.toString());
    }
  }

  private static ObjectNode json(String level, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("time", Instant.now().toString());
    n.put("level", level);
    n.put("message", message);
    return n;
  }
}
