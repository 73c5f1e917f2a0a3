package dev.trainset.transforms.slice;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.parse.BadValue;
import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.split.SplitPlan;
import dev.trainset.transforms.split.ValueHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The first pass over a slice (pure: no Beam). What it does depends on what the run still needs:
 *
 * <ul>
 *   <li>always, for a slice of a cut file: count its line breaks and quote bytes;
 *   <li>with {@link Spec#infer}: the schema tallies of every record;
 *   <li>with {@link Spec#histogram}: for every row the writing pass will write, one unit in the histogram of its class
 *       (or, before the schema is known, of its label as written) and the bucket of its order key. Typed ({@link
 *       Spec#schema} given), a row is typed and prepared exactly as the writing pass does; untyped, the rules that need
 *       no types ({@link ColumnRoles#check}) turn rows away, and the plan resolves the label values later.
 * </ul>
 *
 * When nothing but counting is needed the bytes are scanned, not parsed.
 */
public final class SummariseSlice {
  /** What to learn. */
  public record Spec(
      FileFormat format,
      boolean infer,
      boolean histogram,
      TableSchema schema,
      Preparation preparation,
      ColumnRoles roles,
      LabelClasses classes,
      boolean labelTokens,
      long seed)
      implements Serializable {
    public Spec {
      if (histogram && roles == null) {
        throw new IllegalArgumentException("a histogram needs the column roles (for the feature key)");
      }
      if (schema != null && preparation == null) {
        throw new IllegalArgumentException("a typed pass needs the preparation");
      }
    }

    boolean parses() {
      return infer || histogram;
    }
  }

  /** Progress reporting: records read since the last call. */
  public interface Progress {
    void read(long records);
  }

  private final Spec spec;

  public SummariseSlice(Spec spec) {
    this.spec = spec;
  }

  public SliceSummary summarise(FileSlice slice, Progress progress) throws IOException {
    boolean count = !slice.isWhole();
    int quote = spec.format().quoteByte();
    try (SliceInput in = SliceInput.open(slice, count, quote)) {
      if (!spec.parses()) {
        drain(in);
        return new SliceSummary(slice.index(), in.firstByte(), in.lineBreaks(), in.quotes(), 0, 0, null, null, false);
      }
      Counts c = new Counts();
      KindCounter kinds = spec.infer() ? new KindCounter() : null;
      RecordSource records;
      try {
        records = spec.format().open(slice, in, spec.schema());
      } catch (IOException | RuntimeException e) {
        drain(in);
        return new SliceSummary(slice.index(), in.firstByte(), in.lineBreaks(), in.quotes(), 1, 1, empty(kinds, slice), c.histogram, spec.schema() != null);
      }
      try (RecordSource r = records) {
        read(slice, r, kinds, c, progress);
      } catch (IOException | RuntimeException e) {
        // the rest of the slice cannot be read: the writing pass rejects it as one record, and so counts it here
        c.records++;
        c.rejected++;
      }
      drain(in);
      SchemaAccumulator acc = empty(kinds, slice);
      if (kinds != null) {
        kinds.into(acc, slice.path(), records.names());
      }
      progress.read(c.sinceReport);
      return new SliceSummary(
          slice.index(), in.firstByte(), in.lineBreaks(), in.quotes(), c.records, c.rejected, acc, c.histogram, spec.schema() != null);
    }
  }

  private static SchemaAccumulator empty(KindCounter kinds, FileSlice slice) {
    return kinds == null ? null : new SchemaAccumulator();
  }

  private static final class Counts {
    long records;
    long rejected;
    long sinceReport;
    final Map<Object, int[]> histogram = new HashMap<>();

    void add(Object key, long order) {
      int[] b = histogram.get(key);
      if (b == null) {
        b = new int[SplitPlan.BUCKETS];
        histogram.put(key, b);
      }
      b[SplitPlan.bucket(order)]++;
    }
  }

  private void read(FileSlice slice, RecordSource r, KindCounter kinds, Counts c, Progress progress) throws IOException {
    boolean typed = spec.schema() != null;
    TypedRow row = typed ? new TypedRow(spec.schema().size()) : null;
    TypedRow prepared = typed ? new TypedRow(spec.preparation().output().size()) : null;
    ColumnRoles roles = spec.roles() == null ? null : spec.roles().forSlice(r);
    LabelClasses classes = spec.classes() == null ? null : spec.classes().forSlice();
    Preparation prep = spec.preparation();
    int labelColumn = typed && prep.hasLabel() ? prep.labelSource() : -1;
    long positionBase = (long) slice.index() << 32;
    while (r.next()) {
      c.records++;
      if (++c.sinceReport == 10_000) {
        progress.read(c.sinceReport);
        c.sinceReport = 0;
      }
      if (r.isBad()) {
        c.rejected++;
        continue;
      }
      if (kinds != null) {
        r.countKinds(kinds, positionBase | (r.position() & 0xFFFFFFFFL));
      }
      if (!spec.histogram()) {
        continue;
      }
      Object key;
      if (typed) {
        try {
          r.type(row);
          LabelClasses.Entry e =
              classes == null || !classes.hasLabel()
                  ? null
                  : classes.of(row.value(labelColumn, spec.schema().column(labelColumn)));
          if (e != null && e.rejected() != null) {
            c.rejected++;
            continue;
          }
          prep.apply(row, prepared, e == null ? null : e.prepared());
          key = e == null ? LabelClasses.ALL : e.splitClass();
        } catch (BadValue | Preparation.Rejected ex) {
          c.rejected++;
          continue;
        } catch (IllegalArgumentException ex) {
          c.rejected++;
          continue;
        }
      } else {
        if (roles.check() != null) {
          c.rejected++;
          continue;
        }
        // Keyed by the label as written, or (when only a missing label matters) "*" and null for missing: the plan
        // resolves the keys once the schema is known.
        Object token = roles.label() == null ? LabelClasses.ALL : roles.labelToken();
        key = spec.labelTokens() || token == null ? token : LabelClasses.ALL;
      }
      c.add(key, ValueHash.mix(roles.featureKey(), spec.seed()));
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (in.read(buf) >= 0) {
      // read to the slice's end, so its lines and quotes are all counted
    }
  }
}
