package dev.trainset.pipelines.config;

/**
 * A failure a user can act on, with the exit code the command line returns for it. The message is one line that
 * names the file, line or configuration key and what was expected.
 */
public class TrainsetException extends RuntimeException {
  /** Usage or configuration error. */
  public static final int USAGE = 2;
  /** Data error: input missing or empty, too many bad records. */
  public static final int DATA = 3;
  /** Internal error: a bug or an environment failure. */
  public static final int INTERNAL = 1;
  /** The training job failed, stopped or was canceled. */
  public static final int TRAINING = 4;
  /** The output could not be written mid-run (a full disk, a storage server that failed): worth a retry. */
  public static final int OUTPUT = 5;
  /** Interrupted (Ctrl-C, SIGTERM) before there was anything to save: the shell's code for SIGINT. */
  public static final int INTERRUPTED = 130;

  private final int exitCode;

  public TrainsetException(int exitCode, String message) {
    super(oneLine(message));
    this.exitCode = exitCode;
  }

  public TrainsetException(int exitCode, String message, Throwable cause) {
    super(oneLine(message), cause);
    this.exitCode = exitCode;
  }

  /**
   * The message as one line: control characters a message may quote from a config value or an input (a YAML value
   * with line breaks, a file name) are escaped (as \\n, \\t, or a \\u escape), so the error stays the
   * one line that names the key and what was expected.
   */
  static String oneLine(String message) {
    if (message == null) {
      return null;
    }
    StringBuilder b = null;
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(message.length() + 16).append(message, 0, i);
        }
        switch (c) {
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> b.append(String.format("\\u%04x", (int) c));
        }
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? message : b.toString();
  }

  public static TrainsetException config(String key, String problem) {
    return new TrainsetException(USAGE, "config key '" + key + "': " + problem);
  }

  public static TrainsetException data(String message) {
    return new TrainsetException(DATA, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
