package dev.trainset.pipelines.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.trainset.pipelines.config.TrainsetException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The slice path as a whole: the three places the passes run (the launcher's threads, a Beam runner in this JVM, the
 * first pass as a Beam job as on a cluster) write the same files; Parquet keeps column names as the schema has them;
 * a run whose input changes between its passes fails its plan check and is not marked complete.
 */
public class SlicePathTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static BatchIngest.Settings settings(BatchIngest.Execution e, java.util.function.Consumer<String> progress) {
    return new BatchIngest.Settings(false, "slices", LocalDate.of(2026, 12, 1), "test", progress, e, null, java.time.Duration.ZERO);
  }

  /** 30,000 rows in one CSV cut into ~10 slices, with a few bad rows. */
  private File csv() throws Exception {
    Random r = new Random(5);
    StringBuilder b = new StringBuilder("id,x,y,label\n");
    for (int i = 0; i < 30_000; i++) {
      b.append(i).append(',').append(r.nextInt(50)).append(',').append(String.format(java.util.Locale.ROOT, "%.2f", r.nextGaussian()))
          .append(',').append(i % 3000 == 7 ? "a,extra" : r.nextInt(10) < 7 ? "a" : r.nextInt(3) < 2 ? "b" : "c").append('\n');
    }
    File f = tmp.newFile("in.csv");
    Files.writeString(f.toPath(), b.toString(), StandardCharsets.UTF_8);
    return f;
  }

  private static String yaml(File in, File out) {
    return "input: {path: " + in + ", sliceSize: 64KB}\nlabel: {column: label}\n"
        + "split: {fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 3}\n"
        + "output: {path: " + out + ", formats: [parquet, jsonl]}\n";
  }

  private static Map<String, String> files(BatchIngest.Result r) {
    Map<String, String> out = new TreeMap<>();
    for (Manifest.Output o : r.manifest().outputs()) {
      for (Manifest.FileEntry f : o.files()) {
        out.put(f.path().substring(r.output().length()), f.rows() + " " + f.sha256());
      }
    }
    return out;
  }

  @Test
  public void theLauncherADirectRunnerAndAFirstPassJob_writeTheSameFiles() throws Exception {
    File in = csv();
    BatchIngest.Result launcher =
        BatchIngest.run(TestData.config(yaml(in, tmp.newFolder("launcher"))), null, settings(BatchIngest.Execution.LAUNCHER, l -> {}));
    BatchIngest.Result direct =
        BatchIngest.run(TestData.config(yaml(in, tmp.newFolder("direct"))), TestData.direct(), settings(BatchIngest.Execution.JVM, l -> {}));
    BatchIngest.Result job =
        BatchIngest.run(TestData.config(yaml(in, tmp.newFolder("job"))), TestData.direct(), settings(BatchIngest.Execution.CLUSTER, l -> {}));
    assertEquals(30_000, launcher.read());
    assertEquals(10, launcher.rejected());
    assertTrue("several slices: " + files(launcher).keySet(), files(launcher).size() > 3 * 2 * 8);
    assertEquals(files(launcher), files(direct));
    assertEquals(files(launcher), files(job));
    assertEquals("launcher", launcher.manifest().runner());
    assertEquals("DirectRunner", job.manifest().runner());
    assertTrue(new File(job.output(), "_trainset/first-pass.b64").exists());
  }

  @Test
  public void parquetKeepsTheSchemasColumnNames_dotsSpacesAndAll() throws Exception {
    File in = tmp.newFile("in.jsonl");
    Files.writeString(
        in.toPath(),
        "{\"sepal length (cm)\": 5.1, \"nested\": {\"k\": 1}, \"properties\": {\"alert\": \"yes\"}}\n"
            + "{\"sepal length (cm)\": 4.9, \"nested\": {\"k\": 2}, \"properties\": {\"alert\": \"no\"}}\n");
    File out = tmp.newFolder("out");
    BatchIngest.run(
        TestData.config("input: {path: " + in + "}\noutput: {path: " + out + "}\n"), null, settings(BatchIngest.Execution.LAUNCHER, l -> {}));
    String glob = out + "/data/parquet/*.parquet";
    assertEquals(List.of("sepal length (cm):DOUBLE", "nested.k:BIGINT", "properties.alert:VARCHAR"), TestData.duckdbColumns(glob));
    assertEquals(
        List.of(List.of(2L, "no")),
        TestData.duckdb("SELECT \"nested.k\", \"properties.alert\" FROM read_parquet('" + glob + "') WHERE \"sepal length (cm)\" < 5"));
  }

  @Test
  public void givenTheInputChangesBetweenThePasses_theRowsDoNotMatchThePlan_andTheRunFailsWithoutSuccess() throws Exception {
    File in = tmp.newFile("in.csv");
    StringBuilder b = new StringBuilder("x,label\n");
    for (int i = 0; i < 300; i++) {
      b.append(i).append(',').append(i % 3 == 0 ? "a" : "b").append('\n');
    }
    Files.writeString(in.toPath(), b.toString(), StandardCharsets.UTF_8);
    File out = tmp.newFolder("out");
    // Between the first pass and the writing pass (the run reports its schema in between), another process rewrites
    // the input with every label flipped.
    java.util.function.Consumer<String> progress =
        TestData.betweenThePasses(
            () -> Files.writeString(in.toPath(), b.toString().replace(",a\n", ",A\n").replace(",b\n", ",a\n").replace(",A\n", ",b\n")));
    TrainsetException e =
        assertThrows(
            TrainsetException.class,
            () -> BatchIngest.run(
                TestData.config("input: {path: " + in + ", format: csv}\nlabel: {column: label}\nsplit: {fractions: {train: 0.5, test: 0.5}}\n"
                    + "output: {path: " + out + "}\n"),
                null, settings(BatchIngest.Execution.LAUNCHER, progress)));
    assertEquals(TrainsetException.INTERNAL, e.exitCode());
    assertTrue(
        e.getMessage(),
        e.getMessage().matches(
            "the rows written differ from the split plan the first pass made \\(did the input change during the run\\?\\): "
                + "class 'a' in train: \\d+ rows written, 50 planned; .*"));
    assertTrue(e.getMessage(), e.getMessage().endsWith("(output " + out + "/ left without _SUCCESS)"));
    assertFalse(new File(out, "_SUCCESS").exists());
    assertFalse(new File(out, "manifest.json").exists());
  }
}
