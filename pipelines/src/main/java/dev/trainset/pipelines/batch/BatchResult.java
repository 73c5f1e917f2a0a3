package dev.trainset.pipelines.batch;

import dev.trainset.transforms.errors.ReasonCounts;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.slice.SliceResult;
import dev.trainset.transforms.slice.Unreadable;
import dev.trainset.transforms.stats.TableStats;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the writing pass did, over all slices: records read and rejected, rows per split and per (class, split), the
 * statistics per split, the rejection reasons, every file written (with the slice that wrote it), and the leakage
 * check's counts. Built by merging {@link SliceResult}s in any order; nothing in it grows with the rows.
 */
public final class BatchResult implements Serializable {
  private static final long serialVersionUID = 1L;

  long read;
  long rejected;
  long duplicates;
  long[] written;
  final Map<String, long[]> classCounts = new HashMap<>();
  TableStats[] stats;
  final ReasonCounts reasons = new ReasonCounts();
  final List<WrittenFile> files = new ArrayList<>();
  final List<Unreadable> unreadable = new ArrayList<>();
  long leakedVectors;
  long leakedRows;

  void add(SliceResult r) {
    read += r.read();
    rejected += r.rejected();
    duplicates += r.duplicates();
    if (written == null) {
      written = new long[r.written().length];
      stats = r.stats();
    } else {
      for (int s = 0; s < written.length; s++) {
        stats[s].merge(r.stats()[s]);
      }
    }
    for (int s = 0; s < written.length; s++) {
      written[s] += r.written()[s];
    }
    r.classCounts().forEach((cls, n) -> {
      long[] c = classCounts.computeIfAbsent(cls, k -> new long[n.length]);
      for (int s = 0; s < n.length; s++) {
        c[s] += n[s];
      }
    });
    reasons.merge(r.reasons());
    files.addAll(r.files());
    if (r.unreadable() != null) {
      unreadable.add(r.unreadable());
    }
  }

  BatchResult merge(BatchResult o) {
    read += o.read;
    rejected += o.rejected;
    duplicates += o.duplicates;
    if (o.written != null) {
      if (written == null) {
        written = o.written.clone();
        stats = o.stats;
      } else {
        for (int s = 0; s < written.length; s++) {
          written[s] += o.written[s];
          stats[s].merge(o.stats[s]);
        }
      }
    }
    o.classCounts.forEach((cls, n) -> {
      long[] c = classCounts.computeIfAbsent(cls, k -> new long[n.length]);
      for (int s = 0; s < n.length; s++) {
        c[s] += n[s];
      }
    });
    reasons.merge(o.reasons);
    files.addAll(o.files);
    unreadable.addAll(o.unreadable);
    leakedVectors += o.leakedVectors;
    leakedRows += o.leakedRows;
    return this;
  }

  public long read() {
    return read;
  }

  public long rejected() {
    return rejected;
  }

  /** Rows dropped as duplicates of earlier rows ({@code split.dedupe}). */
  public long duplicates() {
    return duplicates;
  }

  /** Rows written per split (zeros when no slice wrote any). */
  public long[] written(int splits) {
    return written == null ? new long[splits] : written.clone();
  }

  public long writtenTotal() {
    long n = 0;
    if (written != null) {
      for (long w : written) {
        n += w;
      }
    }
    return n;
  }

  /** Label text → rows per split. */
  public Map<String, long[]> classCounts() {
    return classCounts;
  }

  /** The statistics of a split (empty ones when no slice wrote any). */
  public TableStats stats(int split, int columns, boolean hasLabel) {
    return stats == null ? new TableStats(columns, hasLabel) : stats[split];
  }

  public ReasonCounts reasons() {
    return reasons;
  }

  public List<WrittenFile> files() {
    return files;
  }

  /** The parts of slices that could not be read. */
  public List<Unreadable> unreadable() {
    return unreadable;
  }

  public long leakedVectors() {
    return leakedVectors;
  }

  public long leakedRows() {
    return leakedRows;
  }
}
