package dev.trainset.transforms.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.parse.BadValue;
import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.ReadLimits;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The property every reader is fuzzed for: a file's bytes are read as the two passes of a run read them (the
 * counting pass infers the schema, the writing pass types every record by it), and
 *
 * <ul>
 *   <li>the only failures are the documented ones: an {@link IOException} (the rest of the file cannot be read) and
 *       a {@link BadValue} when a value does not fit the schema (the record is rejected); anything else is a bug;
 *   <li>both passes see the same records and stop at the same place: read = written + rejected;
 *   <li>every rejected record keeps its raw text and a reason.
 * </ul>
 *
 * Memory is bounded by the fuzzing JVM's heap: an input that exhausts it is a finding.
 */
final class ReadBothPasses {
  private static final Path PLAIN = temp(".input");
  private static final Path GZIP = temp(".input.gz");

  /** Limits small enough that fuzzed inputs reach them. */
  static final ReadLimits LIMITS =
      ReadLimits.DEFAULTS.withRecordChars(8_192).withFieldChars(2_048).withColumns(256).withJson(32, 4_096, 64);

  private ReadBothPasses() {}

  private static Path temp(String suffix) {
    try {
      Path shm = Path.of("/dev/shm"); // in memory where there is one: the file is rewritten for every input
      Path f = Files.isWritable(shm) ? Files.createTempFile(shm, "trainset-fuzz-", suffix) : Files.createTempFile("trainset-fuzz-", suffix);
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks the property on the fuzzer's input: the first byte says how the file is stored (plain, gzip, or gzip
   * cut short at a fuzzed length), the rest are its bytes.
   */
  static void check(FileFormat format, FuzzedDataProvider data) throws IOException {
    int storage = data.consumeInt(0, 2);
    int cut = data.consumeInt(0, 1 << 20);
    byte[] content = data.consumeRemainingAsBytes();
    if (storage == 0) {
      Files.write(PLAIN, content);
      check(format.withLimits(LIMITS), PLAIN);
      return;
    }
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
      z.write(content);
    }
    byte[] gz = b.toByteArray();
    Files.write(GZIP, storage == 1 ? gz : java.util.Arrays.copyOf(gz, Math.floorMod(cut, gz.length + 1)));
    check(format.withLimits(LIMITS), GZIP);
  }

  /** What one pass saw. */
  private record Pass(long records, long bad, long typed, long rejectedByType, String stoppedAt) {}

  private static void check(FileFormat format, Path file) throws IOException {
    FileSlice whole = FileSlice.whole(0, file.toString());
    TableSchema declared;
    try (SliceInput in = SliceInput.open(whole, false, -1, format.limits().inflation())) {
      declared = format.declaredSchema(whole.path(), format.encoding().reader(in, whole.path(), 0));
    } catch (IOException e) {
      return; // a header that cannot be read: the run stops before reading records
    }
    SchemaAccumulator acc = declared == null ? new SchemaAccumulator() : null; // a declared schema is not inferred
    Pass counting = read(format, whole, null, acc);
    TableSchema schema =
        declared != null ? declared : acc.records() > 0 && !acc.toSchema(false).names().isEmpty() ? acc.toSchema(false) : null;
    if (schema == null) {
      return; // nothing to type by; the run stops before writing ("no columns found")
    }
    Pass writing = read(format, whole, schema, null);
    long rejected = writing.bad() + writing.rejectedByType();
    if (counting.records() != writing.records() || writing.records() != writing.typed() + rejected
        || counting.bad() != writing.bad() || !java.util.Objects.equals(counting.stoppedAt(), writing.stoppedAt())) {
      throw new AssertionError("the passes disagree: counting " + counting + ", writing " + writing);
    }
  }

  private static Pass read(FileFormat format, FileSlice slice, TableSchema schema, SchemaAccumulator acc) throws IOException {
    long records = 0;
    long bad = 0;
    long typed = 0;
    long rejectedByType = 0;
    String stoppedAt = null;
    KindCounter kinds = acc == null ? null : new KindCounter();
    try (SliceInput in = SliceInput.open(slice, false, -1, format.limits().inflation())) {
      RecordSource r;
      try {
        r = format.open(slice, in, schema);
      } catch (IOException e) {
        return new Pass(0, 0, 0, 0, "open: " + e.getMessage());
      }
      try (RecordSource records1 = r) {
        TypedRow row = schema == null ? null : new TypedRow(schema.size());
        while (r.next()) {
          records++;
          if (r.isBad()) {
            bad++;
            if (r.raw() == null || r.badReason() == null || r.badReason().isEmpty()) {
              throw new AssertionError("a rejected record without its raw text or reason at " + r.position());
            }
          } else if (schema == null) {
            if (kinds != null) {
              r.countKinds(kinds, r.position());
            }
          } else {
            try {
              row.clear();
              r.type(row);
              typed++;
            } catch (BadValue e) {
              rejectedByType++;
            }
          }
        }
        if (kinds != null) {
          kinds.into(acc, slice.path(), r.names());
        }
      } catch (IOException e) {
        stoppedAt = "record " + records + ": " + e.getMessage();
        if (kinds != null) {
          kinds.into(acc, slice.path(), r.names());
        }
      }
    }
    return new Pass(records, bad, typed, rejectedByType, stoppedAt);
  }
}
