package dev.trainset.transforms.evaluate;

import dev.trainset.transforms.io.parquet.BeamInputFile;
import dev.trainset.transforms.io.parquet.ParquetRowReader;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Predictions made elsewhere (a SageMaker batch transform's {@code .out} file: a line per row, one value or one per
 * class, comma-separated) joined line by line with the labels of the labelled file they were made for (the Parquet
 * file of the same name), into a {@link Metrics}. The two must have the same number of lines.
 */
public final class ScorePredictions {
  private final TableSchema schema;
  private final Task task;
  private final int classes;
  private final double threshold;

  public ScorePredictions(TableSchema schema, Task task, int classes, double threshold) {
    this.schema = schema;
    this.task = task;
    this.classes = classes;
    this.threshold = threshold;
  }

  /** The number of values on the first line of a predictions file (0 when it has none). */
  public static int width(String predictions) throws IOException {
    try (BufferedReader in = open(predictions)) {
      String line = in.readLine();
      return line == null || line.isBlank() ? 0 : line.split(",", -1).length;
    }
  }

  private static BufferedReader open(String path) throws IOException {
    MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(path);
    return new BufferedReader(new InputStreamReader(Channels.newInputStream(FileSystems.open(meta.resourceId())), StandardCharsets.UTF_8));
  }

  /** Joins {@code labelled} (Parquet, label first) with {@code predictions}, line for line. */
  public Metrics score(String labelled, String predictions) throws IOException, ScoreFile.Unscorable {
    Metrics metrics = new Metrics(task, classes, threshold);
    MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(labelled);
    long row = 0;
    try (ParquetRowReader r = new ParquetRowReader(new BeamInputFile(meta.resourceId(), meta.sizeBytes()), schema);
        BufferedReader p = open(predictions)) {
      TypedRow values = new TypedRow(schema.size());
      while (r.next(values)) {
        row++;
        String line = p.readLine();
        if (line == null) {
          throw new ScoreFile.Unscorable(predictions + " ends at line " + (row - 1) + "; " + labelled + " has more rows");
        }
        try {
          if (values.isNull(0)) {
            throw new ScoreFile.Unscorable(labelled + ": row " + row + " has no label");
          }
          metrics.add(ScoreFile.number(schema, values, 0), parse(line));
        } catch (NumberFormatException e) {
          throw new ScoreFile.Unscorable(predictions + ": line " + row + " is not a prediction: '" + clip(line) + "'");
        } catch (Metrics.BadLabel | Metrics.BadPrediction e) {
          throw new ScoreFile.Unscorable(predictions + ": line " + row + ": " + e.getMessage());
        }
      }
      if (p.readLine() != null) {
        throw new ScoreFile.Unscorable(predictions + " has more lines than the " + row + " rows of " + labelled);
      }
    }
    return metrics;
  }

  private static float[] parse(String line) {
    String[] f = line.trim().split(",", -1);
    float[] out = new float[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = Float.parseFloat(f[i].trim());
    }
    return out;
  }

  private static String clip(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
