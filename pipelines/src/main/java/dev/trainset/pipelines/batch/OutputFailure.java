package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.TrainsetException;
import java.io.IOException;

/**
 * Turns a failure to write a run's files (a full disk, a storage server that failed or went away mid-run) into one
 * clear error with its own exit code, and clears what the run had written to its temporary folder, so that a
 * scheduler can tell it from a bug and retry, and a full disk is not left full.
 */
public final class OutputFailure {
  private OutputFailure() {}

  /**
   * The error to throw for {@code e}: itself when it is not an I/O failure (a data or usage error, a bug), else an
   * {@link TrainsetException#OUTPUT} error naming the output and the storage's own reason.
   *
   * @param moving whether the run was moving its files into place (then some may be at final paths already)
   */
  public static RuntimeException of(RuntimeException e, OutputDir out, String temp, boolean moving) {
    if (e instanceof TrainsetException t && t.exitCode() != TrainsetException.INTERNAL) {
      return e;
    }
    IOException io = ioCause(e);
    if (io == null) {
      return e;
    }
    String cleared = clear(out, temp);
    return new TrainsetException(
        TrainsetException.OUTPUT,
        "cannot write the output " + out.root() + ": " + reason(io) + "; no _SUCCESS was written and "
            + (moving ? "some files may be at their final paths already" : "nothing is at the final paths") + " (" + cleared
            + "); run again once that is fixed",
        e);
  }

  private static IOException ioCause(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  /** The innermost message of the chain from {@code io} on: the storage's own words ("No space left on device"). */
  private static String reason(IOException io) {
    String msg = io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage());
    for (Throwable c = io.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null) {
        msg = c.getClass().getSimpleName() + ": " + c.getMessage();
      }
    }
    return msg;
  }

  private static String clear(OutputDir out, String temp) {
    try {
      out.removeTemporary(temp);
      return "the run's temporary files were removed";
    } catch (RuntimeException cannot) {
      return "its temporary files under " + temp + " remain, as the store could not remove them; the next run clears them";
    }
  }
}
