package dev.trainset.transforms.io.csv;

import dev.trainset.transforms.io.RowFileSink;
import dev.trainset.transforms.io.TextRowSink;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.Values;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/**
 * The CSV SageMaker's built-in algorithms read: no header, label in the first column, every value numeric (booleans
 * as 1/0, an empty field for a missing feature), numbers in plain notation (no exponent that a header sniffer could
 * take for text), comma-separated, {@code \n} line ends.
 */
public final class SageMakerCsvSink extends TextRowSink {
  private SageMakerCsvSink(boolean gzip) {
    super(gzip);
  }

  /**
   * Checks the consumer's rules first.
   *
   * @param labelFirst whether column 0 is the label
   * @throws IllegalArgumentException naming the column that breaks a rule
   */
  public static SageMakerCsvSink of(TableSchema schema, boolean labelFirst, boolean gzip) {
    List<String> problems = problems(schema, labelFirst);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0));
    }
    return new SageMakerCsvSink(gzip);
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
      boolean numeric = c.type() == ColumnType.LONG || c.type() == ColumnType.DOUBLE || c.type() == ColumnType.BOOLEAN;
      if (c.list() || !numeric) {
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
  public RowFileSink copy() {
    return new SageMakerCsvSink(gzip());
  }

  @Override
  protected void render(Row row, StringBuilder line) {
    int n = row.getFieldCount();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        line.append(',');
      }
      Object v = row.getValue(i);
      if (v == null) {
        continue;
      }
      if (v instanceof Double) {
        double d = (Double) v;
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          continue; // missing for XGBoost
        }
        line.append(Values.formatDouble(d));
      } else if (v instanceof Boolean) {
        line.append((Boolean) v ? '1' : '0');
      } else {
        line.append(v);
      }
    }
  }
}
