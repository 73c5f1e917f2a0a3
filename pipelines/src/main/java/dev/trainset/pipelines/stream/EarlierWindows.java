package dev.trainset.pipelines.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The windows earlier runs completed in an output, from its {@code latest.json}, for a run that starts without state
 * (the first one, one after a drain, or {@code --fresh}). Records of those windows are late: a complete window is
 * never written again, so nothing an earlier run wrote is overwritten; and {@code latest.json} goes on listing them.
 *
 * @param closedBefore the end of the newest complete window (epoch milliseconds), or {@link #NONE}
 * @param complete the complete windows {@code latest.json} lists, oldest first
 */
public record EarlierWindows(long closedBefore, List<WindowDone> complete) implements Serializable {
  /** No window is complete: every record's window is open. */
  public static final long NONE = Long.MIN_VALUE;

  private static final ObjectMapper JSON = new ObjectMapper();

  public static EarlierWindows none() {
    return new EarlierWindows(NONE, List.of());
  }

  /** The same windows, with records late before {@code end} (the floor a resumed job started its state with). */
  public EarlierWindows closedBefore(long end) {
    return new EarlierWindows(end, complete);
  }

  /** The rows of the complete windows listed. */
  public long rows() {
    return complete.stream().mapToLong(WindowDone::totalRows).sum();
  }

  /** The rejected records of the complete windows listed. */
  public long rejected() {
    return complete.stream().mapToLong(WindowDone::rejected).sum();
  }

  /** How many windows are complete. */
  public int count() {
    return complete.size();
  }

  /** The complete windows' folders ({@code window=20260101T000500Z}), oldest first. */
  public List<String> folders() {
    return complete.stream().map(WindowDone::folder).toList();
  }

  /** The newest complete window's folder, or null. */
  public String newest() {
    return complete.isEmpty() ? null : complete.get(complete.size() - 1).folder();
  }

  /** Reads {@code OUT/latest.json} ({@code out} ends in {@code /}); none when the output has none yet. */
  public static EarlierWindows read(String out) {
    OutputDir dir = OutputDir.of(out);
    String path = dir.path(LatestWindows.LATEST);
    if (!dir.exists(LatestWindows.LATEST)) {
      return none();
    }
    JsonNode latest;
    try {
      latest = JSON.readTree(dir.read(LatestWindows.LATEST));
    } catch (IOException e) {
      throw TrainsetException.data("cannot read " + path + ": " + e.getMessage());
    }
    List<WindowDone> windows = new ArrayList<>();
    long closedBefore = NONE;
    try {
      for (JsonNode w : latest.path("complete")) {
        Map<String, Long> rows = new LinkedHashMap<>();
        w.path("splits").fields().forEachRemaining(s -> rows.put(s.getKey(), s.getValue().asLong()));
        long start = Instant.parse(w.path("start").asText()).toEpochMilli();
        long end = Instant.parse(w.path("end").asText()).toEpochMilli();
        windows.add(new WindowDone(start, end, w.path("window").asText(), rows, w.path("rejected").asLong(), w.path("late").asLong()));
        closedBefore = Math.max(closedBefore, end);
      }
    } catch (RuntimeException e) {
      throw TrainsetException.data(path + " is not a trainset latest.json (" + e.getMessage() + ")");
    }
    windows.sort(java.util.Comparator.comparingLong(WindowDone::start));
    return new EarlierWindows(closedBefore, List.copyOf(windows));
  }
}
