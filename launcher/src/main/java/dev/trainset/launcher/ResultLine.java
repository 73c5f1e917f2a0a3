package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * The one {@code TRAINSET_RESULT} line a command prints on stdout, so a scheduler reads how the command ended without
 * scraping stderr: the result when it succeeds, or {@code status: failed} with the exit code and the error, plus what
 * was known when it failed (the run id, the output). Printed once, whichever happens.
 */
final class ResultLine {
  static final String PREFIX = "TRAINSET_RESULT ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode known = JSON.createObjectNode();
  private boolean printed;

  /** The commands that print one. */
  interface Owner {
    ResultLine resultLine();
  }

  /** Something known about the command so far (kept for a failure's line). */
  ResultLine know(String key, String value) {
    known.put(key, value);
    return this;
  }

  void print(PrintWriter out, ObjectNode result) {
    printed = true;
    out.println(PREFIX + result);
    out.flush();
  }

  /** The failure's line, unless the command printed its line already (a failed training job prints its own). */
  void printFailure(PrintWriter out, int exitCode, String error) {
    if (printed) {
      return;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("status", "failed");
    n.put("exitCode", exitCode);
    n.put("error", error);
    n.setAll(known);
    print(out, n);
  }
}
