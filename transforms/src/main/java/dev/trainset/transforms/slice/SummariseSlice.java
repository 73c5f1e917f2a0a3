package dev.trainset.transforms.slice;

import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.Values;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.split.SplitPlan;
import dev.trainset.transforms.split.ValueHash;
import dev.trainset.transforms.stats.QuantileSketch;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A first pass over a slice (pure: no Beam). What it does depends on what the run still needs to learn:
 *
 * <ul>
 *   <li>always, for a slice of a cut file: count its line breaks and quote bytes;
 *   <li>with {@link Spec#infer}: the schema tallies of every record;
 *   <li>with {@link Collect}: for every row the writing pass will write, its unit in the split histogram (class, or
 *       label value before the schema is known, and the bucket of its order key), its group's label counts, its label
 *       value for the quantile bins, or its content key (to find duplicates).
 * </ul>
 *
 * Typed ({@link Spec#schema} given), a row is typed and prepared exactly as the writing pass does; untyped, the rules
 * that need no types ({@link ColumnRoles#check}) turn rows away, and the plan resolves label values later. Rows the
 * duplicate list names are left out, after the rejections (as the writing pass does). When nothing but counting is
 * needed, the bytes are scanned, not parsed.
 */
public final class SummariseSlice {
  /** What a pass collects per row. */
  public enum Collect {
    NOTHING,
    HISTOGRAM,
    GROUPS,
    SKETCH,
    CONTENT_KEYS
  }

  /**
   * What to learn.
   *
   * @param classes typed: the classes of label values (with quantile bins when the split has them)
   * @param labelTokens untyped: key histograms by label value ({@code false}: by {@code *}, null for a missing label)
   * @param duplicates per slice, the record numbers (sorted) that are duplicates of earlier rows; null for none
   */
  public record Spec(
      FileFormat format,
      boolean infer,
      Collect collect,
      TableSchema schema,
      Preparation preparation,
      ColumnRoles roles,
      LabelClasses classes,
      boolean labelTokens,
      long seed,
      Map<Integer, int[]> duplicates)
      implements Serializable {
    public Spec {
      if (collect != Collect.NOTHING && roles == null) {
        throw new IllegalArgumentException("collecting needs the column roles");
      }
      if (schema != null && preparation == null) {
        throw new IllegalArgumentException("a typed pass needs the preparation");
      }
    }

    boolean parses() {
      return infer || collect != Collect.NOTHING;
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
    try (SliceInput in = SliceInput.open(slice, count, quote, spec.format().limits().inflation())) {
      if (!spec.parses()) {
        drain(in);
        return new SliceSummary(slice.index(), in.firstByte(), in.lineBreaks(), in.quotes(), 0, 0, null, null, false, null, null, null, null);
      }
      State st = new State(slice);
      RecordSource records = null;
      String unreadable = null;
      try {
        records = spec.format().open(slice, in, spec.schema());
      } catch (IOException | RuntimeException e) {
        st.records++;
        st.rejected++;
        unreadable = unreadable(slice, e);
      }
      if (records != null) {
        try {
          read(records, st, progress);
        } catch (IOException | RuntimeException e) {
          // the rest of the slice cannot be read: the writing pass rejects it as one record, and so counts it here
          st.records++;
          st.rejected++;
          unreadable = unreadable(slice, e);
        }
      }
      try {
        drain(in); // to the slice's end (before the reader closes the stream), so its lines and quotes are all counted
      } catch (IOException e) {
        // a stream that breaks off (a truncated gzip) has no more lines to count
      }
      if (records != null) {
        try {
          records.close();
        } catch (IOException | RuntimeException e) {
          // nothing more to read from it
        }
      }
      SchemaAccumulator acc = null;
      if (spec.infer()) {
        acc = new SchemaAccumulator();
        if (records != null) {
          st.kinds.into(acc, slice.path(), records.names());
        }
      }
      progress.read(st.sinceReport);
      return new SliceSummary(
          slice.index(), in.firstByte(), in.lineBreaks(), in.quotes(), st.records, st.rejected, acc,
          spec.collect() == Collect.HISTOGRAM ? st.histogram : null, spec.schema() != null,
          spec.collect() == Collect.GROUPS ? st.groups : null, spec.collect() == Collect.SKETCH ? st.sketch : null,
          spec.collect() == Collect.CONTENT_KEYS ? st.keys() : null, unreadable);
    }
  }

  /** One slice's tallies. */
  private final class State {
    final FileSlice slice;
    final int[] duplicates;
    long records;
    long rejected;
    long sinceReport;
    final KindCounter kinds = spec.infer() ? new KindCounter() : null;
    final Map<Object, int[]> histogram = new HashMap<>();
    final Map<String, Map<Object, long[]>> groups = new HashMap<>();
    final QuantileSketch sketch = new QuantileSketch();
    long[] high = new long[0];
    long[] low = new long[0];
    int[] ordinals = new int[0];
    int keys;

    State(FileSlice slice) {
      this.slice = slice;
      this.duplicates = spec.duplicates() == null ? null : spec.duplicates().get(slice.index());
    }

    boolean isDuplicate(long ordinal) {
      return duplicates != null && Arrays.binarySearch(duplicates, (int) ordinal) >= 0;
    }

    void unit(Object key, long order) {
      int[] b = histogram.get(key);
      if (b == null) {
        b = new int[SplitPlan.BUCKETS];
        histogram.put(key, b);
      }
      b[SplitPlan.bucket(order)]++;
    }

    void group(String group, Object key) {
      groups.computeIfAbsent(group, g -> new HashMap<>()).computeIfAbsent(key, k -> new long[1])[0]++;
    }

    void key(long[] k, long ordinal) {
      if (keys == high.length) {
        int n = Math.max(1024, keys * 2);
        high = Arrays.copyOf(high, n);
        low = Arrays.copyOf(low, n);
        ordinals = Arrays.copyOf(ordinals, n);
      }
      high[keys] = k[0];
      low[keys] = k[1];
      ordinals[keys] = (int) ordinal;
      keys++;
    }

    SliceSummary.ContentKeys keys() {
      return new SliceSummary.ContentKeys(Arrays.copyOf(high, keys), Arrays.copyOf(low, keys), Arrays.copyOf(ordinals, keys), keys);
    }
  }

  private void read(RecordSource r, State st, Progress progress) throws IOException {
    boolean typed = spec.schema() != null;
    ColumnRoles roles = spec.roles() == null ? null : spec.roles().forSlice(r);
    LabelClasses classes = spec.classes() == null ? null : spec.classes().forSlice();
    RowPreparer preparer = typed ? new RowPreparer(spec.schema(), spec.preparation(), classes) : null;
    long positionBase = (long) st.slice.index() << 32;
    ColumnSpec asDouble = ColumnSpec.of("label", ColumnType.DOUBLE);
    while (r.next()) {
      long ordinal = st.records++;
      if (++st.sinceReport == 10_000) {
        progress.read(st.sinceReport);
        st.sinceReport = 0;
      }
      if (r.isBad()) {
        st.rejected++;
        continue;
      }
      if (st.kinds != null) {
        r.countKinds(st.kinds, positionBase | (r.position() & 0xFFFFFFFFL));
      }
      if (spec.collect() == Collect.NOTHING) {
        continue;
      }
      Object key;
      Object label = null;
      if (typed) {
        if (!preparer.prepare(r)) {
          st.rejected++;
          continue;
        }
        LabelClasses.Entry e = preparer.label();
        key = e == null ? LabelClasses.ALL : e.splitClass();
        label = e == null ? null : e.prepared();
      } else {
        if (roles.check() != null) {
          st.rejected++;
          continue;
        }
        // Keyed by the label as written, or (when only a missing label matters) "*" and null for missing: the plan
        // resolves the keys once the schema is known.
        Object token = roles.label() == null ? LabelClasses.ALL : roles.labelToken();
        key = spec.labelTokens() || token == null ? token : LabelClasses.ALL;
        label = token;
      }
      if (st.isDuplicate(ordinal)) {
        continue;
      }
      switch (spec.collect()) {
        case HISTOGRAM:
          st.unit(key, ValueHash.mix(roles.featureKey(), spec.seed()));
          break;
        case GROUPS:
          String g = roles.groupKey();
          st.group(g == null ? LabelClasses.rowGroup(st.slice.index(), ordinal) : g, key);
          break;
        case SKETCH:
          if (label != null) {
            try {
              Object v = typed ? label : Values.convert(label, asDouble);
              st.sketch.add(((Number) v).doubleValue());
            } catch (IllegalArgumentException | ClassCastException notANumber) {
              // a label that is not a number: bins are refused once the schema is known
            }
          }
          break;
        default:
          st.key(roles.contentKey(), ordinal);
      }
    }
  }

  /** Why a slice could not be read, naming its file. */
  private static String unreadable(FileSlice slice, Throwable e) {
    String why = String.valueOf(e.getMessage());
    return why.startsWith(slice.path() + ": ") ? why : slice.path() + ": " + why;
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (in.read(buf) >= 0) {
      // read to the slice's end, so its lines and quotes are all counted
    }
  }
}
