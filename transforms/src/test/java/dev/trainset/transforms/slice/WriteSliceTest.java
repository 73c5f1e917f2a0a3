package dev.trainset.transforms.slice;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.trainset.transforms.errors.RejectedRecord;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.io.arff.ArffFormat;
import dev.trainset.transforms.io.csv.CsvFormat;
import dev.trainset.transforms.io.json.JsonFormat;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.JsonSettings;
import dev.trainset.transforms.parse.TableSchema;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class WriteSliceTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final TableSchema XY =
      new TableSchema(List.of(ColumnSpec.of("x", ColumnType.LONG), ColumnSpec.of("y", ColumnType.STRING)));
  private static final CsvFormat CSV = CsvFormat.of(CsvSettings.defaults().withDelimiter(','));

  private File write(String name, String text) throws IOException {
    File f = tmp.newFile(name);
    Files.writeString(f.toPath(), text, StandardCharsets.UTF_8);
    return f;
  }

  private SliceResult write(WriteSlice.Spec spec, FileSlice slice) throws IOException {
    return new WriteSlice(spec).write(slice, (k, s) -> {}, (a, b, c) -> {});
  }

  @Test
  public void givenCsvWithTooManyFieldsAndQuotedNewline_writesGoodRowsAndRejectsTheBadOneWithLineAndRaw() throws IOException {
    File csv = write("in.csv", "x,y\n1,\"a\nb\"\n2,c,extra\n3,d\n");
    SliceResult r = write(Slices.spec(CSV, XY, tmp.newFolder(), OutputFormat.PARQUET), FileSlice.whole(0, csv.getPath()));
    assertEquals(3, r.read());
    assertEquals(1, r.rejected());
    assertEquals(List.of(List.of(1L, "a\nb"), List.of(3L, "d")), Slices.parquetRows(r.files(), XY));
    assertEquals(
        List.of(new RejectedRecord(csv.getPath(), "line", 4, "2,c,extra", "expected 2 fields, found 3", "read").toJson()),
        Slices.rejected(r.files()));
    assertEquals("expected N fields, found N", r.reasons().top(1).get(0).pattern());
  }

  @Test
  public void givenBigLineSafeCsvReadInSlices_givesExactlyTheSequentialRowsAndRejectLines() throws IOException {
    StringBuilder b = new StringBuilder("x,y\r\n");
    for (int i = 0; i < 5000; i++) {
      b.append(i).append(',').append(i == 1234 || i == 4321 ? "bad,extra" : "\"v " + i + "\"").append("\r\n");
      if (i % 997 == 0) {
        b.append("\r\n"); // blank lines count as lines
      }
    }
    File csv = write("big.csv", b.toString());
    List<FileSlice> slices = Slices.numbered(Slices.of(csv, 4096), CSV);
    assertTrue("the file was cut: " + slices.size() + " slices", slices.size() >= 10);

    WriteSlice.Spec whole = Slices.spec(CSV, XY, tmp.newFolder("whole"), OutputFormat.PARQUET);
    SliceResult all = write(whole, FileSlice.whole(0, csv.getPath()));
    WriteSlice.Spec sliced = Slices.spec(CSV, XY, tmp.newFolder("sliced"), OutputFormat.PARQUET);
    List<WrittenFile> files = new ArrayList<>();
    long read = 0;
    for (FileSlice s : slices) {
      SliceResult r = write(sliced, s);
      files.addAll(r.files());
      read += r.read();
    }
    assertEquals(all.read(), read);
    assertEquals(5000, read);
    assertEquals(Slices.parquetRows(all.files(), XY), Slices.parquetRows(files, XY));
    List<String> rejects = Slices.rejected(files);
    assertEquals(Slices.rejected(all.files()), rejects);
    assertEquals(2, rejects.size());
    assertTrue(rejects.get(0), rejects.get(0).contains("\"line\":" + (1234 + 2 + 2)));
  }

  @Test
  public void givenCsvValueThatDoesNotFitTheSchema_rejectsItNamingTheColumn() throws IOException {
    File csv = write("in.csv", "x,y\n1,a\nnope,b\n");
    SliceResult r = write(Slices.spec(CSV, XY, tmp.newFolder(), OutputFormat.JSONL), FileSlice.whole(0, csv.getPath()));
    assertEquals(
        List.of(new RejectedRecord(csv.getPath(), "line", 3, "nope,b", "column 'x': expected long, got 'nope'", "read").toJson()),
        Slices.rejected(r.files()));
    assertEquals(List.of(1L, 1L), List.of(r.written()[0], r.rejected()));
  }

  @Test
  public void givenTruncatedGzip_keepsTheRowsBeforeTheCut_andRejectsTheRestWithItsLine() throws IOException {
    StringBuilder b = new StringBuilder("x,y\n");
    for (int i = 0; i < 40_000; i++) {
      b.append(i).append(",row").append(i).append('\n');
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] all = bytes.toByteArray();
    File f = tmp.newFile("cut.csv.gz");
    Files.write(f.toPath(), java.util.Arrays.copyOf(all, all.length / 2));
    SliceResult r = write(Slices.spec(CSV, XY, tmp.newFolder(), OutputFormat.PARQUET), FileSlice.whole(0, f.getPath()));
    List<List<Object>> rows = Slices.parquetRows(r.files(), XY);
    assertTrue("the cut leaves a useful prefix: " + rows.size(), rows.size() > 1000 && rows.size() < 40_000);
    for (int i = 0; i < rows.size(); i++) {
      assertEquals((long) i, rows.get(i).get(0));
    }
    List<String> rejects = Slices.rejected(r.files());
    assertEquals(rejects.toString(), 1, rejects.size());
    Matcher m = Pattern.compile("\"line\":(\\d+),\"reason\":\"unreadable: truncated or corrupt compressed stream after line \\d+").matcher(rejects.get(0));
    assertTrue(rejects.get(0), m.find());
    assertEquals(rows.size() + 2, Long.parseLong(m.group(1)));
    assertEquals(r.read(), rows.size() + 1);
  }

  @Test
  public void givenArffValueOutsideItsNominalDomain_rejectsThatRowWithTheDomain() throws IOException {
    File arff = write("in.arff", "@relation r\n@attribute v numeric\n@attribute class {Abnormal, Normal}\n@data\n1.5,Normal\n2.5,Unknown\n");
    TableSchema s =
        new TableSchema(
            List.of(ColumnSpec.of("v", ColumnType.DOUBLE), new ColumnSpec("class", ColumnType.STRING, false, true, List.of("Abnormal", "Normal"))));
    SliceResult r = write(Slices.spec(ArffFormat.of(), s, tmp.newFolder(), OutputFormat.PARQUET), FileSlice.whole(0, arff.getPath()));
    assertEquals(List.of(List.of(1.5, "Normal")), Slices.parquetRows(r.files(), s));
    List<String> rejects = Slices.rejected(r.files());
    assertEquals(1, rejects.size());
    assertTrue(rejects.get(0), rejects.get(0).contains("\"line\":6") && rejects.get(0).contains("attribute 'class': 'Unknown' is not one of [Abnormal, Normal]"));
  }

  @Test
  public void givenInvalidJsonLine_rejectsItAndReadsTheRest_inSlicesToo() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      b.append(i == 77 ? "{\"x\":2,\"y\":\n" : "{\"x\":" + i + ",\"y\":\"v" + i + "\"}\n");
    }
    File jsonl = write("in.jsonl", b.toString());
    JsonFormat json = JsonFormat.of(new JsonSettings(null, true));
    List<FileSlice> slices = Slices.numbered(Slices.of(jsonl, 8192), json);
    assertTrue(slices.size() > 5);
    WriteSlice.Spec spec = Slices.spec(json, XY, tmp.newFolder(), OutputFormat.PARQUET);
    List<WrittenFile> files = new ArrayList<>();
    for (FileSlice s : slices) {
      files.addAll(write(spec, s).files());
    }
    assertEquals(2999, Slices.parquetRows(files, XY).size());
    List<String> rejects = Slices.rejected(files);
    assertEquals(1, rejects.size());
    assertTrue(rejects.get(0), rejects.get(0).contains("\"line\":78") && rejects.get(0).contains("invalid JSON: Unexpected end-of-input"));
  }

  @Test
  public void givenTheSameSliceTwice_writesByteIdenticalFilesNamedByTheSlice() throws IOException {
    File csv = write("in.csv", "x,y\n1,a\n2,b\n3,\n");
    File temp = tmp.newFolder();
    WriteSlice.Spec spec = Slices.spec(CSV, XY, temp, OutputFormat.PARQUET, OutputFormat.JSONL);
    SliceResult first = write(spec, new FileSlice(7, csv.getPath(), 0, -1, 1));
    SliceResult again = write(spec, new FileSlice(7, csv.getPath(), 0, -1, 1));
    assertEquals(first.files(), again.files());
    assertEquals(temp.getPath() + "/data.parquet.part-00007.parquet", first.files().get(0).path());
    assertEquals(3, first.files().get(0).rows());
    assertEquals(new File(first.files().get(0).path()).length(), first.files().get(0).bytes());
  }
}
