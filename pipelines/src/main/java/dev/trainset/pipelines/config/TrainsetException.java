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

  private final int exitCode;

  public TrainsetException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public TrainsetException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
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
