package dev.trainset.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainset.pipelines.batch.ClusterProgress;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The slices a trainset job on a Flink cluster has finished, from the cluster's REST API: the newest job of that name
 * in {@code /jobs/overview} that was not there before it was submitted (a retried run reuses its job names), then the
 * summed {@code numSplitsProcessed} of the vertex that reads the slices (one input split per slice, counted by Flink
 * as each one ends; the REST API refreshes it every 10 s by default).
 */
final class FlinkRestProgress implements ClusterProgress {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SLICES_STEP = "ReadSlices";
  private static final String SPLITS_METRIC = ".numSplitsProcessed";

  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** Per job id: the vertex reading the slices and its metric's id, once found. */
  private final Map<String, String[]> metricOf = new HashMap<>();

  /** @param master the JobManager's REST endpoint, {@code host:port} or a URL */
  FlinkRestProgress(String master) {
    String m = master.contains("://") ? master : "http://" + master;
    this.base = m.endsWith("/") ? m.substring(0, m.length() - 1) : m;
  }

  @Override
  public LongSupplier follow(String jobName) {
    Set<String> earlier = new HashSet<>();
    try {
      earlier.addAll(jobs(jobName));
    } catch (IOException e) {
      // not reachable yet: every job of that name is this one
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return () -> slicesDone(jobName, earlier);
  }

  /** The ids of the jobs of this name the cluster knows, newest first. */
  private List<String> jobs(String jobName) throws IOException, InterruptedException {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      if (jobName.equals(j.path("name").asText())) {
        found.add(j);
      }
    }
    found.sort(Comparator.comparingLong((JsonNode j) -> j.path("start-time").asLong()).reversed());
    List<String> ids = new ArrayList<>();
    found.forEach(j -> ids.add(j.path("jid").asText()));
    return ids;
  }

  /** The slices finished by the newest job of this name that is not one of {@code earlier}, or -1. */
  long slicesDone(String jobName, Set<String> earlier) {
    try {
      String jid = null;
      for (String id : jobs(jobName)) {
        if (!earlier.contains(id)) {
          jid = id;
          break;
        }
      }
      if (jid == null) {
        return -1;
      }
      String[] metric = metricOf.get(jid);
      if (metric == null) {
        metric = findMetric(jid);
        if (metric == null) {
          return -1;
        }
        metricOf.put(jid, metric);
      }
      JsonNode values =
          get("/jobs/" + jid + "/vertices/" + metric[0] + "/subtasks/metrics?agg=sum&get=" + URLEncoder.encode(metric[1], StandardCharsets.UTF_8));
      for (JsonNode v : values) {
        if (v.has("sum")) {
          return Math.round(v.path("sum").asDouble());
        }
      }
      return -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String[] findMetric(String jid) throws IOException, InterruptedException {
    for (JsonNode v : get("/jobs/" + jid).path("vertices")) {
      if (!v.path("name").asText().contains(SLICES_STEP)) {
        continue;
      }
      String vid = v.path("id").asText();
      for (JsonNode m : get("/jobs/" + jid + "/vertices/" + vid + "/subtasks/metrics")) {
        String id = m.path("id").asText();
        if (id.contains(SLICES_STEP) && id.endsWith(SPLITS_METRIC)) {
          return new String[] {vid, id};
        }
      }
    }
    return null;
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(3)).GET().build();
    HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }
}
