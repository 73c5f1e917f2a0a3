package dev.trainset.transforms.io;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.trainset.transforms.errors.RejectedRecord;
import dev.trainset.transforms.io.arff.ArffFormat;
import dev.trainset.transforms.io.csv.CsvFormat;
import dev.trainset.transforms.io.json.JsonFormat;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.JsonSettings;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.schema.BeamSchemas;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ReadRecordsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final TableSchema XY =
      new TableSchema(List.of(ColumnSpec.of("x", ColumnType.LONG), ColumnSpec.of("y", ColumnType.STRING)));

  private File write(String name, String text) throws IOException {
    File f = tmp.newFile(name);
    Files.writeString(f.toPath(), text, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  public void givenCsvWithTooManyFieldsAndQuotedNewline_outputsGoodRowsAndRejectsTheBadOneWithLineAndRaw() throws IOException {
    File csv = write("in.csv", "x,y\n1,\"a\nb\"\n2,c,extra\n3,d\n");
    PCollectionTuple out =
        p.apply(ReadRecords.from(List.of(csv.getPath())).withFormat(CsvFormat.of(CsvSettings.defaults().withDelimiter(','))).withSchema(XY));
    Schema s = BeamSchemas.toBeam(XY);
    PAssert.that(out.get(ReadRecords.ROWS))
        .containsInAnyOrder(Row.withSchema(s).addValues(1L, "a\nb").build(), Row.withSchema(s).addValues(3L, "d").build());
    PAssert.that(out.get(ReadRecords.REJECTED))
        .containsInAnyOrder(new RejectedRecord(csv.getPath(), "line", 4, "2,c,extra", "expected 2 fields, found 3", "read"));
    p.run().waitUntilFinish();
  }

  @Test
  public void givenBigLineSafeCsvReadInSlices_givesExactlyTheSequentialRowsAndRejectLines() throws IOException {
    StringBuilder b = new StringBuilder("x,y\r\n");
    for (int i = 0; i < 5000; i++) {
      b.append(i).append(',').append(i == 1234 || i == 4321 ? "bad,extra" : "\"v " + i + "\"").append("\r\n");
    }
    File csv = write("big.csv", b.toString());
    PCollectionTuple out =
        p.apply(
            ReadRecords.from(List.of(csv.getPath()))
                .withFormat(CsvFormat.of(CsvSettings.defaults().withDelimiter(',')))
                .withSchema(XY)
                .withSliceBytes(4096)); // about 15 slices
    PAssert.that(
            p.apply("PlanOnly", PlanSlices.of(List.of(csv.getPath()), CsvFormat.of(CsvSettings.defaults().withDelimiter(','))).withTargetBytes(4096))
                .apply("CountSlices", Count.globally()))
        .satisfies(
            n -> {
              long slices = n.iterator().next();
              assertTrue("the file was cut: " + slices + " slices", slices >= 10);
              return null;
            });
    PAssert.that(out.get(ReadRecords.ROWS).apply(Count.globally())).containsInAnyOrder(4998L);
    PAssert.that(out.get(ReadRecords.ROWS).apply("SumX", MapElements.into(TypeDescriptors.longs()).via(r -> r.getInt64("x"))).apply(org.apache.beam.sdk.transforms.Sum.longsGlobally()))
        .containsInAnyOrder(4999L * 5000 / 2 - 1234 - 4321);
    PAssert.that(out.get(ReadRecords.REJECTED))
        .containsInAnyOrder(
            new RejectedRecord(csv.getPath(), "line", 1236, "1234,bad,extra", "expected 2 fields, found 3", "read"),
            new RejectedRecord(csv.getPath(), "line", 4323, "4321,bad,extra", "expected 2 fields, found 3", "read"));
    p.run().waitUntilFinish();
  }

  @Test
  public void givenCsvValueThatDoesNotFitTheSchema_rejectsItNamingTheColumn() throws IOException {
    File csv = write("in.csv", "x,y\n1,a\nnope,b\n");
    PCollectionTuple out =
        p.apply(ReadRecords.from(List.of(csv.getPath())).withFormat(CsvFormat.of(CsvSettings.defaults().withDelimiter(','))).withSchema(XY));
    PAssert.that(out.get(ReadRecords.ROWS).apply(Count.globally())).containsInAnyOrder(1L);
    PAssert.that(out.get(ReadRecords.REJECTED))
        .containsInAnyOrder(new RejectedRecord(csv.getPath(), "line", 3, "nope,b", "column 'x': expected long, got 'nope'", "read"));
    p.run().waitUntilFinish();
  }

  @Test
  public void givenTruncatedGzip_keepsTheRowsBeforeTheCut_andRejectsTheRestWithItsLine() throws IOException {
    StringBuilder b = new StringBuilder("x,y\n");
    for (int i = 0; i < 20_000; i++) {
      b.append(i).append(",row number ").append(i).append('\n');
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] all = bytes.toByteArray();
    File f = tmp.newFile("cut.csv.gz");
    Files.write(f.toPath(), java.util.Arrays.copyOf(all, all.length / 2));

    // Independently: how many complete lines can be decompressed before the stream breaks off.
    long completeLines = 0;
    try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.FileInputStream(f))) {
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          completeLines++;
        }
      }
    } catch (java.io.EOFException expected) {
      // the cut
    }
    long expectedRows = completeLines - 1; // minus the header
    assertTrue("the cut leaves a useful prefix: " + expectedRows, expectedRows > 1000 && expectedRows < 20_000);

    PCollectionTuple out =
        p.apply(ReadRecords.from(List.of(f.getPath())).withFormat(CsvFormat.of(CsvSettings.defaults().withDelimiter(','))).withSchema(XY));
    // One check over both outputs: the rows are exactly data lines 2..N (x = 0..N-2, no gap, no duplicate), and the
    // single rejected entry says "after line N" at position N+1. N can be a little short of what a plain
    // GZIPInputStream recovers, since Beam's decoder drops its last partly decoded chunk at the cut.
    PCollection<String> both =
        PCollectionList.of(
                out.get(ReadRecords.ROWS).apply("RowIds", MapElements.into(TypeDescriptors.strings()).via(r -> "row " + r.getInt64("x"))))
            .and(out.get(ReadRecords.REJECTED).apply("Rejects", MapElements.into(TypeDescriptors.strings()).via(r -> "rej " + r.position() + " " + r.reason())))
            .apply(Flatten.pCollections());
    PAssert.that(both)
        .satisfies(
            lines -> {
              java.util.Set<Long> ids = new java.util.HashSet<>();
              List<String> rejects = new ArrayList<>();
              for (String line : lines) {
                if (line.startsWith("row ")) {
                  assertTrue("duplicate " + line, ids.add(Long.parseLong(line.substring(4))));
                } else {
                  rejects.add(line);
                }
              }
              assertEquals(rejects.toString(), 1, rejects.size());
              java.util.regex.Matcher m =
                  java.util.regex.Pattern.compile("rej (\\d+) unreadable: truncated or corrupt compressed stream after line (\\d+) \\(.*\\)")
                      .matcher(rejects.get(0));
              assertTrue(rejects.get(0), m.matches());
              long lastLine = Long.parseLong(m.group(2));
              assertEquals(lastLine + 1, Long.parseLong(m.group(1)));
              assertEquals(lastLine - 1, ids.size());
              for (long i = 0; i < lastLine - 1; i++) {
                assertTrue("missing x=" + i, ids.contains(i));
              }
              assertTrue("at most one 64 KiB chunk is lost at the cut", lastLine <= expectedRows + 1 && lastLine > expectedRows - 4000);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void givenArffValueOutsideItsNominalDomain_rejectsThatRowWithTheDomain() throws IOException {
    File arff = write("in.arff", "@relation r\n@attribute v numeric\n@attribute class {Abnormal, Normal}\n@data\n1.5,Normal\n2.5,Unknown\n");
    TableSchema schema =
        new TableSchema(
            List.of(ColumnSpec.of("v", ColumnType.DOUBLE), new ColumnSpec("class", ColumnType.STRING, false, true, List.of("Abnormal", "Normal"))));
    PCollectionTuple out = p.apply(ReadRecords.from(List.of(arff.getPath())).withFormat(ArffFormat.of()).withSchema(schema));
    PAssert.that(out.get(ReadRecords.ROWS))
        .containsInAnyOrder(Row.withSchema(BeamSchemas.toBeam(schema)).addValues(1.5, "Normal").build());
    PAssert.that(out.get(ReadRecords.REJECTED))
        .containsInAnyOrder(
            new RejectedRecord(arff.getPath(), "line", 6, "2.5,Unknown", "attribute 'class': 'Unknown' is not one of [Abnormal, Normal]", "read"));
    p.run().waitUntilFinish();
  }

  @Test
  public void givenInvalidJsonLine_rejectsItAndReadsTheRest() throws IOException {
    File jsonl = write("in.jsonl", "{\"x\":1,\"y\":\"a\"}\n{\"x\":2,\"y\":\n{\"x\":3}\n");
    PCollectionTuple out =
        p.apply(ReadRecords.from(List.of(jsonl.getPath())).withFormat(JsonFormat.of(new JsonSettings(null, true))).withSchema(XY));
    Schema s = BeamSchemas.toBeam(XY);
    PAssert.that(out.get(ReadRecords.ROWS))
        .containsInAnyOrder(Row.withSchema(s).addValues(1L, "a").build(), Row.withSchema(s).addValues(3L, null).build());
    PAssert.that(out.get(ReadRecords.REJECTED))
        .satisfies(
            rejected -> {
              RejectedRecord r = rejected.iterator().next();
              assertEquals(2, r.position());
              assertEquals("{\"x\":2,\"y\":", r.raw());
              assertTrue(r.reason(), r.reason().startsWith("invalid JSON: Unexpected end-of-input"));
              return null;
            });
    p.run().waitUntilFinish();
  }
}
