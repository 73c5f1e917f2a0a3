package dev.trainset.transforms.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mergeable statistics of a set of rows: per column the count, nulls, and for numbers min, max, mean, standard
 * deviation (Chan's parallel formula) and a {@link NumericHistogram}; for text and booleans the most frequent values.
 * Exact, except the top values of a column with more than {@link #MAX_DISTINCT} distinct values (then the counts kept
 * are lower bounds and {@code topValuesApproximate} is true). With a label, exact row counts per label value (up to
 * {@link #MAX_CLASSES} values).
 */
public final class TableStats implements Serializable {
  public static final int MAX_DISTINCT = 2_000;
  public static final int MAX_CLASSES = 10_000;
  public static final int TOP = 10;

  private long rows;
  private final ColumnStats[] columns;
  private final boolean hasLabel;
  private HashMap<String, Long> classes = new HashMap<>();
  private boolean tooManyClasses;

  public TableStats(int columnCount, boolean hasLabel) {
    this.columns = new ColumnStats[columnCount];
    for (int i = 0; i < columnCount; i++) {
      columns[i] = new ColumnStats();
    }
    this.hasLabel = hasLabel;
  }

  /** Most frequent first, then by value: the order top values are kept and shown in. */
  private static final java.util.Comparator<Map.Entry<String, long[]>> BY_COUNT =
      (a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0]) : a.getKey().compareTo(b.getKey());

  static final class ColumnStats implements Serializable {
    long nulls;
    long numbers;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double mean;
    double m2;
    NumericHistogram histogram;
    HashMap<String, long[]> values;
    boolean approximate;

    void addNumber(double v, boolean integral) {
      if (!Double.isFinite(v)) {
        return;
      }
      numbers++;
      min = Math.min(min, v);
      max = Math.max(max, v);
      double d = v - mean;
      mean += d / numbers;
      m2 += d * (v - mean);
      if (histogram == null) {
        histogram = new NumericHistogram(integral ? 0 : -20);
      }
      histogram.add(v);
    }

    void addValue(String s) {
      if (values == null) {
        values = new HashMap<>();
      }
      long[] n = values.get(s);
      if (n == null) {
        values.put(s, new long[] {1});
        if (values.size() > MAX_DISTINCT) {
          prune();
        }
      } else {
        n[0]++;
      }
    }

    private void prune() {
      List<Map.Entry<String, long[]>> e = new ArrayList<>(values.entrySet());
      e.sort(BY_COUNT);
      values = new HashMap<>();
      for (int i = 0; i < MAX_DISTINCT / 2; i++) {
        values.put(e.get(i).getKey(), e.get(i).getValue());
      }
      approximate = true;
    }

    void merge(ColumnStats o) {
      nulls += o.nulls;
      if (o.numbers > 0) {
        long n = numbers + o.numbers;
        double d = o.mean - mean;
        mean += d * o.numbers / n;
        m2 += o.m2 + d * d * numbers * (double) o.numbers / n;
        numbers = n;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        if (histogram == null) {
          histogram = o.histogram;
        } else {
          histogram.merge(o.histogram);
        }
      }
      if (o.values != null) {
        if (values == null) {
          values = new HashMap<>();
        }
        o.values.forEach((k, v) -> values.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
        approximate |= o.approximate;
        if (values.size() > MAX_DISTINCT) {
          prune();
        }
      }
    }
  }

  /** Adds a row of {@code schema} (column by column, from the primitives); its class is counted separately. */
  public void add(TypedRow row, TableSchema schema) {
    rows++;
    int n = columns.length;
    for (int i = 0; i < n; i++) {
      ColumnStats c = columns[i];
      if (row.isNull(i)) {
        c.nulls++;
        continue;
      }
      ColumnSpec spec = schema.column(i);
      if (spec.list()) {
        c.addValue("list of " + ((List<?>) row.getObject(i)).size());
        continue;
      }
      switch (spec.type()) {
        case LONG:
          c.addNumber(row.getLong(i), true);
          break;
        case DOUBLE:
          c.addNumber(row.getDouble(i), false);
          break;
        case TIMESTAMP:
          c.addNumber(Math.floorDiv(row.getLong(i), 1000L), true);
          break;
        case BOOLEAN:
          c.addValue(row.getBoolean(i) ? "true" : "false");
          break;
        default:
          c.addValue((String) row.getObject(i));
      }
    }
  }

  /** Counts {@code n} rows of a class (the label's text); kept exactly up to {@link #MAX_CLASSES} classes. */
  public void addClass(String cls, long n) {
    if (!hasLabel || tooManyClasses || n == 0) {
      return;
    }
    classes.merge(cls, n, Long::sum);
    if (classes.size() > MAX_CLASSES) {
      tooManyClasses = true;
      classes = new HashMap<>();
    }
  }

  public TableStats merge(TableStats o) {
    rows += o.rows;
    for (int i = 0; i < columns.length; i++) {
      columns[i].merge(o.columns[i]);
    }
    if (hasLabel) {
      tooManyClasses |= o.tooManyClasses;
      if (tooManyClasses) {
        classes = new HashMap<>();
      } else {
        o.classes.forEach((k, v) -> classes.merge(k, v, Long::sum));
        if (classes.size() > MAX_CLASSES) {
          tooManyClasses = true;
          classes = new HashMap<>();
        }
      }
    }
    return this;
  }

  public long rows() {
    return rows;
  }

  /** Label value → rows, sorted by value; null when there is no label or more than {@link #MAX_CLASSES} values. */
  public TreeMap<String, Long> classCounts() {
    return !hasLabel || tooManyClasses ? null : new TreeMap<>(classes);
  }

  /** The statistics as JSON, with the column names and types of the schema. */
  public ObjectNode toJson(TableSchema schema, ObjectMapper mapper) {
    ObjectNode out = mapper.createObjectNode();
    out.put("rows", rows);
    TreeMap<String, Long> cc = classCounts();
    if (cc != null) {
      ObjectNode c = out.putObject("classCounts");
      cc.forEach(c::put);
    }
    ArrayNode cols = out.putArray("columns");
    for (int i = 0; i < columns.length; i++) {
      ColumnSpec spec = schema.column(i);
      ColumnStats c = columns[i];
      ObjectNode n = cols.addObject();
      n.put("name", spec.name());
      n.put("type", spec.describeType());
      n.put("count", rows - c.nulls);
      n.put("nulls", c.nulls);
      if (c.numbers > 0) {
        boolean time = spec.type() == ColumnType.TIMESTAMP;
        if (time) {
          n.put("min", java.time.Instant.ofEpochMilli((long) c.min).toString());
          n.put("max", java.time.Instant.ofEpochMilli((long) c.max).toString());
        } else {
          n.put("min", c.min);
          n.put("max", c.max);
          n.put("mean", c.mean);
          n.put("stddev", c.numbers > 1 ? Math.sqrt(c.m2 / (c.numbers - 1)) : 0.0);
          ObjectNode h = n.putObject("histogram");
          h.put("width", c.histogram.width());
          ArrayNode edges = h.putArray("lowerEdges");
          for (double e : c.histogram.lowerEdges()) {
            edges.add(e);
          }
          ArrayNode counts = h.putArray("counts");
          for (long k : c.histogram.counts()) {
            counts.add(k);
          }
        }
      }
      if (c.values != null) {
        List<Map.Entry<String, long[]>> e = new ArrayList<>(c.values.entrySet());
        e.sort(BY_COUNT);
        ArrayNode top = n.putArray("topValues");
        for (int k = 0; k < Math.min(TOP, e.size()); k++) {
          top.addObject().put("value", e.get(k).getKey()).put("count", e.get(k).getValue()[0]);
        }
        if (c.approximate) {
          n.put("topValuesApproximate", true);
        } else {
          n.put("distinct", c.values.size());
        }
      }
    }
    return out;
  }
}
