package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.SliceInput;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Lists the files of an input path (a file, a glob, or a folder, whose files are all read except hidden ones whose
 * names start with {@code .} or {@code _}) through Beam's file systems, sorted by name so a run's sources are fixed.
 */
public final class Inputs {
  private Inputs() {}

  public static List<Metadata> list(String path) {
    List<Metadata> files = new ArrayList<>();
    try {
      if (hasGlob(path)) {
        files.addAll(match(path));
      } else {
        List<Metadata> direct = path.endsWith("/") ? List.of() : match(path);
        for (Metadata m : direct) {
          if (!m.resourceId().isDirectory()) {
            files.add(m);
          }
        }
        if (files.isEmpty()) {
          files.addAll(match((path.endsWith("/") ? path : path + "/") + "*"));
        }
      }
    } catch (IOException e) {
      throw new TrainsetException(
          TrainsetException.DATA, "input.path '" + path + "': cannot list it (" + e.getMessage() + ")", e);
    }
    files.removeIf(m -> m.resourceId().isDirectory() || hidden(m.resourceId().getFilename()));
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
    if (files.isEmpty()) {
      throw TrainsetException.data("input.path '" + path + "' matches no files");
    }
    if (files.stream().allMatch(m -> m.sizeBytes() == 0)) {
      throw TrainsetException.data("input.path '" + path + "': every matched file is empty");
    }
    return files;
  }

  /** What identifies a run's inputs: each file's name, size and modification time, one per line. */
  public static String identity(List<Metadata> files) {
    StringBuilder b = new StringBuilder();
    for (Metadata f : files) {
      b.append(f.resourceId()).append('|').append(f.sizeBytes()).append('|').append(f.lastModifiedMillis()).append('\n');
    }
    return b.toString();
  }

  private static List<Metadata> match(String spec) throws IOException {
    MatchResult r = FileSystems.match(spec, EmptyMatchTreatment.ALLOW);
    if (r.status() == MatchResult.Status.NOT_FOUND) {
      return List.of();
    }
    if (r.status() != MatchResult.Status.OK) {
      throw new IOException("listing returned " + r.status());
    }
    return r.metadata();
  }

  private static boolean hidden(String name) {
    return name != null && (name.startsWith(".") || name.startsWith("_"));
  }

  static boolean hasGlob(String path) {
    return path.indexOf('*') >= 0 || path.indexOf('?') >= 0 || path.indexOf('[') >= 0 || path.indexOf('{') >= 0;
  }

  /** Opens a file as text, decompressed by its extension, on the launcher (headers and samples only). */
  public static Reader openText(Metadata file, TextEncoding encoding) throws IOException {
    String path = file.resourceId().toString();
    return encoding.reader(SliceInput.open(FileSlice.whole(0, path), false, -1), path, 0);
  }

  /** The name without compression extensions, lower case: {@code data.csv.gz} → {@code data.csv}. */
  public static String baseName(String filename) {
    String n = filename.toLowerCase(java.util.Locale.ROOT);
    for (String ext : new String[] {".gz", ".gzip", ".bz2", ".zst", ".zstd", ".deflate", ".lzo", ".snappy"}) {
      if (n.endsWith(ext)) {
        return n.substring(0, n.length() - ext.length());
      }
    }
    return n;
  }
}
