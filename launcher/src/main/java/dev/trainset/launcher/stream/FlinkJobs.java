package dev.trainset.launcher.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The stream job through Flink's REST API, on the embedded mini-cluster (trainset gives it a port) or a cluster:
 * its id and state, and stop-with-savepoint with drain (every window closes, its files are written, then the job
 * ends).
 */
public final class FlinkJobs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param base {@code http://127.0.0.1:8081} */
  public FlinkJobs(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private JsonNode call(String method, String path, String body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IOException(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The id of the unfinished job named {@code name}, or null while there is none (yet). */
  public String runningJob(String name) {
    try {
      for (JsonNode j : call("GET", "/jobs/overview", null).path("jobs")) {
        String s = j.path("state").asText();
        if (j.path("name").asText().equals(name)
            && (s.equals("RUNNING") || s.equals("CREATED") || s.equals("INITIALIZING") || s.equals("RESTARTING"))) {
          return j.path("jid").asText();
        }
      }
      return null;
    } catch (IOException e) {
      return null; // not up yet
    }
  }

  /** Whether every task of the job is running (the sources are reading). */
  public boolean allRunning(String job) {
    try {
      JsonNode j = call("GET", "/jobs/" + job, null);
      for (JsonNode v : j.path("vertices")) {
        if (!v.path("status").asText().equals("RUNNING")) {
          return false;
        }
      }
      return j.path("state").asText().equals("RUNNING");
    } catch (IOException e) {
      return false;
    }
  }

  /** The number of completed checkpoints of the job. */
  public long completedCheckpoints(String job) {
    try {
      return call("GET", "/jobs/" + job + "/checkpoints", null).path("counts").path("completed").asLong();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The records the job's source tasks have sent on (their {@code write-records}, which Flink's REST API refreshes every
   * {@code metrics.fetcher.update-interval}): one per message read, as the parse step is chained to the source.
   */
  public long sourceRecordsOut(String job) throws IOException {
    long n = 0;
    for (JsonNode v : call("GET", "/jobs/" + job, null).path("vertices")) {
      if (v.path("name").asText().startsWith("Source:")) {
        n += v.path("metrics").path("write-records").asLong();
      }
    }
    return n;
  }

  private long seenFailure;

  /** The first line of the job's newest failure since the last call, or null. */
  public String newFailure(String job) {
    try {
      JsonNode entries = call("GET", "/jobs/" + job + "/exceptions", null).path("exceptionHistory").path("entries");
      String line = null;
      long newest = seenFailure;
      for (JsonNode e : entries) {
        long t = e.path("timestamp").asLong();
        if (t > seenFailure && t > newest - 1) {
          newest = Math.max(newest, t);
          String trace = e.path("stacktrace").asText();
          String root = trace;
          for (String l : trace.split("\n")) {
            if (l.startsWith("Caused by: ")) {
              root = l.substring("Caused by: ".length());
            }
          }
          line = root.split("\n")[0];
        }
      }
      seenFailure = newest;
      return line;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Stops the job with a savepoint in {@code directory}: with {@code drain}, every window closes first (the watermark
   * goes to the end); without, the records waiting for their window stay in the savepoint for the next run.
   */
  public String stopWithSavepoint(String job, String directory, boolean drain) throws IOException {
    String body = JSON.createObjectNode().put("drain", drain).put("targetDirectory", directory).toString();
    return call("POST", "/jobs/" + job + "/stop", body).path("request-id").asText();
  }

  /** Where a stop's savepoint went, or null while it is in progress; throws when it failed. */
  public String savepoint(String job, String request) throws IOException {
    JsonNode r = call("GET", "/jobs/" + job + "/savepoints/" + request, null);
    if (!r.path("status").path("id").asText().equals("COMPLETED")) {
      return null;
    }
    JsonNode op = r.path("operation");
    if (op.has("failure-cause")) {
      throw new IOException("the savepoint failed: " + op.path("failure-cause").path("stack-trace").asText().split("\n")[0]);
    }
    return op.path("location").asText();
  }
}
