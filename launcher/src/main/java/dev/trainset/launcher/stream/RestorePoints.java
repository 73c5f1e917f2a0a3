package dev.trainset.launcher.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A stream's checkpoint folder and what a new run resumes from. Flink keeps each job's retained checkpoints under
 * {@code <folder>/<job id>/chk-<n>/} and trainset's stop-with-savepoint writes {@code <folder>/savepoints/savepoint-…/};
 * each complete one has a {@code _metadata} file. The newest of them is where the next run starts: the records that
 * were waiting for their window, and the source positions after them.
 */
public final class RestorePoints {
  /** The savepoints' folder inside the checkpoint folder. */
  public static final String SAVEPOINTS = "savepoints";
  /** The file that keeps where this line of jobs (a start without state and the runs resumed from it) began. */
  static final String FLOOR = "started-after";
  /** The fingerprint of the configuration the line of jobs started with: a restored job keeps its source and state. */
  static final String CONFIG = "configuration.sha256";
  /** A drain's savepoint: never a point to resume from (its windows are all closed); emptied with the folder. */
  static final String DRAIN = "drain";
  /** Held (locked) by the one run that uses the folder. */
  static final String LOCK = "lock";

  private final Path folder;

  public RestorePoints(Path folder) {
    this.folder = folder;
  }

  public Path folder() {
    return folder;
  }

  public Path savepoints() {
    return folder.resolve(SAVEPOINTS);
  }

  /** Where a drain's savepoint goes. */
  public Path drain() {
    return folder.resolve(DRAIN);
  }

  /** Whether a drain was under way when its process ended: its folder is emptied only once the drain is done. */
  public boolean drainCut() {
    return Files.isDirectory(drain());
  }

  /** A checkpoint or savepoint that a job can start from. */
  public record Point(Path path, boolean savepoint, FileTime written) {
    /** How the start line names it: {@code checkpoint chk-12} or {@code savepoint savepoint-3f1e2a-…}. */
    public String describe() {
      return (savepoint ? "savepoint " : "checkpoint ") + path.getFileName();
    }
  }

  /** The newest complete checkpoint or savepoint, or null when there is none. */
  public Point newest() {
    List<Point> all = all();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** Every complete checkpoint and savepoint, oldest first. */
  List<Point> all() {
    List<Point> points = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return points;
    }
    try (Stream<Path> children = Files.list(folder)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        boolean savepoints = child.getFileName().toString().equals(SAVEPOINTS);
        if (!Files.isDirectory(child)) {
          continue;
        }
        try (Stream<Path> inner = Files.list(child)) {
          for (Path p : (Iterable<Path>) inner::iterator) {
            String name = p.getFileName().toString();
            Path metadata = p.resolve("_metadata");
            if ((savepoints ? name.startsWith("savepoint-") : name.startsWith("chk-")) && Files.isRegularFile(metadata)) {
              points.add(new Point(p, savepoints, Files.getLastModifiedTime(metadata)));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the checkpoint folder " + folder, e);
    }
    points.sort(Comparator.comparing(Point::written).thenComparing(p -> p.path().toString()));
    return points;
  }

  /**
   * Records, for a job that starts without state, the end of the newest window earlier runs completed: the jobs that
   * resume from this one's checkpoints must treat the same windows as complete, whatever was written since.
   */
  public void startLine(long closedBefore, String configSha256) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(FLOOR), Long.toString(closedBefore));
    Files.writeString(folder.resolve(CONFIG), configSha256);
  }

  /** Whether the line of jobs started with this configuration (true when checkpoints of an older trainset do not say). */
  public boolean sameConfiguration(String configSha256) {
    try {
      return Files.readString(folder.resolve(CONFIG)).trim().equals(configSha256);
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * Takes the folder for this run: a second run on the same folder (an overlapping cron run, a second terminal) would
   * restore the same point and delete the first one's checkpoints. Null when another process holds it.
   */
  public java.nio.channels.FileLock lock() throws IOException {
    Files.createDirectories(folder);
    java.nio.channels.FileChannel ch =
        java.nio.channels.FileChannel.open(folder.resolve(LOCK), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
    java.nio.channels.FileLock l;
    try {
      l = ch.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      l = null; // held in this JVM already
    }
    if (l == null) {
      ch.close();
    }
    return l;
  }

  /** Whether job {@code job} has a completed checkpoint of its own on disk (a savepoint of the job is not one). */
  public boolean hasCheckpoint(String job) {
    return all().stream().anyMatch(p -> !p.savepoint() && p.path().getParent().getFileName().toString().equals(job));
  }

  /** What {@link #startLine} recorded, or {@code none} when nothing was (checkpoints of an older trainset). */
  public long lineStart(long none) {
    try {
      return Long.parseLong(Files.readString(folder.resolve(FLOOR)).trim());
    } catch (IOException | NumberFormatException e) {
      return none;
    }
  }

  /**
   * Removes every checkpoint and savepoint except those of the running job {@code keepJob}: once that job has a
   * completed checkpoint of its own, the points it started from are behind it.
   */
  public void removeAllBut(String keepJob) throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> children = Files.list(folder)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        String name = child.getFileName().toString();
        boolean keep = name.equals(LOCK) || keepJob != null && (name.equals(keepJob) || name.equals(FLOOR) || name.equals(CONFIG));
        if (!keep) {
          delete(child);
        }
      }
    }
  }

  /**
   * Removes everything but the lock: after a drain every record is written and its offset committed, and with
   * {@code --fresh} the old line of jobs is given up; nothing is left to resume from.
   */
  public void clear() throws IOException {
    removeAllBut(null);
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    }
  }
}
