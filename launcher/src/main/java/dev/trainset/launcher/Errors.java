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
      return te.exitCode();
    }
    if (ex instanceof IllegalArgumentException && isOptionsError(ex)) {
      lines.error("error: " + ex.getMessage().split("\n")[0], TrainsetException.USAGE);
      return TrainsetException.USAGE;
    }
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    lines.error(
        "internal error: " + root.getClass().getSimpleName() + ": " + root.getMessage()
            + (verbose ? "" : " (run with --verbose for the stack trace)"),
        TrainsetException.INTERNAL);
    if (verbose) {
      ex.printStackTrace(err);
    }
    return TrainsetException.INTERNAL;
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
