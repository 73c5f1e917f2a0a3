package dev.trainset.transforms.slice;

import dev.trainset.transforms.errors.RejectedRecord;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.RowWriters;
import dev.trainset.transforms.io.SlicePlanner;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.io.parquet.BeamInputFile;
import dev.trainset.transforms.io.parquet.ParquetRowReader;
import dev.trainset.transforms.io.parquet.ParquetRowWriter;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.split.RowSplitter;
import dev.trainset.transforms.split.Unsplit;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;

/** Test helpers: run the two passes over files, as a run does, and read back what they wrote. */
final class Slices {
  private Slices() {}

  /** A file's slices of about {@code bytes}, numbered as a run numbers them. */
  static List<FileSlice> of(File f, long bytes) throws IOException {
    Metadata m = FileSystems.matchSingleFileSpec(f.getPath());
    return SlicePlanner.plan(List.of(m), true, bytes);
  }

  /** Runs the first pass with counting only, and gives each slice the number of its first line. */
  static List<FileSlice> numbered(List<FileSlice> slices, FileFormat format) throws IOException {
    SummariseSlice pass = new SummariseSlice(new SummariseSlice.Spec(format, false, SummariseSlice.Collect.NOTHING, null, null, null, null, false, 0, null));
    List<FileSlice> out = new ArrayList<>();
    long line = 1;
    for (FileSlice s : slices) {
      out.add(s.withFirstLine(line));
      line += pass.summarise(s, n -> {}).lineBreaks();
    }
    return out;
  }

  static WriteSlice.Spec spec(FileFormat format, TableSchema schema, File temp, OutputFormat... formats) {
    Preparation prep = Preparation.identity(schema);
    return spec(format, schema, prep, new Unsplit("data"), temp, formats);
  }

  static WriteSlice.Spec spec(FileFormat format, TableSchema schema, Preparation prep, RowSplitter splitter, File temp, OutputFormat... formats) {
    return new WriteSlice.Spec(
        format, schema, prep, new ColumnRoles(Preparation.Settings.none(), Map.of(), null), new LabelClasses(prep, false), splitter,
        new RowWriters(List.of(formats), ParquetRowWriter.Codec.SNAPPY, ParquetRowWriter.DEFAULT_ROW_GROUP_BYTES, false),
        temp.getPath() + "/", false, null);
  }

  /** Every row of the Parquet files, boxed, in file order. */
  static List<List<Object>> parquetRows(List<WrittenFile> files, TableSchema schema) throws IOException {
    List<List<Object>> out = new ArrayList<>();
    for (WrittenFile f : files) {
      if (!f.path().endsWith(".parquet")) {
        continue;
      }
      TypedRow row = new TypedRow(schema.size());
      try (ParquetRowReader r =
          new ParquetRowReader(new BeamInputFile(FileSystems.matchNewResource(f.path(), false), new File(f.path()).length()), schema)) {
        while (r.next(row)) {
          out.add(row.values(schema));
        }
      }
    }
    return out;
  }

  /** The rejected records of the files, as their JSON lines. */
  static List<String> rejected(List<WrittenFile> files) throws IOException {
    List<String> out = new ArrayList<>();
    for (WrittenFile f : files) {
      if (f.output().equals(WriteSlice.REJECTED)) {
        out.addAll(Files.readAllLines(new File(f.path()).toPath()));
      }
    }
    return out;
  }

  static String json(RejectedRecord r) {
    return r.toJson();
  }
}
