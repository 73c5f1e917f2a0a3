package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.TrainsetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A run's output folder: layout, the check that refuses to write into a non-empty folder, the clean-up that {@code
 * --overwrite} does (only of a folder trainset wrote, keeping the cached inferred schemas), and small file writes.
 *
 * <pre>
 * OUT/data/parquet/part-*.parquet  the rows (one file per slice of the input)
 * OUT/rejected/part-*.jsonl      the records that were turned away, with source, position and reason
 * OUT/manifest.json              what was read and written, with sizes, rows and sha256
 * OUT/_trainset/                 working files: inferred schemas (reused on re-runs), the list of written files
 * OUT/_SUCCESS                   empty, written last
 * OUT/.temp-trainset-*           while a run writes: its files before they are complete; renamed into place, then removed
 * </pre>
 */
public final class OutputDir {
  public static final String MANIFEST = "manifest.json";
  public static final String SUCCESS = "_SUCCESS";
  public static final String WORK = "_trainset/";
  /** Written when a run starts: its run id, so an interrupted run can be recognised and redone. */
  public static final String RUN_MARKER = WORK + "run.json";
  static final String SCHEMA_CACHE_PREFIX = "schema-";
  /** The temporary folder of a run, {@code .temp-trainset-<run id>/}: its files until they are complete. */
  public static final String TEMP_PREFIX = ".temp-trainset-";

  private final String root;

  private OutputDir(String root) {
    this.root = root;
  }

  /** A local relative path becomes absolute; a URI ({@code s3://}...) is kept; the result ends with a separator. */
  public static OutputDir of(String path) {
    String p = path;
    if (!p.contains("://")) {
      p = Paths.get(p).toAbsolutePath().normalize().toString();
    }
    return new OutputDir(p.endsWith("/") ? p : p + "/");
  }

  public String root() {
    return root;
  }

  public String path(String relative) {
    return root + relative;
  }

  /**
   * Refuses a non-empty folder unless {@code overwrite}; with it, deletes what an earlier run wrote. A non-empty
   * folder that holds no trainset output is never deleted.
   */
  public void prepare(boolean overwrite) {
    prepare(overwrite, null);
  }

  /**
   * As {@link #prepare(boolean)}, and also clears, without {@code --overwrite}, the partial output of an interrupted
   * run with the same run id (its run marker names it and there is no {@code _SUCCESS}): a retry redoes it.
   */
  public void prepare(boolean overwrite, String runId) {
    List<Metadata> existing = list();
    if (existing.isEmpty()) {
      return;
    }
    if (!overwrite && !interruptedRun(runId)) {
      throw new TrainsetException(
          TrainsetException.USAGE,
          "output '" + root + "' already exists and is not empty; pass --overwrite to replace it");
    }
    boolean ours = existing.stream().anyMatch(m -> isOurs(m.resourceId().toString()));
    if (!ours) {
      throw new TrainsetException(
          TrainsetException.USAGE,
          "output '" + root + "' is not empty and holds no trainset output (no " + MANIFEST + " or " + WORK
              + "); refusing to delete it, even with --overwrite");
    }
    List<ResourceId> delete = new ArrayList<>();
    for (Metadata m : existing) {
      String rel = m.resourceId().toString().substring(root.length());
      if (!(rel.startsWith(WORK + SCHEMA_CACHE_PREFIX))) {
        delete.add(m.resourceId());
      }
    }
    try {
      FileSystems.delete(delete, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      removeEmptyLocalDirectories();
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot clear output '" + root + "': " + e.getMessage(), e);
    }
  }

  /**
   * On a local disk, deleting files leaves their emptied folders (such as an interrupted run's temporary folder);
   * object stores have no folders, so there is nothing to do there.
   */
  private void removeEmptyLocalDirectories() throws IOException {
    if (root.contains("://")) {
      return;
    }
    java.nio.file.Path top = Paths.get(root);
    try (var walk = java.nio.file.Files.walk(top)) {
      for (java.nio.file.Path d : walk.filter(java.nio.file.Files::isDirectory).sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!d.equals(top)) {
          try (var entries = java.nio.file.Files.list(d)) {
            if (entries.findAny().isEmpty()) {
              java.nio.file.Files.delete(d);
            }
          }
        }
      }
    }
  }

  /**
   * Removes a temporary folder a finished write has emptied (on a local disk the folder itself stays behind), with
   * anything a failed attempt left in it.
   */
  public void removeTemporary(String relativeFolder) {
    try {
      MatchResult m = FileSystems.match(path(relativeFolder) + "**", EmptyMatchTreatment.ALLOW);
      List<ResourceId> delete = new ArrayList<>();
      if (m.status() == MatchResult.Status.OK) {
        m.metadata().stream().filter(md -> !md.resourceId().isDirectory()).forEach(md -> delete.add(md.resourceId()));
      }
      FileSystems.delete(delete, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      java.nio.file.Path folder = root.contains("://") ? null : Paths.get(path(relativeFolder));
      if (folder != null && java.nio.file.Files.isDirectory(folder)) {
        try (var walk = java.nio.file.Files.walk(folder)) {
          for (java.nio.file.Path d : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            java.nio.file.Files.delete(d);
          }
        }
      }
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot remove " + path(relativeFolder) + ": " + e.getMessage(), e);
    }
  }

  /** The manifest of a complete run (one with {@code _SUCCESS}) in this folder, or null. */
  public Manifest completedManifest() {
    if (!exists(SUCCESS) || !exists(MANIFEST)) {
      return null;
    }
    try {
      return Manifest.parse(read(MANIFEST));
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether the folder holds the partial output of an unfinished run with this id. */
  public boolean interruptedRun(String runId) {
    if (runId == null || exists(SUCCESS) || !exists(RUN_MARKER)) {
      return false;
    }
    try {
      return runId.equals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(read(RUN_MARKER)).path("runId").asText());
    } catch (IOException e) {
      return false;
    }
  }

  private boolean isOurs(String path) {
    String rel = path.substring(Math.min(path.length(), root.length()));
    return rel.equals(MANIFEST) || rel.startsWith(WORK) || rel.equals(SUCCESS);
  }

  /** Every file under the folder (recursively). */
  public List<Metadata> list() {
    return list("");
  }

  /** The files under a folder of the output ({@code ""}: all of it), without the locks of running runs. */
  public List<Metadata> list(String relativeFolder) {
    try {
      MatchResult r = FileSystems.match(root + relativeFolder + "**", EmptyMatchTreatment.ALLOW);
      if (r.status() != MatchResult.Status.OK) {
        return List.of();
      }
      List<Metadata> out = new ArrayList<>();
      for (Metadata m : r.metadata()) {
        // Locks are not output: the run that holds one is running (OutputLock), and a clean-up leaves them.
        if (!m.resourceId().isDirectory() && !m.resourceId().toString().startsWith(root + OutputLock.FOLDER)) {
          out.add(m);
        }
      }
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }

  public boolean exists(String relative) {
    try {
      MatchResult r = FileSystems.match(path(relative), EmptyMatchTreatment.ALLOW);
      return r.status() == MatchResult.Status.OK && !r.metadata().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  public void write(String relative, String content, String mimeType) {
    ResourceId id = FileSystems.matchNewResource(path(relative), false);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(id, mimeType))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot write " + id + ": " + e.getMessage(), e);
    }
  }

  public String read(String relative) throws IOException {
    ResourceId id = FileSystems.matchNewResource(path(relative), false);
    try (InputStream in = Channels.newInputStream(FileSystems.open(id))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
