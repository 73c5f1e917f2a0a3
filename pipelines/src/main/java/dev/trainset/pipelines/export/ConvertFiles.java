package dev.trainset.pipelines.export;

import dev.trainset.transforms.coders.SummaryCoder;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.HashingOutputStream;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.RowWriter;
import dev.trainset.transforms.io.RowWriters;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.io.parquet.BeamInputFile;
import dev.trainset.transforms.io.parquet.ParquetRowReader;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.slice.ReadSlices;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Export's conversions as a Beam transform: each source Parquet file (one element) is read once and written to every
 * format asked for, under a temporary name made from the file's own ({@code part-00003.parquet} →
 * {@code <temp>/train.csv.part-00003.csv}), with rows, bytes and sha256 counted while writing. One {@link WrittenFile}
 * per file written comes out.
 */
final class ConvertFiles extends PTransform<PBegin, PCollection<WrittenFile>> {
  /** What to make of one source file: its split, and the formats to write. */
  record Source(String path, String split) implements Serializable {}

  private final List<Source> sources;
  private final TableSchema schema;
  private final boolean labelFirst;
  private final List<OutputFormat> formats;
  private final RowWriters writers;
  private final String temp;

  ConvertFiles(List<Source> sources, TableSchema schema, boolean labelFirst, List<OutputFormat> formats, RowWriters writers, String temp) {
    this.sources = List.copyOf(sources);
    this.schema = schema;
    this.labelFirst = labelFirst;
    this.formats = List.copyOf(formats);
    this.writers = writers;
    this.temp = temp;
  }

  @Override
  public PCollection<WrittenFile> expand(PBegin input) {
    List<FileSlice> files = new ArrayList<>();
    Map<String, String> splitOf = new java.util.HashMap<>();
    for (Source s : sources) {
      files.add(FileSlice.whole(files.size(), s.path()));
      splitOf.put(s.path(), s.split());
    }
    return input
        .apply("ReadFiles", ReadSlices.of(files))
        .apply("Convert", ParDo.of(new ConvertFn(splitOf, schema, labelFirst, formats, writers, temp)))
        .setCoder(WrittenFile.Coder.of());
  }

  static final class ConvertFn extends DoFn<FileSlice, WrittenFile> {
    private final Map<String, String> splitOf;
    private final TableSchema schema;
    private final boolean labelFirst;
    private final List<OutputFormat> formats;
    private final RowWriters writers;
    private final String temp;

    ConvertFn(
        Map<String, String> splitOf, TableSchema schema, boolean labelFirst, List<OutputFormat> formats, RowWriters writers, String temp) {
      this.splitOf = Map.copyOf(splitOf);
      this.schema = schema;
      this.labelFirst = labelFirst;
      this.formats = formats;
      this.writers = writers;
      this.temp = temp;
    }

    @ProcessElement
    public void process(@Element FileSlice file, OutputReceiver<WrittenFile> out) throws IOException {
      String split = splitOf.get(file.path());
      String base = file.path().substring(file.path().lastIndexOf('/') + 1).replaceFirst("\\.parquet$", "");
      ResourceId id = FileSystems.matchNewResource(file.path(), false);
      MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(file.path());
      List<RowWriter> open = new ArrayList<>();
      List<HashingOutputStream> streams = new ArrayList<>();
      List<String> paths = new ArrayList<>();
      for (OutputFormat f : formats) {
        String output = split + "/" + f.folder();
        String path = temp + output.replace('/', '.') + "." + base + writers.extension(f);
        HashingOutputStream h =
            new HashingOutputStream(Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(path, false), f.contentType())));
        streams.add(h);
        paths.add(path);
        open.add(writers.open(f, schema, labelFirst, new BufferedOutputStream(h, 1 << 18)));
      }
      TypedRow row = new TypedRow(schema.size());
      long rows = 0;
      try (ParquetRowReader r = new ParquetRowReader(new BeamInputFile(id, meta.sizeBytes()), schema)) {
        while (r.next(row)) {
          for (RowWriter w : open) {
            w.write(row);
          }
          rows++;
        }
      }
      for (int i = 0; i < formats.size(); i++) {
        open.get(i).finish();
        streams.get(i).close();
        String output = split + "/" + formats.get(i).folder();
        out.output(new WrittenFile(output, file.index(), paths.get(i), rows, streams.get(i).bytes(), streams.get(i).sha256()));
      }
    }
  }

  /** The coder of this transform's output list, for the result file. */
  static SummaryCoder<Converted> resultCoder() {
    return SummaryCoder.of(Converted.class);
  }

  /** Every file the conversion wrote, as one value. */
  static final class Converted implements Serializable {
    private static final long serialVersionUID = 1L;
    final ArrayList<WrittenFile> files = new ArrayList<>();
  }
}
