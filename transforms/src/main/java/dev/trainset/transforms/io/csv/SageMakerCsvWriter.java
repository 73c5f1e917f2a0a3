package dev.trainset.transforms.io.csv;

import dev.trainset.transforms.io.TextRowWriter;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.parse.Values;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV SageMaker's built-in algorithms read: no header, label in the first column, every value numeric (booleans
 * as 1/0, an empty field for a missing feature), numbers in plain notation (no exponent that a header sniffer could
 * take for text), comma-separated, {@code \n} line ends.
 */
public final class SageMakerCsvWriter extends TextRowWriter {
  private final ColumnType[] types;
  private final int first;

  /**
   * Checks the consumer's rules first.
   *
   * @throws IllegalArgumentException naming the column that breaks a rule
   */
  public SageMakerCsvWriter(TableSchema schema, boolean labelFirst, boolean gzip, OutputStream out) throws IOException {
    this(schema, labelFirst, false, gzip, out);
  }

  private SageMakerCsvWriter(TableSchema schema, boolean labelFirst, boolean featuresOnly, boolean gzip, OutputStream out)
      throws IOException {
    super(out, gzip);
    List<String> problems = featuresOnly ? featureProblems(schema, labelFirst) : problems(schema, labelFirst);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0));
    }
    first = featuresOnly && labelFirst ? 1 : 0;
    types = new ColumnType[schema.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = schema.column(i).type();
    }
  }

  /**
   * {@code features-csv}: the same lines without the label (the first column, when there is one), in the same order:
   * what a batch transform or an endpoint takes.
   */
  public static SageMakerCsvWriter featuresOnly(TableSchema schema, boolean labelFirst, boolean gzip, OutputStream out)
      throws IOException {
    return new SageMakerCsvWriter(schema, labelFirst, true, gzip, out);
  }

  /** Every reason this schema's features cannot be written as {@code features-csv}, one per column, each naming it. */
  public static List<String> featureProblems(TableSchema schema, boolean labelFirst) {
    List<String> out = new ArrayList<>();
    for (int i = labelFirst ? 1 : 0; i < schema.size(); i++) {
      ColumnSpec c = schema.column(i);
      if (c.list() || !numeric(c)) {
        out.add(
            "features-csv needs numeric columns; column '" + c.name() + "' is " + c.describeType()
                + " (drop it with columns.drop, or encode it with output.oneHot / output.ordinal)");
      }
    }
    return out;
  }

  private static boolean numeric(ColumnSpec c) {
    return c.type() == ColumnType.LONG || c.type() == ColumnType.DOUBLE || c.type() == ColumnType.BOOLEAN;
  }

  /** Every reason this schema cannot be written as SageMaker CSV, one per column, each naming it. */
  public static List<String> problems(TableSchema schema, boolean labelFirst) {
    List<String> out = new ArrayList<>();
    if (!labelFirst) {
      out.add("sagemaker-csv needs a label in the first column: set label.column");
      return out;
    }
    for (int i = 0; i < schema.size(); i++) {
      ColumnSpec c = schema.column(i);
      if (c.list() || !numeric(c)) {
        out.add(
            "sagemaker-csv needs numeric columns; "
                + (i == 0 ? "the label '" + c.name() + "'" : "column '" + c.name() + "'")
                + " is " + c.describeType()
                + (i == 0
                    ? " (map it to numbers with label.map)"
                    : " (drop it with columns.drop, or encode it with output.oneHot / output.ordinal)"));
      }
    }
    if (schema.size() > 0 && schema.column(0).nullable()) {
      out.add("sagemaker-csv needs a label in every row; label.required must be true");
    }
    return out;
  }

  @Override
  protected void render(TypedRow row, StringBuilder line) {
    for (int i = first; i < types.length; i++) {
      if (i > first) {
        line.append(',');
      }
      if (row.isNull(i)) {
        continue;
      }
      switch (types[i]) {
        case DOUBLE:
          double d = row.getDouble(i);
          if (Double.isFinite(d)) {
            line.append(Values.formatDouble(d));
          } // NaN and infinities: missing for XGBoost
          break;
        case BOOLEAN:
          line.append(row.getBoolean(i) ? '1' : '0');
          break;
        default:
          line.append(row.getLong(i));
      }
    }
  }
}
