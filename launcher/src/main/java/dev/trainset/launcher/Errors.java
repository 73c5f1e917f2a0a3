package dev.trainset.launcher;

import dev.trainset.pipelines.config.TrainsetException;
import java.io.PrintStream;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine;

/** Turns failures into one clear line on stderr and an exit code; the stack trace only with {@code --verbose}. */
final class Errors implements IExecutionExceptionHandler {
  private final PrintStream err;
  private final boolean verbose;
  private final Lines lines;

  Errors(PrintStream err, boolean verbose, Lines.Format format) {
    this.err = err;
    this.verbose = verbose;
    this.lines = new Lines(format, err::println);
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
    TrainsetException te = find(ex);
    if (te != null) {
      lines.error("error: " + te.getMessage(), te.exitCode());
      if (verbose) {
        te.printStackTrace(err);
      }
      return failed(cmd, te.exitCode(), te.getMessage());
    }
    if (ex instanceof IllegalArgumentException && isOptionsError(ex)) {
      String message = ex.getMessage().split("\n")[0];
      lines.error("error: " + message, TrainsetException.USAGE);
      return failed(cmd, TrainsetException.USAGE, message);
    }
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = "internal error: " + root.getClass().getSimpleName() + ": " + root.getMessage();
    lines.error(message + (verbose ? "" : " (run with --verbose for the stack trace)"), TrainsetException.INTERNAL);
    if (verbose) {
      ex.printStackTrace(err);
    }
    return failed(cmd, TrainsetException.INTERNAL, message);
  }

  /** Prints a failed command's result line (for the commands that have one) and returns the exit code. */
  static int failed(CommandLine cmd, int exitCode, String error) {
    if (cmd != null && cmd.getCommand() instanceof ResultLine.Owner o) {
      o.resultLine().printFailure(cmd.getOut(), exitCode, error);
    }
    return exitCode;
  }

  private static TrainsetException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TrainsetException) {
        return (TrainsetException) c;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** Beam's PipelineOptionsFactory reports unknown or malformed options as IllegalArgumentException. */
  private static boolean isOptionsError(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("org.apache.beam.sdk.options.")) {
        return true;
      }
    }
    return false;
  }
}
