package dev.trainset.transforms.io.parquet;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.EnumSet;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * A {@link ParquetFileWriter} whose footer lists each column chunk's encodings in one fixed order. parquet-java
 * gathers them in a {@code HashSet}, whose order follows the enum constants' identity hash codes and so changes from
 * one JVM to the next: the same rows then gave files that differ in a few footer bytes on another runner. An
 * {@link EnumSet} (declaration order) in its place makes the bytes a function of the data alone.
 */
final class FixedOrderFileWriter extends ParquetFileWriter {
  private static final Field CURRENT_ENCODINGS = currentEncodings();

  FixedOrderFileWriter(OutputFile out, MessageType schema, long rowGroupBytes) throws IOException {
    super(out, schema, Mode.OVERWRITE, rowGroupBytes, 0);
  }

  @Override
  public void startColumn(ColumnDescriptor descriptor, long valueCount, CompressionCodecName codec) throws IOException {
    super.startColumn(descriptor, valueCount, codec);
    try {
      CURRENT_ENCODINGS.set(this, EnumSet.noneOf(Encoding.class));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Field currentEncodings() {
    try {
      Field f = ParquetFileWriter.class.getDeclaredField("currentEncodings");
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError("parquet-java without ParquetFileWriter.currentEncodings: " + e);
    }
  }
}
