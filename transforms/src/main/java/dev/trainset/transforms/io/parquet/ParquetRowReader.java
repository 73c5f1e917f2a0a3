package dev.trainset.transforms.io.parquet;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.InputFile;

/**
 * Reads a Parquet file that {@link ParquetRowWriter} wrote back into {@link TypedRow}s of its table schema, column by
 * name (for export's format conversions and for tests). Not a hot path: it goes through parquet-java's example
 * {@link Group} model.
 */
public final class ParquetRowReader implements Closeable {
  private final ParquetReader<Group> reader;
  private final TableSchema schema;
  private int[] fields;

  public ParquetRowReader(InputFile file, TableSchema schema) throws IOException {
    this.schema = schema;
    this.reader =
        new ParquetReader.Builder<Group>(file) {
          @Override
          protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
          }
        }.withConf(new Configuration(false)).build();
  }

  /** Reads the next row into {@code out}; false at the end of the file. */
  public boolean next(TypedRow out) throws IOException {
    Group g = reader.read();
    if (g == null) {
      return false;
    }
    if (fields == null) {
      fields = new int[schema.size()];
      for (int i = 0; i < fields.length; i++) {
        fields[i] = g.getType().getFieldIndex(schema.column(i).name());
      }
    }
    for (int i = 0; i < fields.length; i++) {
      int f = fields[i];
      ColumnSpec c = schema.column(i);
      if (g.getFieldRepetitionCount(f) == 0) {
        out.setNull(i);
      } else if (c.list()) {
        out.setObject(i, list(g.getGroup(f, 0), c));
      } else {
        switch (c.type()) {
          case BOOLEAN:
            out.setBoolean(i, g.getBoolean(f, 0));
            break;
          case LONG:
          case TIMESTAMP:
            out.setLong(i, g.getLong(f, 0));
            break;
          case DOUBLE:
            out.setDouble(i, g.getDouble(f, 0));
            break;
          default:
            out.setObject(i, g.getString(f, 0));
        }
      }
    }
    return true;
  }

  private static List<Object> list(Group list, ColumnSpec c) {
    List<Object> out = new ArrayList<>();
    int n = list.getFieldRepetitionCount(0);
    for (int k = 0; k < n; k++) {
      Group e = list.getGroup(0, k);
      if (e.getFieldRepetitionCount(0) == 0) {
        out.add(null);
        continue;
      }
      switch (c.type()) {
        case BOOLEAN:
          out.add(e.getBoolean(0, 0));
          break;
        case LONG:
          out.add(e.getLong(0, 0));
          break;
        case TIMESTAMP:
          out.add(TypedRow.instant(e.getLong(0, 0)));
          break;
        case DOUBLE:
          out.add(e.getDouble(0, 0));
          break;
        default:
          out.add(e.getString(0, 0));
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
