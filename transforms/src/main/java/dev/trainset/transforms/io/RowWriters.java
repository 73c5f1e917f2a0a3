package dev.trainset.transforms.io;

import dev.trainset.transforms.io.csv.SageMakerCsvWriter;
import dev.trainset.transforms.io.json.JsonLinesWriter;
import dev.trainset.transforms.io.parquet.ParquetRowWriter;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;

/**
 * The formats a training set is written in and their settings, and the writer of each.
 *
 * @param formats in the order given
 * @param codec Parquet compression
 * @param rowGroupBytes Parquet row-group size
 * @param textGzip gzip CSV and JSON Lines files
 */
public record RowWriters(List<OutputFormat> formats, ParquetRowWriter.Codec codec, long rowGroupBytes, boolean textGzip)
    implements Serializable {
  public RowWriters {
    formats = List.copyOf(formats);
  }

  /** The file extension of a format ({@code .csv.gz}). */
  public String extension(OutputFormat f) {
    return f == OutputFormat.PARQUET || !textGzip ? f.extension() : f.extension() + ".gz";
  }

  /** The compression a format's files have ({@code snappy}, {@code gzip}, {@code none}). */
  public String compression(OutputFormat f) {
    return f == OutputFormat.PARQUET ? codec.configName() : textGzip ? "gzip" : "none";
  }

  /** A writer of rows of {@code schema} in {@code format} to {@code out}. */
  public RowWriter open(OutputFormat format, TableSchema schema, boolean labelFirst, OutputStream out) throws IOException {
    switch (format) {
      case PARQUET:
        return new ParquetRowWriter(schema, codec, rowGroupBytes, out);
      case SAGEMAKER_CSV:
        return new SageMakerCsvWriter(schema, labelFirst, textGzip, out);
      case FEATURES_CSV:
        return SageMakerCsvWriter.featuresOnly(schema, labelFirst, textGzip, out);
      default:
        return new JsonLinesWriter(schema, textGzip, out);
    }
  }
}
