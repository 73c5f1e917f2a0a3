package dev.trainset.transforms.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.prepare.Preparation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

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

  static final class ColumnStats implements Serializable {
    long nulls;
    long numbers;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double mean;
    double m2;
    NumericHistogram histogram;
    HashMap<String, Long> values;
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
      values.merge(s, 1L, Long::sum);
      if (values.size() > MAX_DISTINCT) {
        prune();
      }
    }

    private void prune() {
      List<Map.Entry<String, Long>> e = new ArrayList<>(values.entrySet());
      e.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
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
        o.values.forEach((k, v) -> values.merge(k, v, Long::sum));
        approximate |= o.approximate;
        if (values.size() > MAX_DISTINCT) {
          prune();
        }
      }
    }
  }

  public void add(Row row) {
    rows++;
    int n = columns.length;
    for (int i = 0; i < n; i++) {
      Object v = row.getValue(i);
      ColumnStats c = columns[i];
      if (v == null) {
        c.nulls++;
      } else if (v instanceof Long) {
        c.addNumber((Long) v, true);
      } else if (v instanceof Double) {
        c.addNumber((Double) v, false);
      } else if (v instanceof ReadableInstant) {
        c.addNumber(((ReadableInstant) v).getMillis(), true);
      } else if (v instanceof List) {
        c.addValue("list of " + ((List<?>) v).size());
      } else {
        c.addValue(v.toString());
      }
    }
    if (hasLabel && !tooManyClasses) {
      classes.merge(Preparation.labelText(row.getValue(0)), 1L, Long::sum);
      if (classes.size() > MAX_CLASSES) {
        tooManyClasses = true;
        classes = new HashMap<>();
      }
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
        List<Map.Entry<String, Long>> e = new ArrayList<>(c.values.entrySet());
        e.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        ArrayNode top = n.putArray("topValues");
        for (int k = 0; k < Math.min(TOP, e.size()); k++) {
          top.addObject().put("value", e.get(k).getKey()).put("count", e.get(k).getValue());
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
