package dev.trainset.pipelines.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Only one run writes an output folder at a time (an Airflow retry while the first attempt still runs, overlapping cron
 * runs). Object stores have no locks and s3proxy, Azurite and older S3-compatible servers ignore conditional writes,
 * so the lock needs only what every store trainset writes to guarantees: a written object is listed at once (S3 since
 * 2020, Azure Blob, local disks).
 *
 * <p>A run writes {@code OUT/_trainset/locks/<token>-000000.json} (who holds it: run id, host, process, since; the token
 * starts with the time), then lists the locks. A lock is never rewritten in place (Beam's Azure file system refuses
 * to overwrite, and a delete-then-write would leave a moment without it): each rewrite writes the next number, then
 * removes the one before, so a lock is always there while its run lives. It holds the output when no other live lock comes first: a lock marked
 * held (a run that got it) comes before one that is not, then the smaller token. Two runs that write at the same
 * moment both see both locks and agree on which goes first. The winner marks its lock held and looks once more (a held
 * lock that comes first, possible only when clocks of two hosts disagree, makes it give way). The holder rewrites its
 * lock every {@link #HEARTBEAT}; a lock not rewritten for {@link #STALE}, or one whose process ran where this one
 * runs (same host and PID namespace) and is gone, belongs to a run that died and is ignored (and removed): a retry
 * right after a killed run on the same machine proceeds at once. The holder removes its lock when it is done, however it ends.
 */
public final class OutputLock implements AutoCloseable {
  static final String FOLDER = OutputDir.WORK + "locks/";
  static final Duration HEARTBEAT = Duration.ofSeconds(20);
  /** The heartbeat in use: {@link #HEARTBEAT}, shorter only in tests. */
  static volatile Duration beatEvery = HEARTBEAT;
  static final Duration STALE = Duration.ofMinutes(3);
  private static final Duration POLL = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Which processes a pid names: this host's name and, on Linux, its PID namespace (containers share host names). */
  private static final String PROCESSES = processes();

  private final OutputDir out;
  private final String token;
  private final ObjectNode content;
  private final Thread heartbeat;
  private int seq = -1; // the number of the lock's current object

  private OutputLock(OutputDir out, String token, ObjectNode content) {
    this.out = out;
    this.token = token;
    this.content = content;
    this.heartbeat = new Thread(this::beat, "trainset-output-lock");
    this.heartbeat.setDaemon(true);
  }

  /**
   * Takes the output for a run, waiting up to {@code wait} for a run that holds it (zero: not at all).
   *
   * @throws TrainsetException (exit 2) when another run holds it, naming that run
   */
  public static OutputLock acquire(OutputDir out, String runId, Duration wait) {
    Instant giveUp = Instant.now().plus(wait);
    while (true) {
      String token = String.format("%013d-%s", System.currentTimeMillis(), UUID.randomUUID().toString().substring(0, 8));
      ObjectNode content = JSON.createObjectNode();
      content.put("runId", runId);
      content.put("host", host());
      content.put("pid", ProcessHandle.current().pid());
      content.put("processes", PROCESSES);
      content.put("since", Instant.now().toString());
      content.put("held", false);
      OutputLock lock = new OutputLock(out, token, content);
      lock.write();
      Lock first = lock.first(false);
      if (first == null) {
        content.put("held", true);
        lock.write();
        first = lock.first(true);
        if (first == null) {
          lock.heartbeat.start();
          return lock;
        }
      }
      lock.remove();
      if (!Instant.now().isBefore(giveUp)) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            "output '" + out.root() + "' is being written by run " + first.runId + " (" + first.host + ", process " + first.pid
                + ", since " + first.since + "); only one run writes an output at a time: try again once it is done (trainset run --wait-for-output DURATION waits for it)");
      }
      try {
        Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, Duration.between(Instant.now(), giveUp).toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TrainsetException(TrainsetException.INTERNAL, "interrupted while waiting for output '" + out.root() + "'", e);
      }
    }
  }

  /** A lock as listed: its token, who holds it, and whether it is held. */
  private record Lock(String token, boolean held, String runId, String host, long pid, String since, String processes) {
    /** Whether its process is known to be gone: it ran where this one runs, and its pid is no longer alive. */
    boolean deadHere() {
      return PROCESSES.equals(processes) && pid > 0 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }
  }

  /** The live lock that comes before ours ({@code held} or not), or null when ours is first. */
  private Lock first(boolean held) {
    // A lock's objects: <token>-<number>.json; the newest number is its content, the newest time its last sign of life.
    Map<String, List<Metadata>> byToken = new TreeMap<>();
    for (Metadata m : list(out)) {
      String name = m.resourceId().getFilename();
      int dash = name.lastIndexOf('-');
      if (name.endsWith(".json") && dash > 0) {
        byToken.computeIfAbsent(name.substring(0, dash), k -> new ArrayList<>()).add(m);
      }
    }
    List<Lock> live = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (Map.Entry<String, List<Metadata>> e : byToken.entrySet()) {
      if (e.getKey().equals(token)) {
        live.add(new Lock(token, held, null, null, 0, null, null));
        continue;
      }
      List<Metadata> objects = e.getValue();
      objects.sort(Comparator.comparing((Metadata m) -> m.resourceId().getFilename()));
      long lastSeen = objects.stream().mapToLong(Metadata::lastModifiedMillis).max().orElse(0);
      Lock l = read(e.getKey(), objects.get(objects.size() - 1));
      if ((lastSeen > 0 && now - lastSeen > STALE.toMillis()) || (l != null && l.deadHere())) {
        objects.forEach(m -> delete(m.resourceId())); // its run died (killed, machine lost) without removing it
        continue;
      }
      if (l != null) {
        live.add(l); // (null: removed while we looked)
      }
    }
    live.sort(Comparator.comparing((Lock l) -> !l.held).thenComparing(Lock::token));
    Lock head = live.isEmpty() ? null : live.get(0);
    return head == null || head.token.equals(token) ? null : head;
  }

  private static List<Metadata> list(OutputDir out) {
    try {
      MatchResult r = FileSystems.match(out.path(FOLDER) + "*.json", EmptyMatchTreatment.ALLOW);
      return r.status() == MatchResult.Status.OK ? r.metadata() : List.of();
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot list " + out.path(FOLDER) + ": " + e.getMessage(), e);
    }
  }

  private Lock read(String lockToken, Metadata m) {
    try {
      JsonNode n = JSON.readTree(out.read(FOLDER + m.resourceId().getFilename()));
      return new Lock(
          lockToken, n.path("held").asBoolean(false), n.path("runId").asText("?"), n.path("host").asText("?"),
          n.path("pid").asLong(0), n.path("since").asText("?"), n.path("processes").asText(""));
    } catch (IOException e) {
      return null;
    }
  }

  private String object(int number) {
    return FOLDER + token + String.format("-%06d.json", number);
  }

  /** Writes the lock's next object, then removes the one before. */
  private synchronized void write() {
    out.write(object(seq + 1), content.toString() + "\n", "application/json");
    if (seq >= 0) {
      delete(FileSystems.matchNewResource(out.path(object(seq)), false));
    }
    seq++;
  }

  private void beat() {
    while (true) {
      try {
        Thread.sleep(beatEvery.toMillis());
        write();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the next beat tries again; a lock not rewritten for STALE is given up by others
      }
    }
  }

  private synchronized void remove() {
    if (seq >= 0) {
      delete(FileSystems.matchNewResource(out.path(object(seq)), false));
    }
  }

  private static void delete(ResourceId id) {
    try {
      FileSystems.delete(List.of(id), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      // a lock that cannot be removed goes stale
    }
  }

  /** This process's {@code processes} value (for tests). */
  static String processesHere() {
    return PROCESSES;
  }

  private static String processes() {
    String ns = "";
    try {
      ns = " " + java.nio.file.Files.readSymbolicLink(java.nio.file.Paths.get("/proc/self/ns/pid"));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux: the host name alone
    }
    return host() + ns;
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }

  /** Gives the output up. */
  @Override
  public void close() {
    heartbeat.interrupt();
    try {
      heartbeat.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    remove();
    removeEmptyLocalFolders();
  }

  /** On a local disk, the folders the lock needed, when nothing else is in them (a run that failed at once). */
  private void removeEmptyLocalFolders() {
    if (out.root().contains("://")) {
      return; // object stores have no folders
    }
    for (String folder : new String[] {FOLDER, OutputDir.WORK}) {
      try {
        java.nio.file.Files.deleteIfExists(java.nio.file.Paths.get(out.path(folder)));
      } catch (IOException e) {
        return; // not empty: another run's lock, or the run's working files
      }
    }
  }
}
