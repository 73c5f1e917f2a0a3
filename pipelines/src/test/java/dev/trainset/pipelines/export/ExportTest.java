package dev.trainset.pipelines.export;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.batch.TestData;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code trainset export} between local folders: copies verified against the manifest, conversions, re-runs. */
public class ExportTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SPLITS = List.of("train", "validation", "test");
  private File source;

  /** The vertebral walkthrough as Parquet only. */
  @Before
  public void trainingSet() throws Exception {
    source = tmp.newFolder("source");
    Path arff = TestData.examples("vertebral-column/column_2C_weka.arff");
    BatchIngest.run(
        TestData.config(
            "input: {path: " + arff + "}\n"
                + "label: {column: class, map: {Abnormal: 1, Normal: 0}}\n"
                + "split: {method: stratified, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 42}\n"
                + "output: {path: " + source + ", formats: [parquet]}\n"),
        TestData.direct(),
        BatchIngest.Settings.defaults());
  }

  private Export.Result export(File to, List<String> formats, String compression) {
    return Export.run(new Export.Settings(source.toString(), to.toString(), formats, compression, false, "test", line -> {}), TestData.direct());
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  /** Every file the manifest lists exists with its size and sha256. */
  private static JsonNode assertFilesMatchManifest(File dir) throws Exception {
    JsonNode m = JSON.readTree(new File(dir, "manifest.json"));
    int n = 0;
    for (JsonNode o : m.get("outputs")) {
      for (JsonNode f : o.get("files")) {
        Path p = Path.of(f.get("path").asText());
        assertTrue(p.startsWith(dir.toPath()));
        assertEquals(p.toString(), f.get("bytes").asLong(), Files.size(p));
        assertEquals(p.toString(), f.get("sha256").asText(), sha256(p));
        n++;
      }
    }
    assertTrue(n > 0);
    return m;
  }

  @Test
  public void givenParquet_exportsCopiesItConvertsToGzipCsvAndJsonLines_andWritesTheNewManifestLast() throws Exception {
    File dest = tmp.newFolder("dest");
    Export.Result r = export(dest, List.of("sagemaker-csv", "jsonl", "mltable"), "gzip");
    assertEquals("succeeded", r.status());
    assertEquals(3, r.copied());
    assertEquals(6, r.converted());
    assertTrue(new File(dest, "_SUCCESS").isFile());
    assertTrue(new File(dest, "report.html").isFile());
    assertFalse("rejected records are not exported", new File(dest, "rejected").exists());
    JsonNode m = assertFilesMatchManifest(dest);
    assertEquals(source.toPath() + "/", m.at("/export/source").asText());
    assertEquals(sha256(source.toPath().resolve("manifest.json")), m.at("/export/sourceManifestSha256").asText());
    long total = 0;
    for (String split : SPLITS) {
      List<String> formats = new ArrayList<>();
      for (JsonNode o : m.at("/splits/" + split + "/outputs")) {
        formats.add(o.get("format").asText() + ":" + o.path("compression").asText(""));
        if (!o.get("format").asText().equals("mltable")) {
          assertEquals(m.at("/splits/" + split + "/rows").asLong(), o.get("rows").asLong());
        }
      }
      assertEquals(List.of("parquet:snappy", "sagemaker-csv:gzip", "jsonl:gzip", "mltable:"), formats);
      // The CSV holds the Parquet rows: label first, no header.
      List<List<Object>> fromParquet = TestData.duckdb("SELECT * FROM read_parquet('" + dest + "/" + split + "/parquet/*.parquet') ORDER BY ALL");
      List<List<Object>> fromCsv =
          TestData.duckdb("SELECT * FROM read_csv('" + dest + "/" + split + "/csv/*.csv.gz', header=false, columns={'class':'BIGINT','a':'DOUBLE','b':'DOUBLE','c':'DOUBLE','d':'DOUBLE','e':'DOUBLE','f':'DOUBLE'}) ORDER BY ALL");
      assertEquals(split, fromParquet, fromCsv);
      List<List<Object>> fromJson = TestData.duckdb("SELECT count(*) FROM read_json('" + dest + "/" + split + "/jsonl/*.jsonl.gz', format='newline_delimited')");
      assertEquals(split, (long) fromParquet.size(), ((Number) fromJson.get(0).get(0)).longValue());
      total += fromParquet.size();
    }
    assertEquals(310, total);
  }

  @Test
  public void givenTheSameExportAgain_doesNothing_andAnotherIntoTheSameFolderNeedsOverwrite() throws Exception {
    File dest = tmp.newFolder("dest");
    export(dest, List.of("jsonl"), null);
    long modified = new File(dest, "manifest.json").lastModified();
    Thread.sleep(20);
    Export.Result again = export(dest, List.of("jsonl"), null);
    assertEquals(Export.ALREADY_COMPLETE, again.status());
    assertEquals(modified, new File(dest, "manifest.json").lastModified());
    TrainsetException e = assertThrows(TrainsetException.class, () -> export(dest, List.of("parquet"), null));
    assertEquals(TrainsetException.USAGE, e.exitCode());
    assertThat(e.getMessage(), containsString("pass --overwrite"));
  }

  @Test
  public void givenAFileThatNoLongerMatchesTheManifest_failsWithExit3_andWritesNoSuccess() throws Exception {
    Path part = source.toPath().resolve("validation/parquet/part-00000.parquet");
    byte[] b = Files.readAllBytes(part);
    b[b.length / 2] ^= 1;
    Files.write(part, b);
    File dest = tmp.newFolder("dest");
    TrainsetException e = assertThrows(TrainsetException.class, () -> export(dest, List.of(), null));
    assertEquals(TrainsetException.DATA, e.exitCode());
    assertThat(e.getMessage(), containsString(part + ": " + b.length + " bytes with sha256 "));
    assertThat(e.getMessage(), containsString("the training set changed or is damaged; nothing was exported (no _SUCCESS)"));
    assertFalse(new File(dest, "_SUCCESS").exists());
    assertFalse("the damaged copy is removed", dest.toPath().resolve("validation/parquet/part-00000.parquet").toFile().exists());
  }

  @Test
  public void givenAnInterruptedExport_resumesKeepingTheFilesThatMatch() throws Exception {
    File dest = tmp.newFolder("dest");
    export(dest, List.of("parquet", "jsonl"), null);
    // As if it had stopped before the end: no _SUCCESS, one copy missing, one cut short.
    Files.delete(dest.toPath().resolve("_SUCCESS"));
    Files.delete(dest.toPath().resolve("test/parquet/part-00000.parquet"));
    Path cut = dest.toPath().resolve("train/parquet/part-00000.parquet");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(cut), 100));
    Export.Result r = export(dest, List.of("parquet", "jsonl"), null);
    assertEquals("succeeded", r.status());
    assertEquals(2, r.copied());
    assertEquals(1, r.kept());
    assertEquals(3, r.converted());
    assertTrue(new File(dest, "_SUCCESS").isFile());
    assertFilesMatchManifest(dest);
  }

  @Test
  public void givenFormatsTheSourceCannotGive_failsBeforeWritingAnything() throws Exception {
    File dest = tmp.newFolder("dest");
    TrainsetException e = assertThrows(TrainsetException.class, () -> export(dest, List.of("csv"), null));
    assertEquals("config key '--format': unknown format 'csv' (expected parquet, sagemaker-csv, features-csv, jsonl or mltable)", e.getMessage());
    e = assertThrows(TrainsetException.class, () -> export(dest, List.of("jsonl"), "zip"));
    assertEquals("config key '--compression': expected gzip or none, got 'zip'", e.getMessage());
    assertEquals(0, dest.list().length);
    TrainsetException notASet = assertThrows(TrainsetException.class,
        () -> Export.run(new Export.Settings(dest.toString(), tmp.newFolder().toString(), List.of(), null, false, "test", l -> {}), TestData.direct()));
    assertEquals(TrainsetException.DATA, notASet.exitCode());
    assertThat(notASet.getMessage(), containsString("is not a complete training set"));
  }
}
