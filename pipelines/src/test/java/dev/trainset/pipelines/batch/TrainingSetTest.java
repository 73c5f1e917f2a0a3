package dev.trainset.pipelines.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.File;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Label preparation, the exact split and the training-set outputs, on real and generated data. */
public class TrainingSetTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SPLITS = List.of("train", "validation", "test");

  private static BatchIngest.Result run(String yaml) {
    return BatchIngest.run(TestData.config(yaml), TestData.direct(), BatchIngest.Settings.defaults());
  }

  private static String vertebralYaml(Path arff, File out, long seed, String formats) {
    return "input: {path: " + arff + "}\n"
        + "label: {column: class, map: {Abnormal: 1, Normal: 0}}\n"
        + "split: {method: stratified, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: " + seed + "}\n"
        + "output: {path: " + out + ", formats: [" + formats + "]}\n";
  }

  /** The lines of every CSV file of a split, sorted. */
  private static List<String> csvLines(File out, String split) throws Exception {
    List<String> lines = new ArrayList<>();
    File[] files = new File(out, split + "/csv").listFiles((d, n) -> n.endsWith(".csv"));
    for (File f : files) {
      lines.addAll(Files.readAllLines(f.toPath(), StandardCharsets.UTF_8));
    }
    lines.sort(null);
    return lines;
  }

  @Test
  public void givenTheVertebralWalkthrough_writesTheExactSplitAsSageMakerCsvAndParquet() throws Exception {
    Path arff = TestData.examples("vertebral-column/column_2C_weka.arff");
    File out = tmp.newFolder("vertebral");
    BatchIngest.Result r = run(vertebralYaml(arff, out, 42, "sagemaker-csv, parquet, jsonl, mltable"));
    assertEquals(310, r.written());

    Map<String, long[]> expected = Map.of("train", new long[] {248, 168, 80}, "validation", new long[] {31, 21, 10}, "test", new long[] {31, 21, 10});
    Set<String> all = new HashSet<>();
    for (String split : SPLITS) {
      List<String> lines = csvLines(out, split);
      long[] e = expected.get(split);
      assertEquals(split, e[0], lines.size());
      long ones = 0;
      for (String line : lines) {
        String[] f = line.split(",", -1);
        assertEquals(line, 7, f.length);
        assertTrue("label first, 0 or 1: " + line, f[0].equals("0") || f[0].equals("1"));
        for (String v : f) {
          Double.parseDouble(v); // every value numeric, so no header line either
          assertFalse("no exponent: " + line, v.contains("E") || v.contains("e"));
        }
        ones += f[0].equals("1") ? 1 : 0;
      }
      assertEquals(split + " class 1", e[1], ones);
      assertEquals(split + " class 0", e[2], lines.size() - ones);
      all.addAll(lines);

      // Parquet, read by DuckDB: the same rows, label first and a long.
      String glob = out + "/" + split + "/parquet/*.parquet";
      assertEquals("class:BIGINT", TestData.duckdbColumns(glob).get(0));
      List<List<Object>> counts = TestData.duckdb("SELECT class, count(*) FROM read_parquet('" + glob + "') GROUP BY class ORDER BY class");
      assertEquals(List.of(List.of(0L, e[2]), List.of(1L, e[1])), counts);
      List<String> fromParquet = new ArrayList<>();
      for (List<Object> row : TestData.duckdb("SELECT * FROM read_parquet('" + glob + "')")) {
        fromParquet.add(row.stream().map(v -> v instanceof Double ? dev.trainset.transforms.parse.Values.formatDouble((Double) v) : v.toString())
            .collect(Collectors.joining(",")));
      }
      fromParquet.sort(null);
      assertEquals(split + ": CSV and Parquet hold the same rows", lines, fromParquet);

      assertEquals(e[0], Files.readAllLines(new File(out, split + "/jsonl/part-00000.jsonl").toPath()).size());
      String mltable = Files.readString(new File(out, split + "/MLTable").toPath());
      assertTrue(mltable, mltable.contains("type: mltable\npaths:\n  - pattern: ./parquet/*.parquet\ntransformations:\n  - read_parquet:"));
    }
    assertEquals("no row in two splits (the rows are distinct)", 310, all.size());

    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("{\"0\":80,\"1\":168}", m.at("/splits/train/classCounts").toString());
    assertEquals("{\"0\":10,\"1\":21}", m.at("/splits/test/classCounts").toString());
    assertEquals("{\"train\":80,\"validation\":10,\"test\":10}", m.at("/split/apportionment/0").toString());
    assertEquals(42, m.at("/split/seed").asLong());
    assertEquals("stratified", m.at("/split/method").asText());
    assertEquals(0, m.at("/leakage/featureVectorsInSeveralSplits").asLong());
    List<String> formats = new ArrayList<>();
    m.at("/splits/train/outputs").forEach(o -> formats.add(o.get("format").asText() + " " + o.get("contentType").asText()));
    assertEquals(List.of("sagemaker-csv text/csv", "parquet application/x-parquet", "jsonl application/jsonlines", "mltable application/yaml"), formats);
    JsonNode csvFile = m.at("/splits/train/outputs/0/files/0");
    assertEquals(248, csvFile.get("rows").asLong());
    assertEquals(Files.size(Path.of(csvFile.get("path").asText())), csvFile.get("bytes").asLong());

    JsonNode stats = JSON.readTree(new File(out, "stats.json"));
    assertEquals(248, stats.at("/splits/train/rows").asLong());
    JsonNode pelvic = stats.at("/splits/train/columns/1");
    assertEquals("pelvic_incidence", pelvic.get("name").asText());
    List<List<Object>> duck =
        TestData.duckdb("SELECT min(pelvic_incidence), max(pelvic_incidence), avg(pelvic_incidence), stddev_samp(pelvic_incidence) FROM read_parquet('" + out + "/train/parquet/*.parquet')");
    assertEquals((Double) duck.get(0).get(0), pelvic.get("min").asDouble(), 0);
    assertEquals((Double) duck.get(0).get(1), pelvic.get("max").asDouble(), 0);
    assertEquals((Double) duck.get(0).get(2), pelvic.get("mean").asDouble(), 1e-9);
    assertEquals((Double) duck.get(0).get(3), pelvic.get("stddev").asDouble(), 1e-9);
    String report = Files.readString(new File(out, "report.html").toPath());
    assertTrue(report.contains("<svg"));
    assertFalse("self-contained", report.contains("<script") || report.contains("http://") && !report.contains("xmlns=\"http://www.w3.org/2000/svg\""));
  }

  @Test
  public void givenAnotherSeed_theMembershipChangesAndTheCountsDoNot() throws Exception {
    Path arff = TestData.examples("vertebral-column/column_2C_weka.arff");
    File a = tmp.newFolder("a");
    File b = tmp.newFolder("b");
    File c = tmp.newFolder("c");
    run(vertebralYaml(arff, a, 42, "sagemaker-csv"));
    run(vertebralYaml(arff, b, 7, "sagemaker-csv"));
    run(vertebralYaml(arff, c, 42, "sagemaker-csv"));
    for (String split : SPLITS) {
      assertEquals(csvLines(a, split), csvLines(c, split));
      assertEquals(csvLines(a, split).size(), csvLines(b, split).size());
    }
    assertFalse("seed 7 puts other rows in test", csvLines(a, "test").equals(csvLines(b, "test")));
  }

  @Test
  public void givenHeartFailure_everyClassAndSplitCountIsWithinOneOfItsShare() throws Exception {
    Path csv = TestData.examples("heart-failure/heart_failure_clinical_records_dataset.csv");
    File out = tmp.newFolder("heart");
    run("input: {path: " + csv + "}\nlabel: {column: DEATH_EVENT}\nsplit: {fractions: {train: 0.8, validation: 0.1, test: 0.1}}\n"
        + "output: {path: " + out + ", formats: [parquet, sagemaker-csv]}\n");
    Map<Long, Long> classTotals = new HashMap<>();
    for (List<Object> row : TestData.duckdb("SELECT DEATH_EVENT, count(*) FROM read_parquet('" + out + "/*/parquet/*.parquet') GROUP BY 1")) {
      classTotals.put((Long) row.get(0), (Long) row.get(1));
    }
    assertEquals(Map.of(0L, 203L, 1L, 96L), classTotals);
    long total = 0;
    BigDecimal[] p = {new BigDecimal("0.8"), new BigDecimal("0.1"), new BigDecimal("0.1")};
    for (int j = 0; j < 3; j++) {
      String glob = out + "/" + SPLITS.get(j) + "/parquet/*.parquet";
      for (List<Object> row : TestData.duckdb("SELECT DEATH_EVENT, count(*) FROM read_parquet('" + glob + "') GROUP BY 1")) {
        BigDecimal share = p[j].multiply(BigDecimal.valueOf(classTotals.get((Long) row.get(0))));
        long n = (Long) row.get(1);
        assertTrue(SPLITS.get(j) + " class " + row.get(0) + ": " + n + " vs " + share,
            n == share.setScale(0, RoundingMode.FLOOR).longValue() || n == share.setScale(0, RoundingMode.CEILING).longValue());
        total += n;
      }
      assertEquals("DEATH_EVENT is the first CSV column", "DEATH_EVENT:BIGINT", TestData.duckdbColumns(glob).get(0));
    }
    assertEquals(299, total);
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("{\"train\":239,\"validation\":30,\"test\":30}", m.at("/split/totals").toString());
  }

  /** patient_id groups of 1..6 rows, label per patient; some rows repeat exactly. */
  private static Path groupedCsv(File dir) throws Exception {
    StringBuilder b = new StringBuilder("patient_id,visit,x,label\n");
    java.util.Random r = new java.util.Random(5);
    for (int p = 0; p < 400; p++) {
      String label = p % 5 == 0 ? "sick" : "well";
      int visits = 1 + r.nextInt(6);
      for (int v = 0; v < visits; v++) {
        b.append("p").append(p).append(',').append(v).append(',').append(r.nextInt(1000)).append(',').append(label).append('\n');
      }
    }
    Path f = dir.toPath().resolve("grouped.csv");
    Files.writeString(f, b.toString());
    return f;
  }

  @Test
  public void givenGroupBy_noGroupIsInTwoSplits_andGroupsAreSplitExactly() throws Exception {
    File dir = tmp.newFolder("g");
    Path csv = groupedCsv(dir);
    File out = new File(dir, "out");
    run("input: {path: " + csv + "}\nlabel: {column: label}\nsplit: {groupBy: patient_id, fractions: {train: 0.5, test: 0.5}, seed: 3}\n"
        + "output: {path: " + out + "}\n");
    Map<String, String> splitOf = new HashMap<>();
    Map<String, Set<String>> groupsPerSplit = new TreeMap<>();
    for (String split : List.of("train", "test")) {
      for (List<Object> row : TestData.duckdb("SELECT DISTINCT patient_id, label FROM read_parquet('" + out + "/" + split + "/parquet/*.parquet')")) {
        String prev = splitOf.put((String) row.get(0), split);
        assertEquals("group " + row.get(0) + " in two splits", null, prev);
        groupsPerSplit.computeIfAbsent(split + "/" + row.get(1), k -> new HashSet<>()).add((String) row.get(0));
      }
    }
    assertEquals(400, splitOf.size());
    // 80 sick and 320 well patients, halved exactly.
    assertEquals(40, groupsPerSplit.get("train/sick").size());
    assertEquals(40, groupsPerSplit.get("test/sick").size());
    assertEquals(160, groupsPerSplit.get("train/well").size());
    assertEquals(160, groupsPerSplit.get("test/well").size());
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("group", m.at("/split/unit").asText());
    assertEquals("{\"train\":40,\"test\":40}", m.at("/split/apportionment/sick").toString());
  }

  @Test
  public void givenUnmappedLabels_theyAreRejectedWithLineAndReason_andCountsReconcile() throws Exception {
    File dir = tmp.newFolder("u");
    Path csv = dir.toPath().resolve("labels.csv");
    StringBuilder b = new StringBuilder("x,y\n");
    for (int i = 0; i < 60; i++) {
      b.append(i).append(',').append(i == 17 ? "maybe" : i % 2 == 0 ? "yes" : "no").append('\n');
    }
    b.append("60,\n");
    Files.writeString(csv, b.toString());
    File out = new File(dir, "out");
    BatchIngest.Result r =
        run("input: {path: " + csv + "}\nlabel: {column: y, map: {yes: 1, no: 0}}\nsplit: {fractions: {train: 0.5, test: 0.5}}\n"
            + "output: {path: " + out + "}\nmaxRejectedFraction: 0.1\n");
    assertEquals(61, r.read());
    assertEquals(59, r.written());
    assertEquals(2, r.rejected());
    List<String> rejects = new ArrayList<>();
    for (File f : new File(out, "rejected").listFiles()) {
      rejects.addAll(Files.readAllLines(f.toPath()));
    }
    rejects.sort(null);
    assertEquals(2, rejects.size());
    JsonNode first = JSON.readTree(rejects.get(0));
    JsonNode second = JSON.readTree(rejects.get(1));
    JsonNode maybe = first.get("line").asLong() == 19 ? first : second;
    JsonNode empty = maybe == first ? second : first;
    assertEquals(19, maybe.get("line").asLong());
    assertEquals("label 'y' value 'maybe' is not in label.map [yes, no]", maybe.get("reason").asText());
    assertEquals("prepare", maybe.get("stage").asText());
    assertEquals("17,maybe", maybe.get("raw").asText()); // the record as the input has it
    assertEquals(62, empty.get("line").asLong());
    assertEquals("label 'y' is missing", empty.get("reason").asText());
    JsonNode stats = JSON.readTree(new File(out, "stats.json"));
    assertEquals(2, stats.at("/rejectionReasons").size());
  }

  @Test
  public void givenDuplicates_leakageIsReported_andDedupeRemovesThem() throws Exception {
    File dir = tmp.newFolder("d");
    Path csv = dir.toPath().resolve("dups.csv");
    StringBuilder b = new StringBuilder("x,z,label\n");
    for (int i = 0; i < 500; i++) {
      // The same features under both labels: those rows are in two classes, split independently.
      b.append(i % 40).append(',').append(i % 7 == 0 ? "a" : "b").append(',').append((i / 3) % 2).append('\n');
    }
    Files.writeString(csv, b.toString());
    File plain = new File(dir, "plain");
    run("input: {path: " + csv + "}\nlabel: {column: label}\nsplit: {fractions: {train: 0.6, test: 0.4}}\noutput: {path: " + plain + "}\n");
    JsonNode m = JSON.readTree(new File(plain, "manifest.json"));
    // Independent count: distinct feature vectors found in both splits' Parquet.
    long leaked = (Long) TestData.duckdb(
        "SELECT count(*) FROM (SELECT x, z FROM read_parquet('" + plain + "/train/parquet/*.parquet') INTERSECT SELECT x, z FROM read_parquet('"
            + plain + "/test/parquet/*.parquet'))").get(0).get(0);
    assertTrue("this data leaks", leaked > 0);
    assertEquals(leaked, m.at("/leakage/featureVectorsInSeveralSplits").asLong());

    File deduped = new File(dir, "deduped");
    BatchIngest.Result r =
        run("input: {path: " + csv + "}\nlabel: {column: label}\nsplit: {fractions: {train: 0.6, test: 0.4}, dedupe: true}\noutput: {path: " + deduped + "}\n");
    long distinct = (Long) TestData.duckdb("SELECT count(*) FROM (SELECT DISTINCT * FROM read_csv('" + csv + "'))").get(0).get(0);
    assertEquals(distinct, r.written());
    JsonNode d = JSON.readTree(new File(deduped, "manifest.json"));
    assertEquals(500 - distinct, d.at("/counts/duplicatesRemoved").asLong());
    assertEquals(500, r.read());
  }

  @Test
  public void givenAClassSmallerThanTheNumberOfSplits_failsWithDataError() throws Exception {
    File dir = tmp.newFolder("small");
    Path csv = dir.toPath().resolve("small.csv");
    Files.writeString(csv, "x,label\n1,a\n2,a\n3,a\n4,a\n5,b\n6,b\n");
    TrainsetException e =
        assertThrows(TrainsetException.class,
            () -> run("input: {path: " + csv + "}\nlabel: {column: label}\noutput: {path: " + new File(dir, "out") + "}\nsplit: {method: stratified}\n"));
    assertEquals(TrainsetException.DATA, e.exitCode());
    assertEquals(
        "class 'b' has 2 rows, fewer than the 3 splits [train, validation, test]; add data, merge the class, or set split.allowEmptySplitClasses: true",
        e.getMessage());
    assertFalse(new File(dir, "out/_SUCCESS").exists());
  }

  @Test
  public void givenSageMakerCsvWithATextColumn_isAConfigErrorNamingTheColumn() throws Exception {
    Path csv = TestData.examples("heart-failure/heart_failure_clinical_records_dataset.csv");
    File dir = tmp.newFolder("text");
    Path withText = dir.toPath().resolve("t.csv");
    Files.writeString(withText, "a,b,label\n1,x,0\n2,y,1\n");
    TrainsetException e =
        assertThrows(TrainsetException.class,
            () -> run("input: {path: " + withText + "}\nlabel: {column: label}\noutput: {path: " + new File(dir, "out") + ", formats: [sagemaker-csv]}\n"));
    assertEquals(TrainsetException.USAGE, e.exitCode());
    assertEquals(
        "config key 'output.formats': sagemaker-csv needs numeric columns; column 'b' is string (drop it with columns.drop, or encode it with output.oneHot / output.ordinal)",
        e.getMessage());
    assertTrue(Files.exists(csv));

    // With one-hot encoding the same data is valid SageMaker CSV: label, a, b=x, b=y.
    File encoded = new File(dir, "encoded");
    run("input: {path: " + withText + "}\nlabel: {column: label}\noutput: {path: " + encoded + ", formats: [sagemaker-csv], oneHot: {b: [x, y]}}\n");
    List<String> lines = Files.readAllLines(new File(encoded, "data/csv/part-00000.csv").toPath());
    lines.sort(null);
    assertEquals(List.of("0,1,1,0", "1,2,0,1"), lines);
  }

  @Test
  public void givenHashSplit_everyRowLandsOnce_andTheSameWayTwice() throws Exception {
    Path csv = TestData.examples("heart-failure/heart_failure_clinical_records_dataset.csv");
    File a = tmp.newFolder("ha");
    File b = tmp.newFolder("hb");
    String yaml = "input: {path: " + csv + "}\nsplit: {method: hash, fractions: {train: 0.7, test: 0.3}, seed: 9}\noutput: {path: ";
    run(yaml + a + ", formats: [jsonl]}\n");
    run(yaml + b + ", formats: [jsonl], textCompression: gzip}\n");
    long n = 0;
    for (String split : List.of("train", "test")) {
      List<String> x = Files.readAllLines(new File(a, split + "/jsonl/part-00000.jsonl").toPath());
      File gz = new File(b, split + "/jsonl/part-00000.jsonl.gz");
      List<String> y =
          new String(new java.util.zip.GZIPInputStream(Files.newInputStream(gz.toPath())).readAllBytes(), StandardCharsets.UTF_8)
              .lines().collect(Collectors.toList());
      JsonNode file = JSON.readTree(new File(b, "manifest.json")).at("/splits/" + split + "/outputs/0");
      assertEquals("gzip", file.get("compression").asText());
      assertEquals(y.size(), file.at("/files/0/rows").asLong());
      x.sort(null);
      y.sort(null);
      assertEquals(x, y);
      n += x.size();
    }
    assertEquals(299, n);
  }

  @Test
  public void givenANumericLabelAndBins_stratifiesByQuantileBins() throws Exception {
    File dir = tmp.newFolder("reg");
    Path csv = dir.toPath().resolve("reg.csv");
    StringBuilder b = new StringBuilder("x,y\n");
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < 1000; i++) {
      // a skewed target: most values small, a long tail
      b.append(i).append(',').append(String.format(java.util.Locale.ROOT, "%.4f", Math.exp(r.nextGaussian() * 2))).append('\n');
    }
    Files.writeString(csv, b.toString());
    File out = new File(dir, "out");
    run("input: {path: " + csv + "}\nlabel: {column: y}\nsplit: {method: random, bins: 4, fractions: {train: 0.5, test: 0.5}}\n"
        + "output: {path: " + out + "}\n");
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    JsonNode bins = m.at("/split/apportionment");
    assertEquals(4, bins.size());
    long total = 0;
    List<String> names = new ArrayList<>();
    bins.fieldNames().forEachRemaining(names::add);
    assertTrue(names.toString(), names.get(0).startsWith("01 [-inf, ") && names.get(3).startsWith("04 [") && names.get(3).endsWith(", inf)"));
    for (JsonNode bin : bins) {
      long n = bin.get("train").asLong() + bin.get("test").asLong();
      assertTrue("quantile bins hold about a quarter each: " + bins, n > 200 && n < 300);
      assertTrue("each bin halved exactly: " + bin, Math.abs(bin.get("train").asLong() - bin.get("test").asLong()) <= 1);
      total += n;
    }
    assertEquals(1000, total);
    // Independently: the upper edge of bin 2 is a median-ish cut; both splits hold about half the rows below it.
    String upper = names.get(1).substring(names.get(1).indexOf(", ") + 2, names.get(1).length() - 1);
    long belowTrain = (Long) TestData.duckdb("SELECT count(*) FROM read_parquet('" + out + "/train/parquet/*.parquet') WHERE y < " + upper).get(0).get(0);
    long belowTest = (Long) TestData.duckdb("SELECT count(*) FROM read_parquet('" + out + "/test/parquet/*.parquet') WHERE y < " + upper).get(0).get(0);
    assertTrue(belowTrain + " vs " + belowTest, Math.abs(belowTrain - belowTest) <= 2);
  }
}
