package dev.trainset.transforms.slice;

import static org.junit.Assert.assertEquals;

import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.csv.CsvFormat;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.TableSchema;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The two passes as Beam transforms give what the pure passes give, slice for slice and byte for byte. */
public class WriteSlicesTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final TableSchema XY =
      new TableSchema(List.of(ColumnSpec.of("x", ColumnType.LONG), ColumnSpec.of("y", ColumnType.STRING)));
  private static final CsvFormat CSV = CsvFormat.of(CsvSettings.defaults().withDelimiter(','));

  @Test
  public void givenSlices_theBeamPassesWriteTheFilesThePurePassesWrite() throws Exception {
    StringBuilder b = new StringBuilder("x,y\n");
    for (int i = 0; i < 3000; i++) {
      b.append(i).append(i % 500 == 3 ? ",bad,row\n" : ",v" + i + "\n");
    }
    File csv = tmp.newFile("in.csv");
    Files.writeString(csv.toPath(), b.toString(), StandardCharsets.UTF_8);
    List<FileSlice> slices = Slices.numbered(Slices.of(csv, 4096), CSV);

    Map<String, String> expected = new TreeMap<>();
    WriteSlice.Spec pure = Slices.spec(CSV, XY, tmp.newFolder("pure"), OutputFormat.PARQUET, OutputFormat.JSONL);
    for (FileSlice s : slices) {
      new WriteSlice(pure).write(s, (k, x) -> {}, (x, y, z) -> {}).files()
          .forEach(f -> expected.put(new File(f.path()).getName(), f.rows() + " " + f.bytes() + " " + f.sha256()));
    }
    List<String> want = new ArrayList<>();
    expected.forEach((k, v) -> want.add(k + " " + v));

    WriteSlice.Spec beam = Slices.spec(CSV, XY, tmp.newFolder("beam"), OutputFormat.PARQUET, OutputFormat.JSONL);
    PCollection<String> files =
        p.apply(WriteSlices.of(slices, beam, "test"))
            .get(WriteSlices.RESULTS)
            .apply("Describe", MapElements.into(TypeDescriptors.lists(TypeDescriptors.strings())).via(WriteSlicesTest::describe))
            .apply("Files", org.apache.beam.sdk.transforms.Flatten.iterables());
    PAssert.that(files).containsInAnyOrder(want);
    PAssert.that(
            p.apply("Summaries", SummariseSlices.of(slices, new SummariseSlice.Spec(CSV, true, SummariseSlice.Collect.NOTHING, null, null, null, null, false, 0, null), "t"))
                .apply("Records", MapElements.into(TypeDescriptors.longs()).via(SliceSummary::records))
                .apply("Total", org.apache.beam.sdk.transforms.Sum.longsGlobally()))
        .containsInAnyOrder(3000L);
    p.run().waitUntilFinish();
    assertEquals(true, want.size() > slices.size());
  }

  private static List<String> describe(SliceResult r) {
    List<String> out = new ArrayList<>();
    r.files().forEach(f -> out.add(new File(f.path()).getName() + " " + f.rows() + " " + f.bytes() + " " + f.sha256()));
    return out;
  }
}
