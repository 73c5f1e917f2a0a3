package dev.trainset.transforms.slice;

import dev.trainset.transforms.errors.ReasonCounts;
import dev.trainset.transforms.errors.RejectedRecord;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.HashingOutputStream;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.RowWriter;
import dev.trainset.transforms.io.RowWriters;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.io.UndecodableInputException;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.parse.ArffReader.ArffFormatException;
import dev.trainset.transforms.parse.BadValue;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.split.RowSplitter;
import dev.trainset.transforms.split.ValueHash;
import dev.trainset.transforms.stats.TableStats;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;

/**
 * The writing pass over a slice (pure: no Beam): every record is parsed, typed, prepared, given its split and
 * written, in one loop, straight into the slice's own files: one per split and format, and one of rejected records,
 * each under a temporary name made from the slice's number ({@code <temp>/train.parquet.part-00003.parquet}), so the
 * same input gives the same files on every runner. Files are opened when their first row comes and described
 * (rows, bytes, sha256) as they are written. Only small values leave: the {@link SliceResult}, and the feature keys
 * of rows that may leak into another split, through {@link Leaks}.
 */
public final class WriteSlice {
  /** Everything the pass needs; serializable, built once per run. */
  public record Spec(
      FileFormat format,
      TableSchema schema,
      Preparation preparation,
      ColumnRoles roles,
      LabelClasses classes,
      RowSplitter splitter,
      RowWriters outputs,
      String tempFolder,
      boolean checkLeakage,
      Map<Integer, int[]> duplicates)
      implements Serializable {}

  /** Where rows that may share their features with another split's rows are reported. */
  public interface Leaks {
    void candidate(long featureKey, int split);
  }

  /** Progress reporting: counts since the last call. */
  public interface Progress {
    void add(long read, long written, long rejected);
  }

  /** The output folder of a split and format: {@code train/parquet}. */
  public static String destination(String split, OutputFormat format) {
    return split + "/" + format.folder();
  }

  /** The output name of rejected records. */
  public static final String REJECTED = "rejected";

  /** A slice's file name, the same in its temporary and its final place: {@code part-00003.parquet}. */
  public static String fileName(int slice, String extension) {
    return String.format(Locale.ROOT, "part-%05d%s", slice, extension);
  }

  private final Spec spec;

  public WriteSlice(Spec spec) {
    this.spec = spec;
  }

  /** The temporary path of one of a slice's files. */
  public static String tempPath(String tempFolder, String output, int slice, String extension) {
    return tempFolder + output.replace('/', '.') + "." + fileName(slice, extension);
  }

  public SliceResult write(FileSlice slice, Leaks leaks, Progress progress) throws IOException {
    Run run = new Run(slice, leaks, progress);
    try {
      run.read();
      return run.finish();
    } catch (IOException | RuntimeException e) {
      run.abandon();
      throw e;
    }
  }

  /** One slice's state. */
  private final class Run {
    final FileSlice slice;
    final Leaks leaks;
    final Progress progress;
    final List<String> splits = spec.splitter().splits();
    final TableSchema out = spec.preparation().output();
    final RowPreparer preparer = new RowPreparer(spec.schema(), spec.preparation(), spec.classes().forSlice());
    final Open[][] writers;
    final TableStats[] stats;
    final long[] written;
    final Map<String, long[]> classCounts = new HashMap<>();
    final ReasonCounts reasons = new ReasonCounts();
    final List<WrittenFile> files = new ArrayList<>();
    Open rejectFile;
    long read;
    long rejected;
    long dropped;
    Unreadable unreadable;
    long reportedRead;
    long reportedWritten;
    long reportedRejected;

    Run(FileSlice slice, Leaks leaks, Progress progress) {
      this.slice = slice;
      this.leaks = leaks;
      this.progress = progress;
      this.writers = new Open[splits.size()][spec.outputs().formats().size()];
      this.stats = new TableStats[splits.size()];
      this.written = new long[splits.size()];
      for (int s = 0; s < stats.length; s++) {
        stats[s] = new TableStats(out.size(), spec.preparation().hasLabel());
      }
    }

    void read() throws IOException {
      RowSplitter.ForSlice splitter = spec.splitter().forSlice(slice.index());
      int[] duplicates = spec.duplicates() == null ? null : spec.duplicates().get(slice.index());
      try (SliceInput in = SliceInput.open(slice, false, -1, spec.format().limits().inflation())) {
        RecordSource r;
        try {
          r = spec.format().open(slice, in, spec.schema());
        } catch (IOException | RuntimeException e) {
          unreadable(e instanceof ArffFormatException ? ((ArffFormatException) e).line() : Math.max(1, slice.firstLine()), "line", e, in);
          return;
        }
        try (r) {
          ColumnRoles roles = spec.roles().forSlice(r);
          RecordView row = new RecordView(r, roles, spec.splitter().keyColumn(), slice.index());
          long last = 0;
          while (true) {
            boolean more;
            try {
              more = r.next();
            } catch (IOException | RuntimeException e) {
              long position =
                  e instanceof ArffFormatException ? ((ArffFormatException) e).line() : last == 0 ? Math.max(1, slice.firstLine()) : last + 1;
              unreadable(position, r.positionUnit(), e, in);
              return;
            }
            if (!more) {
              return;
            }
            long ordinal = read++;
            last = r.position();
            if ((read & 0x3FFF) == 0) {
              report();
            }
            if (r.isBad()) {
              reject(last, r.positionUnit(), r.raw(), r.badReason(), "read");
              continue;
            }
            if (!preparer.prepare(r)) {
              reject(last, r.positionUnit(), r.raw(), preparer.reason(), preparer.stage());
              continue;
            }
            LabelClasses.Entry label = preparer.label();
            if (duplicates != null && java.util.Arrays.binarySearch(duplicates, (int) ordinal) >= 0) {
              dropped++;
              continue;
            }
            row.next(label == null ? LabelClasses.ALL : label.splitClass(), ordinal);
            int split = splitter.split(row);
            writeRow(split, label);
            if (spec.checkLeakage() && splitter.mayLeak(row.featureKey())) {
              leaks.candidate(row.featureKey(), split);
            }
          }
        }
      } finally {
        report();
      }
    }

    private void writeRow(int split, LabelClasses.Entry label) throws IOException {
      TypedRow prepared = preparer.prepared();
      List<OutputFormat> formats = spec.outputs().formats();
      Open[] w = writers[split];
      for (int f = 0; f < w.length; f++) {
        if (w[f] == null) {
          w[f] = open(destination(splits.get(split), formats.get(f)), formats.get(f));
        }
        w[f].writer.write(prepared);
        w[f].rows++;
      }
      written[split]++;
      stats[split].add(prepared, out);
      if (label != null) {
        long[] c = classCounts.get(label.text());
        if (c == null) {
          c = new long[splits.size()];
          classCounts.put(label.text(), c);
        }
        c[split]++;
      }
    }

    private Open open(String output, OutputFormat format) throws IOException {
      String ext = spec.outputs().extension(format);
      String path = tempPath(spec.tempFolder(), output, slice.index(), ext);
      HashingOutputStream hashed = create(path, format.contentType());
      OutputStream buffered = new BufferedOutputStream(hashed, 1 << 18);
      RowWriter writer = spec.outputs().open(format, out, spec.preparation().hasLabel(), buffered);
      return new Open(output, path, hashed, writer);
    }

    /** Reading stopped at {@code position}: the rest of the slice is one rejected record, and the run learns of it. */
    private void unreadable(long position, String unit, Throwable e, SliceInput in) throws IOException {
      read++;
      long from = "line".equals(unit) ? SliceInput.offsetOfLine(slice, position) : -1;
      if (from < 0) {
        from = e instanceof UndecodableInputException && !slice.isWhole() ? ((UndecodableInputException) e).offset() : in.rawPosition();
      }
      unreadable = new Unreadable(slice.path(), position, unit, reason(e), from, slice.end());
      reject(position, unit, "", "unreadable: " + reason(e), "read");
    }

    private void reject(long position, String unit, String raw, String reason, String stage) throws IOException {
      rejected++;
      reasons.add(reason);
      if (rejectFile == null) {
        String path = tempPath(spec.tempFolder(), REJECTED, slice.index(), ".jsonl");
        HashingOutputStream hashed = create(path, "application/jsonlines");
        OutputStream buffered = new BufferedOutputStream(hashed, 1 << 16);
        rejectFile = new Open(REJECTED, path, hashed, new RejectWriter(buffered));
      }
      ((RejectWriter) rejectFile.writer).write(new RejectedRecord(slice.path(), unit, position, raw, reason, stage));
      rejectFile.rows++;
    }

    private void report() {
      progress.add(read - reportedRead, sum(written) - reportedWritten, rejected - reportedRejected);
      reportedRead = read;
      reportedWritten = sum(written);
      reportedRejected = rejected;
    }

    SliceResult finish() throws IOException {
      for (Open[] row : writers) {
        for (Open o : row) {
          if (o != null) {
            files.add(o.finish(slice.index()));
          }
        }
      }
      if (rejectFile != null) {
        files.add(rejectFile.finish(slice.index()));
      }
      for (Map.Entry<String, long[]> e : classCounts.entrySet()) {
        for (int s = 0; s < stats.length; s++) {
          stats[s].addClass(e.getKey(), e.getValue()[s]);
        }
      }
      return new SliceResult(slice.index(), read, rejected, dropped, written, classCounts, files, stats, reasons, unreadable);
    }

    /** Closes what is open after a failure; the temporary files are left for the run's clean-up. */
    void abandon() {
      for (Open[] row : writers) {
        for (Open o : row) {
          if (o != null) {
            o.closeQuietly();
          }
        }
      }
      if (rejectFile != null) {
        rejectFile.closeQuietly();
      }
    }
  }

  private static long sum(long[] a) {
    long n = 0;
    for (long x : a) {
      n += x;
    }
    return n;
  }

  private static String reason(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static HashingOutputStream create(String path, String mimeType) throws IOException {
    return new HashingOutputStream(Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(path, false), mimeType)));
  }

  /** An open file and what is known about it. */
  private static final class Open {
    final String output;
    final String path;
    final HashingOutputStream hashed;
    final RowWriter writer;
    long rows;

    Open(String output, String path, HashingOutputStream hashed, RowWriter writer) {
      this.output = output;
      this.path = path;
      this.hashed = hashed;
      this.writer = writer;
    }

    WrittenFile finish(int slice) throws IOException {
      writer.finish();
      hashed.close();
      return new WrittenFile(output, slice, path, rows, hashed.bytes(), hashed.sha256());
    }

    void closeQuietly() {
      try {
        hashed.close();
      } catch (IOException | RuntimeException e) {
        // the run is failing already
      }
    }
  }

  /** Rejected records, one JSON object per line. */
  private static final class RejectWriter implements RowWriter {
    private final OutputStream out;

    RejectWriter(OutputStream out) {
      this.out = out;
    }

    void write(RejectedRecord r) throws IOException {
      out.write((r.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void write(TypedRow row) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void finish() throws IOException {
      out.flush();
      out.close();
    }
  }
}
