package dev.trainset.transforms.io.stream;

import dev.trainset.transforms.coders.TypedRowBytes;
import dev.trainset.transforms.errors.RejectedRecord;
import dev.trainset.transforms.io.HashingOutputStream;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.RowWriter;
import dev.trainset.transforms.io.RowWriters;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Writes one window's records of one split (or its rejected records) to that window's folder (pure: no Beam
 * state): {@code OUT/window=20260101T000500Z/train/parquet/part-00000.parquet}, {@code …/rejected/part-00000.jsonl}.
 * The records are sorted by their position and de-duplicated on it first, so the same records give the same bytes
 * however often, and in whatever order, they arrived: a replay after a restore rewrites a file identically.
 */
public final class WindowFiles {
  /** The output name of rejected records, as in batch runs. */
  public static final String REJECTED = "rejected";

  /** Records in position order: topic or stream, partition or shard, offset or sequence number. */
  public static final Comparator<StreamRecord> BY_POSITION = Comparator.comparing(StreamRecord::position);

  private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * @param output the output folder, ending in {@code /}
   * @param splits split names by index
   * @param schema the prepared rows' schema
   * @param labelFirst whether the first column is the label (SageMaker CSV)
   * @param writers formats and their settings
   */
  public record Spec(String output, List<String> splits, TableSchema schema, boolean labelFirst, RowWriters writers)
      implements Serializable {}

  private final Spec spec;

  public WindowFiles(Spec spec) {
    this.spec = spec;
  }

  /** A window's folder name: {@code window=20260101T000500Z}. */
  public static String folder(long windowStart) {
    return "window=" + FOLDER.format(Instant.ofEpochMilli(windowStart));
  }

  /** Sorts {@code records} by position and drops repeats of a position (a message delivered twice). */
  public static List<StreamRecord> distinct(List<StreamRecord> records) {
    List<StreamRecord> sorted = new ArrayList<>(records);
    sorted.sort(BY_POSITION);
    List<StreamRecord> out = new ArrayList<>(sorted.size());
    for (StreamRecord r : sorted) {
      if (out.isEmpty() || BY_POSITION.compare(out.get(out.size() - 1), r) != 0) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Writes {@code records} of the window at {@code windowStart} that reached the writer of {@code key} (a split name
   * or {@link #REJECTED}): rows to the split's files, rejected records to {@code rejected/part-00000.jsonl} (or, for
   * the rare late record that reached a split's writer, {@code rejected/<split>.jsonl}).
   */
  public WindowPart write(long windowStart, String key, List<StreamRecord> records) throws IOException {
    List<StreamRecord> all = distinct(records);
    String base = spec.output() + folder(windowStart) + "/";
    Map<String, WindowPart.Range> positions = new TreeMap<>();
    List<StreamRecord> rows = new ArrayList<>(all.size());
    List<StreamRecord> rejects = new ArrayList<>();
    for (StreamRecord r : all) {
      positions.merge(r.position().source(), new WindowPart.Range(r.position(), r.position(), 1), WindowPart.Range::plus);
      (r.isRejected() ? rejects : rows).add(r);
    }
    List<WrittenFile> files = new ArrayList<>();
    Map<String, Long> stages = new TreeMap<>();
    Map<String, Long> reasons = new TreeMap<>();
    Map<String, Long> classes = new TreeMap<>();
    Map<String, Long> extra = new TreeMap<>();
    if (!rejects.isEmpty()) {
      String path = base + REJECTED + "/" + (key.equals(REJECTED) ? "part-00000" : key) + ".jsonl";
      HashingOutputStream hashed = create(path, "application/jsonlines");
      try (OutputStream out = new BufferedOutputStream(hashed, 1 << 16)) {
        for (StreamRecord r : rejects) {
          String json = RejectedRecord.toJson(r.position().source(), r.position()::putInto, r.raw(), r.reason(), r.stage());
          out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
          stages.merge(r.stage(), 1L, Long::sum);
          reasons.merge(r.reason(), 1L, Long::sum);
        }
      }
      files.add(new WrittenFile(REJECTED, 0, path, rejects.size(), hashed.bytes(), hashed.sha256()));
    }
    if (!rows.isEmpty()) {
      TypedRowBytes codec = new TypedRowBytes(spec.schema());
      TypedRow row = new TypedRow(spec.schema().size());
      for (OutputFormat f : spec.writers().formats()) {
        String output = key + "/" + f.folder();
        String path = base + output + "/part-00000" + spec.writers().extension(f);
        HashingOutputStream hashed = create(path, f.contentType());
        RowWriter w = spec.writers().open(f, spec.schema(), spec.labelFirst(), new BufferedOutputStream(hashed, 1 << 18));
        for (StreamRecord r : rows) {
          row.clear();
          codec.decode(r.row(), row);
          w.write(row);
        }
        w.finish();
        hashed.close();
        files.add(new WrittenFile(output, 0, path, rows.size(), hashed.bytes(), hashed.sha256()));
      }
      for (StreamRecord r : rows) {
        if (r.label() != null) {
          classes.merge(r.label(), 1L, Long::sum);
        }
        if (r.extraFields() != null) {
          r.extraFields().forEach(f -> extra.merge(f, 1L, Long::sum));
        }
      }
    }
    return new WindowPart(windowStart, key, rows.size(), stages, reasons, classes, files, positions, extra);
  }

  private static HashingOutputStream create(String path, String mimeType) throws IOException {
    return new HashingOutputStream(Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(path, false), mimeType)));
  }
}
