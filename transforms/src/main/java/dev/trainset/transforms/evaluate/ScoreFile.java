package dev.trainset.transforms.evaluate;

import dev.trainset.transforms.io.parquet.BeamInputFile;
import dev.trainset.transforms.io.parquet.ParquetRowReader;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.IOException;
import java.io.Serializable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Scores one labelled Parquet file of a training set, in batches of rows, into a {@link Metrics}: the label is the
 * first column, the features the others, as numbers exactly as {@code sagemaker-csv} writes them (a boolean is 1 or
 * 0; a missing value, NaN or infinity is missing), so a model trained on the CSV sees the same values.
 */
public final class ScoreFile implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int BATCH_ROWS = 8192;
  /** At most this many feature values per batch (16 MB of floats), however wide the rows. */
  private static final long MAX_BATCH_VALUES = 4L << 20;

  private final TableSchema schema;
  private final Scorer scorer;
  private final Task task;
  private final int classes;
  private final double threshold;

  /** A file that cannot be scored; the message names it and says why. */
  public static final class Unscorable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unscorable(String message) {
      super(message);
    }
  }

  public ScoreFile(TableSchema schema, Scorer scorer, Task task, int classes, double threshold) {
    this.schema = schema;
    this.scorer = scorer;
    this.task = task;
    this.classes = classes;
    this.threshold = threshold;
  }

  /** Why a training set's columns cannot be scored, or null: numeric features, and as many as the model has. */
  public static String problem(TableSchema schema, int modelFeatures) {
    for (int i = 0; i < schema.size(); i++) {
      ColumnSpec c = schema.column(i);
      boolean numeric = c.type() == ColumnType.LONG || c.type() == ColumnType.DOUBLE || c.type() == ColumnType.BOOLEAN;
      if (c.list() || !numeric) {
        return (i == 0 ? "the label '" : "column '") + c.name() + "' is " + c.describeType()
            + ": the local scorer reads numbers only, as sagemaker-csv has them";
      }
    }
    if (schema.size() - 1 != modelFeatures) {
      return "the model was trained on " + modelFeatures + " features; this training set has " + (schema.size() - 1)
          + " besides the label";
    }
    return null;
  }

  /** Scores every row of {@code path}. */
  public Metrics score(String path) throws IOException, Unscorable {
    Metrics metrics = new Metrics(task, classes, threshold);
    int cols = schema.size() - 1;
    int batch = (int) Math.max(1, Math.min(BATCH_ROWS, MAX_BATCH_VALUES / Math.max(1, cols)));
    float[] features = new float[batch * cols];
    double[] labels = new double[batch];
    MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(path);
    long row = 0;
    try (ParquetRowReader r = new ParquetRowReader(new BeamInputFile(meta.resourceId(), meta.sizeBytes()), schema)) {
      TypedRow values = new TypedRow(schema.size());
      int n = 0;
      while (r.next(values)) {
        row++;
        if (values.isNull(0)) {
          throw new Unscorable(path + ": row " + row + " has no label");
        }
        labels[n] = number(schema, values, 0);
        for (int c = 0; c < cols; c++) {
          features[n * cols + c] = values.isNull(c + 1) ? Float.NaN : feature(number(schema, values, c + 1));
        }
        if (++n == batch) {
          add(metrics, features, labels, n, cols, path, row - n);
          n = 0;
        }
      }
      if (n > 0) {
        add(metrics, features, labels, n, cols, path, row - n);
      }
    }
    return metrics;
  }

  private void add(Metrics metrics, float[] features, double[] labels, int rows, int cols, String path, long firstRow)
      throws Unscorable {
    float[][] out;
    try {
      out = scorer.predict(features, rows, cols);
    } catch (IllegalArgumentException e) {
      throw new Unscorable(path + ": rows " + (firstRow + 1) + "-" + (firstRow + rows) + ": " + e.getMessage());
    }
    for (int i = 0; i < rows; i++) {
      try {
        metrics.add(labels[i], out[i]);
      } catch (Metrics.BadLabel | Metrics.BadPrediction e) {
        throw new Unscorable(path + ": row " + (firstRow + i + 1) + ": " + e.getMessage());
      }
    }
  }

  /** Column {@code i} of a row of {@code schema} as the number sagemaker-csv writes (a boolean is 1 or 0). */
  static double number(TableSchema schema, TypedRow values, int i) {
    switch (schema.column(i).type()) {
      case DOUBLE:
        return values.getDouble(i);
      case BOOLEAN:
        return values.getBoolean(i) ? 1 : 0;
      default:
        return values.getLong(i);
    }
  }


  private static float feature(double v) {
    return Double.isFinite(v) ? (float) v : Float.NaN;
  }
}
