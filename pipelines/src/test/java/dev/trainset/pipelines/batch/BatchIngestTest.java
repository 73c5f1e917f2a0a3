package dev.trainset.pipelines.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Whole batch-ingest runs on the bundled design datasets, read back by DuckDB, an independent Parquet reader. */
public class BatchIngestTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchIngest.Result run(String yaml) {
    return BatchIngest.run(TestData.config(yaml), TestData.direct(), BatchIngest.Settings.defaults());
  }

  @Test
  public void givenVertebralColumnArff_writesEveryCellAsTheSourceHasIt() throws Exception {
    Path arff = TestData.examples("vertebral-column/column_2C_weka.arff");
    File out = tmp.newFolder("vertebral");
    BatchIngest.Result r = run("input: {path: " + arff + "}\noutput: {path: " + out + "}\n");
    assertEquals(310, r.read());
    assertEquals(310, r.written());
    assertEquals(0, r.rejected());

    // Independent reading of the source: the data lines, split on commas.
    List<String> expected = new ArrayList<>();
    boolean data = false;
    for (String line : Files.readAllLines(arff, StandardCharsets.UTF_8)) {
      if (data && !line.isBlank()) {
        String[] f = line.trim().split(",");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
          b.append(Double.parseDouble(f[i])).append('|');
        }
        expected.add(b.append(f[6].trim()).toString());
      }
      data |= line.trim().equalsIgnoreCase("@data");
    }
    List<String> actual = new ArrayList<>();
    for (List<Object> row : TestData.duckdb("SELECT * FROM read_parquet('" + out + "/data/parquet/*.parquet')")) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        b.append((Double) row.get(i)).append('|');
      }
      actual.add(b.append(row.get(6)).toString());
    }
    Collections.sort(expected);
    Collections.sort(actual);
    assertEquals(310, expected.size());
    assertEquals(expected, actual);
    assertEquals(
        List.of("pelvic_incidence:DOUBLE", "pelvic_tilt:DOUBLE", "lumbar_lordosis_angle:DOUBLE", "sacral_slope:DOUBLE",
            "pelvic_radius:DOUBLE", "degree_spondylolisthesis:DOUBLE", "class:VARCHAR"),
        TestData.duckdbColumns(out + "/data/parquet/*.parquet"));
  }

  @Test
  public void givenHeartFailureCsv_infersTypesFromAllRows_andEveryCellSurvives() throws Exception {
    Path csv = TestData.examples("heart-failure/heart_failure_clinical_records_dataset.csv");
    File out = tmp.newFolder("heart");
    BatchIngest.Result r = run("input: {path: " + csv + "}\noutput: {path: " + out + "}\n");
    assertEquals(299, r.written());
    // age has 60.667 twice and platelets 263358.03: both widen to double; the rest stay integers.
    assertEquals(
        List.of("age:DOUBLE", "anaemia:BIGINT", "creatinine_phosphokinase:BIGINT", "diabetes:BIGINT", "ejection_fraction:BIGINT",
            "high_blood_pressure:BIGINT", "platelets:DOUBLE", "serum_creatinine:DOUBLE", "serum_sodium:BIGINT", "sex:BIGINT",
            "smoking:BIGINT", "time:BIGINT", "DEATH_EVENT:BIGINT"),
        TestData.duckdbColumns(out + "/data/parquet/*.parquet"));
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<String> expected = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < f.length; i++) {
        boolean isDouble = i == 0 || i == 6 || i == 7;
        cells.add(isDouble ? String.valueOf(Double.parseDouble(f[i])) : String.valueOf(Long.parseLong(f[i])));
      }
      expected.add(String.join("|", cells));
    }
    List<String> actual = new ArrayList<>();
    for (List<Object> row : TestData.duckdb("SELECT * FROM read_parquet('" + out + "/data/parquet/*.parquet')")) {
      List<String> cells = new ArrayList<>();
      row.forEach(v -> cells.add(String.valueOf(v)));
      actual.add(String.join("|", cells));
    }
    Collections.sort(expected);
    Collections.sort(actual);
    assertEquals(expected, actual);
  }

  @Test
  public void manifestListsEveryFileWithItsRowsBytesAndSha256_andSuccessIsWritten() throws Exception {
    Path arff = TestData.examples("vertebral-column/column_2C_weka.arff");
    File out = tmp.newFolder("m");
    run("input: {path: " + arff + "}\noutput: {path: " + out + ", compression: zstd}\n");
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("succeeded", m.get("status").asText());
    assertEquals(310, m.at("/counts/read").asLong());
    assertEquals(310, m.at("/counts/written").asLong());
    assertEquals(0, m.at("/counts/rejected").asLong());
    assertEquals(arff.toAbsolutePath().toString(), m.at("/inputs/0/path").asText());
    assertEquals(Files.size(arff), m.at("/inputs/0/bytes").asLong());
    assertEquals("arff", m.get("format").asText());
    assertEquals(7, m.at("/schema/columns").size());
    assertEquals("[\"Abnormal\",\"Normal\"]", m.at("/schema/columns/6/domain").toString());
    JsonNode data = m.at("/outputs/0");
    assertEquals("data/parquet", data.get("name").asText());
    assertEquals("application/x-parquet", data.get("contentType").asText());
    long rows = 0;
    for (JsonNode f : data.get("files")) {
      Path p = Paths.get(f.get("path").asText());
      assertEquals(Files.size(p), f.get("bytes").asLong());
      assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))), f.get("sha256").asText());
      long duck = (Long) TestData.duckdb("SELECT count(*) FROM read_parquet('" + p + "')").get(0).get(0);
      assertEquals(duck, f.get("rows").asLong());
      assertEquals("ZSTD", TestData.duckdb("SELECT DISTINCT compression FROM parquet_metadata('" + p + "')").get(0).get(0));
      rows += duck;
    }
    assertEquals(310, rows);
    assertEquals(arff.toString(), m.at("/config/input/path").asText());
    assertTrue(new File(out, "_SUCCESS").exists());
    assertEquals(0, new File(out, "_SUCCESS").length());
  }

  @Test
  public void givenExistingOutput_refusesWithoutOverwrite_replacesWithIt_andReusesTheInferredSchema() throws Exception {
    Path csv = TestData.examples("heart-failure/heart_failure_clinical_records_dataset.csv");
    File out = tmp.newFolder("again");
    String yaml = "input: {path: " + csv + "}\noutput: {path: " + out + "}\n";
    run(yaml);
    File[] cached = new File(out, "_trainset").listFiles((d, n) -> n.startsWith("schema-"));
    assertEquals(1, cached.length);
    long cachedAt = cached[0].lastModified();

    // The same run again (same derived run id) is already complete and writes nothing.
    assertEquals(BatchIngest.ALREADY_COMPLETE, run(yaml).status());
    assertEquals(cachedAt, cached[0].lastModified());
    // Another run into the non-empty output is refused.
    TrainsetException e =
        assertThrows(
            TrainsetException.class,
            () -> BatchIngest.run(TestData.config(yaml), TestData.direct(), new BatchIngest.Settings(false, "other", "test", l -> {})));
    assertEquals(TrainsetException.USAGE, e.exitCode());
    assertEquals("output '" + out + "/' already exists and is not empty; pass --overwrite to replace it", e.getMessage());

    BatchIngest.Result again =
        BatchIngest.run(TestData.config(yaml), TestData.direct(), new BatchIngest.Settings(true, "rerun-1", "test", l -> {}));
    assertEquals(299, again.written());
    assertEquals("rerun-1", JSON.readTree(new File(out, "manifest.json")).get("runId").asText());
    assertEquals(cachedAt, cached[0].lastModified()); // not inferred again
  }

  @Test
  public void givenNonEmptyFolderThatTrainsetDidNotWrite_neverDeletesIt() throws Exception {
    File out = tmp.newFolder("precious");
    Files.writeString(new File(out, "thesis.docx").toPath(), "years of work");
    TrainsetException e =
        assertThrows(
            TrainsetException.class,
            () ->
                BatchIngest.run(
                    TestData.config("input: {path: " + TestData.examples("vertebral-column/column_2C_weka.arff") + "}\noutput: {path: " + out + "}\n"),
                    TestData.direct(),
                    new BatchIngest.Settings(true, null, "test", l -> {})));
    assertTrue(e.getMessage(), e.getMessage().contains("holds no trainset output"));
    assertTrue(new File(out, "thesis.docx").exists());
  }

  @Test
  public void givenQuotedNewlinesAndDelimitersInCsv_writesTheRightRows() throws Exception {
    File in = tmp.newFile("notes.csv");
    Files.writeString(in.toPath(), "id,note,score\r\n1,\"first line\r\nsecond, with comma\",0.5\r\n2,\"he said \"\"no\"\"\",1.5\r\n3,plain,2\r\n");
    File out = tmp.newFolder("notes");
    BatchIngest.Result r = run("input: {path: " + in + "}\noutput: {path: " + out + "}\n");
    assertEquals(3, r.written());
    List<List<Object>> rows = TestData.duckdb("SELECT id, note, score FROM read_parquet('" + out + "/data/parquet/*.parquet') ORDER BY id");
    assertEquals(List.of(1L, "first line\r\nsecond, with comma", 0.5), rows.get(0));
    assertEquals(List.of(2L, "he said \"no\"", 1.5), rows.get(1));
    assertEquals(List.of(3L, "plain", 2.0), rows.get(2));
  }

  @Test
  public void givenMissingInput_failsWithDataErrorNamingThePath() {
    TrainsetException e =
        assertThrows(TrainsetException.class, () -> run("input: {path: /nonexistent/in.csv}\noutput: {path: " + tmp.getRoot() + "/x}\n"));
    assertEquals(TrainsetException.DATA, e.exitCode());
    assertEquals("input.path '/nonexistent/in.csv' matches no files", e.getMessage());
  }

  @Test
  public void givenEmptyInput_failsWithDataError() throws Exception {
    File in = tmp.newFile("empty.csv");
    TrainsetException e = assertThrows(TrainsetException.class, () -> run("input: {path: " + in + "}\noutput: {path: " + tmp.getRoot() + "/x}\n"));
    assertEquals(TrainsetException.DATA, e.exitCode());
    assertEquals("input.path '" + in + "': every matched file is empty", e.getMessage());
  }

  @Test
  public void givenFolderOfGzippedAndPlainParts_readsThemAll_skippingHiddenFiles() throws Exception {
    File dir = tmp.newFolder("parts");
    Files.writeString(new File(dir, "a.csv").toPath(), "x,y\n1,a\n2,b\n");
    try (var gz = new java.util.zip.GZIPOutputStream(new java.io.FileOutputStream(new File(dir, "b.csv.gz")))) {
      gz.write("x,y\n3,c\n".getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(new File(dir, "_SUCCESS").toPath(), "");
    Files.writeString(new File(dir, ".a.csv.crc").toPath(), "junk");
    File out = tmp.newFolder("partsout");
    BatchIngest.Result r = run("input: {path: " + dir + ", format: csv}\noutput: {path: " + out + "}\n");
    assertEquals(3, r.written());
    assertEquals(2, JSON.readTree(new File(out, "manifest.json")).get("inputs").size());
  }

  @Test
  public void givenRejectsAboveMaxFraction_failsWithDataError_keepsRejectsAndManifest_writesNoSuccess() throws Exception {
    File in = tmp.newFile("dirty.csv");
    StringBuilder b = new StringBuilder("x,y\n");
    for (int i = 0; i < 98; i++) {
      b.append(i).append(",ok\n");
    }
    b.append("1,2,3\n4\n");
    Files.writeString(in.toPath(), b.toString());
    File out = tmp.newFolder("dirty");
    TrainsetException e =
        assertThrows(TrainsetException.class, () -> run("input: {path: " + in + "}\noutput: {path: " + out + "}\nmaxRejectedFraction: 0.01\n"));
    assertEquals(TrainsetException.DATA, e.exitCode());
    assertTrue(e.getMessage(), e.getMessage().startsWith("2 of 100 records rejected (2.00%), more than maxRejectedFraction 0.01; see "));
    assertFalse(new File(out, "_SUCCESS").exists());
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("failed", m.get("status").asText());
    List<String> rejected = new ArrayList<>();
    for (File f : new File(out, "rejected").listFiles()) {
      rejected.addAll(Files.readAllLines(f.toPath()));
    }
    Collections.sort(rejected);
    assertEquals(
        List.of(
            "{\"source\":\"" + in + "\",\"line\":100,\"reason\":\"expected 2 fields, found 3\",\"raw\":\"1,2,3\",\"stage\":\"read\"}",
            "{\"source\":\"" + in + "\",\"line\":101,\"reason\":\"expected 2 fields, found 1\",\"raw\":\"4\",\"stage\":\"read\"}"),
        rejected);
    // The same run passes when the threshold allows it.
    BatchIngest.Result ok =
        BatchIngest.run(
            TestData.config("input: {path: " + in + "}\noutput: {path: " + out + "}\nmaxRejectedFraction: 0.02\n"),
            TestData.direct(),
            new BatchIngest.Settings(true, null, "test", l -> {}));
    assertEquals(98, ok.written());
    assertEquals(2, ok.rejected());
    assertTrue(new File(out, "_SUCCESS").exists());
  }

  @Test
  public void givenTruncatedGzipAndBadRowsAmongGoodFiles_whenUnreadablePartsAreAllowed_countsReconcileInTheManifest() throws Exception {
    File dir = tmp.newFolder("mixed");
    StringBuilder b = new StringBuilder("x,y\n");
    for (int i = 0; i < 30_000; i++) {
      b.append(i).append(",value ").append(i).append('\n');
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] all = bytes.toByteArray();
    Files.write(new File(dir, "a-cut.csv.gz").toPath(), java.util.Arrays.copyOf(all, all.length / 2));
    Files.writeString(new File(dir, "b.csv").toPath(), "x,y\n1,a\n2,b,c\n3,c\n");
    File out = tmp.newFolder("mixedout");
    BatchIngest.Result r =
        run("input: {path: " + dir + ", format: csv, allowUnreadable: true}\noutput: {path: " + out + "}\nmaxRejectedFraction: 0.5\n");
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("succeeded", m.get("status").asText());
    JsonNode cut = m.at("/inputs/0");
    assertTrue(cut.toString(), cut.get("path").asText().endsWith("a-cut.csv.gz"));
    assertEquals("line", cut.at("/unread/0/unit").asText());
    assertTrue(cut.toString(), cut.at("/unread/0/reason").asText().startsWith("truncated or corrupt compressed stream after line "));
    assertTrue("b.csv was read whole: " + m.at("/inputs/1"), m.at("/inputs/1").get("unread") == null);
    assertEquals(r.read(), m.at("/counts/written").asLong() + m.at("/counts/rejected").asLong());
    assertEquals(2, m.at("/counts/rejected").asLong());
    long kept = (Long) TestData.duckdb("SELECT count(*) FROM read_parquet('" + out + "/data/parquet/*.parquet')").get(0).get(0);
    assertEquals(m.at("/counts/written").asLong(), kept);
    assertTrue("rows before the cut are kept: " + kept, kept > 1000);
    List<String> reasons = new ArrayList<>();
    for (File f : new File(out, "rejected").listFiles()) {
      for (String line : Files.readAllLines(f.toPath())) {
        reasons.add(JSON.readTree(line).get("reason").asText());
      }
    }
    Collections.sort(reasons);
    assertEquals("expected 2 fields, found 3", reasons.get(0));
    assertTrue(reasons.get(1), reasons.get(1).startsWith("unreadable: truncated or corrupt compressed stream after line "));
  }

  @Test
  public void givenZeroMaxFraction_anySingleBadRecordFailsTheRun() throws Exception {
    File in = tmp.newFile("one-bad.csv");
    Files.writeString(in.toPath(), "x,y\n1,a\n2,b,c\n");
    TrainsetException e =
        assertThrows(TrainsetException.class, () -> run("input: {path: " + in + "}\noutput: {path: " + tmp.getRoot() + "/o}\nmaxRejectedFraction: 0\n"));
    assertEquals(TrainsetException.DATA, e.exitCode());
  }
}
