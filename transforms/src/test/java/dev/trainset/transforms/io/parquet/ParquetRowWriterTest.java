package dev.trainset.transforms.io.parquet;

import static org.junit.Assert.assertEquals;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ParquetRowWriterTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /**
   * The footer lists every column chunk's encodings in declaration order, not in a hash set's order (which follows
   * identity hash codes, so the same rows gave other bytes in another JVM: FlinkClusterIT compares files by sha256).
   */
  @Test
  public void footerListsEachChunksEncodingsInDeclarationOrder() throws Exception {
    TableSchema schema =
        new TableSchema(
            List.of(
                ColumnSpec.of("d", ColumnType.DOUBLE), ColumnSpec.of("n", ColumnType.LONG), ColumnSpec.of("s", ColumnType.STRING),
                ColumnSpec.of("b", ColumnType.BOOLEAN), ColumnSpec.of("e", ColumnType.DOUBLE)));
    File f = tmp.newFile("t.parquet");
    try (OutputStream out = new FileOutputStream(f)) {
      ParquetRowWriter w = new ParquetRowWriter(schema, ParquetRowWriter.Codec.SNAPPY, ParquetRowWriter.DEFAULT_ROW_GROUP_BYTES, out);
      TypedRow row = new TypedRow(schema.size());
      for (int i = 0; i < 1000; i++) {
        row.clear();
        row.setDouble(0, i * 0.5);
        row.setLong(1, i % 7);
        row.setObject(2, "v" + (i % 3));
        row.setBoolean(3, i % 2 == 0);
        if (i % 10 == 0) {
          row.setNull(4);
        } else {
          row.setDouble(4, i);
        }
        w.write(row);
      }
      w.finish();
    }
    // The footer as written (parquet-java's reader gathers the encodings into a hash set again).
    byte[] bytes = Files.readAllBytes(f.toPath());
    int length = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(bytes, bytes.length - 8 - length, length));
    int chunks = 0;
    for (RowGroup group : footer.getRow_groups()) {
      for (ColumnChunk c : group.getColumns()) {
        List<Encoding> listed = new ArrayList<>();
        c.getMeta_data().getEncodings().forEach(e -> listed.add(Encoding.valueOf(e.name())));
        List<Encoding> sorted = new ArrayList<>(listed);
        sorted.sort(Comparator.naturalOrder());
        assertEquals(String.join(".", c.getMeta_data().getPath_in_schema()), sorted, listed);
        chunks++;
      }
    }
    assertEquals(5, chunks);
  }
}
