package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The command line as users run it (in-process): exit codes, one-line errors, the result line. */
public class TrainsetCliTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Path VERTEBRAL =
      Paths.get(System.getProperty("trainset.project.dir", ".."), "runner-configs/examples/data/vertebral-column/column_2C_weka.arff");
  private static final Path HEART =
      Paths.get(System.getProperty("trainset.project.dir", ".."), "runner-configs/examples/data/heart-failure/heart_failure_clinical_records_dataset.csv");

  record Outcome(int exit, String out, String err) {
    /** The one TRAINSET_RESULT line (fails when there is none, or more than one). */
    JsonNode result() throws Exception {
      JsonNode found = null;
      for (String line : out.split("\n")) {
        if (line.startsWith("TRAINSET_RESULT ")) {
          if (found != null) {
            throw new AssertionError("more than one TRAINSET_RESULT line in: " + out);
          }
          found = JSON.readTree(line.substring("TRAINSET_RESULT ".length()));
        }
      }
      if (found == null) {
        throw new AssertionError("no TRAINSET_RESULT line in: " + out);
      }
      return found;
    }

    List<String> errorLines() {
      List<String> lines = new ArrayList<>();
      for (String l : err.split("\n")) {
        if (l.startsWith("trainset: error:") || l.startsWith("trainset: internal error:")) {
          lines.add(l);
        }
      }
      return lines;
    }
  }

  static Outcome cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Trainset.execute(
            args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertNoStackTrace(Outcome o) {
    assertFalse("stack trace printed without --verbose:\n" + o.err, o.err.contains("\tat "));
  }

  @Test
  public void version_printsTrainsetAndBeamVersions() {
    Outcome o = cli("--version");
    assertEquals(0, o.exit);
    assertTrue(o.out, o.out.startsWith("trainset 0.1.0-SNAPSHOT\nApache Beam 2.62.0\n"));
  }

  @Test
  public void help_listsCommandsAndExitCodes() {
    Outcome o = cli("--help");
    assertEquals(0, o.exit);
    assertTrue(o.out, o.out.contains("run ") && o.out.contains("schema ") && o.out.contains("3   data error"));
    assertEquals(0, cli("run", "--help").exit);
  }

  @Test
  public void run_onTheBundledExample_exitsZeroAndPrintsTheResultLine() throws Exception {
    File out = tmp.newFolder("v");
    Outcome o = cli("run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--run-id", "nightly-1");
    assertEquals(o.err, 0, o.exit);
    JsonNode r = o.result();
    assertEquals("succeeded", r.get("status").asText());
    assertEquals("nightly-1", r.get("runId").asText());
    assertEquals(310, r.at("/counts/read").asLong());
    assertEquals(310, r.at("/counts/written").asLong());
    assertEquals(0, r.at("/counts/rejected").asLong());
    assertEquals(out + "/", r.get("output").asText());
    assertTrue(new File(out, "_SUCCESS").exists());
    assertNoStackTrace(o);
  }

  @Test
  public void run_withConfigFileEnvDefaultsAndSetOverrides() throws Exception {
    File out = tmp.newFolder("h");
    Path cfg = tmp.newFile("run.yaml").toPath();
    Files.writeString(
        cfg,
        "input:\n  path: ${TRAINSET_TEST_UNSET_VAR:-" + HEART + "}\noutput:\n  path: " + out + "\n  compression: snappy\n");
    Outcome o = cli("run", "--config", cfg.toString(), "--set", "output.compression=zstd", "--set", "schema.columns.age=string");
    assertEquals(o.err, 0, o.exit);
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("zstd", m.at("/outputs/0/compression").asText());
    assertEquals("string", m.at("/schema/columns/0/type").asText());
    assertEquals("zstd", m.at("/config/output/compression").asText());
  }

  @Test
  public void run_withMissingConfigFile_exits2WithOneLine() {
    Outcome o = cli("run", "--config", "/nonexistent/run.yaml");
    assertEquals(2, o.exit);
    assertEquals(List.of("trainset: error: config file '/nonexistent/run.yaml' does not exist"), o.errorLines());
    assertNoStackTrace(o);
  }

  @Test
  public void run_withUnknownConfigKey_exits2NamingTheKey() throws Exception {
    Path cfg = tmp.newFile("bad.yaml").toPath();
    Files.writeString(cfg, "input: {path: x.csv}\noutput: {path: o, compresion: zstd}\n");
    Outcome o = cli("run", "--config", cfg.toString());
    assertEquals(2, o.exit);
    assertEquals(
        List.of("trainset: error: config key 'output.compresion': unknown key (known keys here: compression, formats, oneHot, ordinal, path, rowGroupSize, textCompression)"),
        o.errorLines());
    assertNoStackTrace(o);
  }

  @Test
  public void run_withInvalidYaml_exits2NamingFileAndLine() throws Exception {
    Path cfg = tmp.newFile("broken.yaml").toPath();
    Files.writeString(cfg, "input:\n  path: [unclosed\n");
    Outcome o = cli("run", "--config", cfg.toString());
    assertEquals(2, o.exit);
    assertEquals(1, o.errorLines().size());
    assertEquals(
        "trainset: error: config file '" + cfg + "' line 2: not valid YAML or JSON"
            + " (while parsing a flow sequence; expected ',' or ']', but got <stream end>)",
        o.errorLines().get(0));
    assertEquals("one line only", 1, o.err.strip().split("\n").length);
  }

  @Test
  public void run_withMissingInput_exits3() {
    Outcome o = cli("run", "--input", "/nonexistent/data.csv", "--output", tmp.getRoot() + "/o");
    assertEquals(3, o.exit);
    assertEquals(List.of("trainset: error: input.path '/nonexistent/data.csv' matches no files"), o.errorLines());
    assertNoStackTrace(o);
  }

  @Test
  public void run_withTooManyBadRecords_exits3AndWritesNoSuccess() throws Exception {
    File in = tmp.newFile("bad.csv");
    Files.writeString(in.toPath(), "a,b\n1,2\n3,4,5\n");
    File out = new File(tmp.getRoot(), "o");
    Outcome o = cli("run", "--input", in.toString(), "--output", out.toString());
    assertEquals(3, o.exit);
    assertEquals(1, o.errorLines().size());
    assertTrue(o.errorLines().get(0), o.errorLines().get(0).startsWith("trainset: error: 1 of 2 records rejected (50.00%), more than maxRejectedFraction 0.01"));
    assertFalse(new File(out, "_SUCCESS").exists());
  }

  @Test
  public void run_intoExistingOutput_exits2UnlessOverwrite() throws Exception {
    File out = tmp.newFolder("twice");
    assertEquals(0, cli("run", "--input", VERTEBRAL.toString(), "--output", out.toString()).exit);
    // A different run (here: another run id) into a non-empty output is refused.
    Outcome again = cli("run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--run-id", "another");
    assertEquals(2, again.exit);
    assertEquals(List.of("trainset: error: output '" + out + "/' already exists and is not empty; pass --overwrite to replace it"), again.errorLines());
    assertEquals(0, cli("run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--run-id", "another", "--overwrite").exit);
  }

  @Test
  public void run_withUnknownBeamOption_exits2() {
    Outcome o = cli("run", "--input", VERTEBRAL.toString(), "--output", tmp.getRoot() + "/o", "--flinkMastr=[local]");
    assertEquals(2, o.exit);
    assertEquals(1, o.errorLines().size());
    assertTrue(o.err, o.errorLines().get(0).startsWith("trainset: error: Beam pipeline options: "));
    assertTrue(o.err, o.errorLines().get(0).contains("flinkMastr"));
  }

  @Test
  public void run_onEmbeddedFlink_givesTheSameCounts() throws Exception {
    File out = tmp.newFolder("flink");
    Outcome o = cli("run", "--input", HEART.toString(), "--output", out.toString(), "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2");
    assertEquals(o.err, 0, o.exit);
    assertEquals(299, o.result().at("/counts/written").asLong());
    assertEquals("FlinkRunner", JSON.readTree(new File(out, "manifest.json")).get("runner").asText());
  }

  @Test
  public void run_sameRunIdTwice_secondIsAlreadyCompleteAndWritesNothing_newRunIdNeedsOverwrite() throws Exception {
    File out = tmp.newFolder("retry");
    String[] first = {"run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--run-id", "nightly-7"};
    assertEquals(0, cli(first).exit);
    File manifest = new File(out, "manifest.json");
    long written = manifest.lastModified();
    byte[] before = Files.readAllBytes(manifest.toPath());
    Thread.sleep(20);

    Outcome retry = cli(first);
    assertEquals(retry.err, 0, retry.exit);
    assertTrue(retry.err, retry.err.contains("trainset: already complete: run nightly-7 is in " + out + "/; nothing to do"));
    assertEquals("already-complete", retry.result().get("status").asText());
    assertEquals(310, retry.result().at("/counts/written").asLong());
    assertEquals(written, manifest.lastModified());
    assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(manifest.toPath()));

    Outcome other = cli("run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--run-id", "nightly-8");
    assertEquals(2, other.exit);
    Outcome replaced = cli("run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--run-id", "nightly-8", "--overwrite");
    assertEquals(0, replaced.exit);
    assertEquals("nightly-8", JSON.readTree(manifest).get("runId").asText());
  }

  @Test
  public void run_fillsDateAndRunIdTemplatesInTheOutputPath() throws Exception {
    Outcome o =
        cli("run", "--input", VERTEBRAL.toString(), "--output", tmp.getRoot() + "/trainsets/{date}/{runId}", "--date", "2026-01-31", "--run-id", "r1");
    assertEquals(o.err, 0, o.exit);
    assertTrue(new File(tmp.getRoot(), "trainsets/2026-01-31/r1/_SUCCESS").exists());
    assertEquals(tmp.getRoot() + "/trainsets/2026-01-31/r1/", o.result().get("output").asText());
  }

  @Test
  public void run_derivedRunIdDependsOnTheLogicalDate() throws Exception {
    Outcome a = cli("run", "--input", VERTEBRAL.toString(), "--output", tmp.getRoot() + "/a", "--date", "2026-01-01");
    Outcome b = cli("run", "--input", VERTEBRAL.toString(), "--output", tmp.getRoot() + "/b", "--date", "2026-01-02");
    assertTrue(a.result().get("runId").asText().startsWith("20260101-"));
    assertTrue(b.result().get("runId").asText().startsWith("20260102-"));
  }

  @Test
  public void validate_goodConfig_printsThePlanAndWritesNothing() throws Exception {
    File out = new File(tmp.getRoot(), "never-written");
    Outcome o = cli("validate", "--input", HEART.toString(), "--output", out.toString(), "--run-id", "v1");
    assertEquals(o.err, 0, o.exit);
    assertTrue(o.out, o.out.contains("run id:   v1\n"));
    assertTrue(o.out, o.out.contains("format csv"));
    assertTrue(o.out, o.out.contains("schema:   13 columns, inferred from all 299 rows"));
    assertTrue(o.out, o.out.contains(out + "/data/parquet/"));
    assertTrue(o.out, o.out.contains("the output folder is empty or absent: the run will create it"));
    assertTrue(o.out, o.out.endsWith("valid: nothing was written\n"));
    assertFalse("validate wrote the output folder", out.exists());
  }

  @Test
  public void validate_badConfig_namesTheKey() throws Exception {
    Outcome o = cli("validate", "--input", HEART.toString(), "--output", tmp.getRoot() + "/x", "--set", "output.compression=lz4");
    assertEquals(2, o.exit);
    assertEquals(List.of("trainset: error: config key 'output.compression': expected one of snappy, zstd, gzip, none, got 'lz4'"), o.errorLines());
    Outcome missing = cli("validate", "--input", "/nonexistent/*.csv", "--output", tmp.getRoot() + "/x");
    assertEquals(3, missing.exit);
    // A train section is checked too, before anything runs.
    Outcome train = cli("validate", "--input", HEART.toString(), "--output", tmp.getRoot() + "/x", "--train.target=sagemaker");
    assertEquals(2, train.exit);
    assertEquals(List.of("trainset: error: config key 'train.sagemaker.roleArn': required for this training target"), train.errorLines());
    Outcome run = cli("run", "--input", HEART.toString(), "--output", tmp.getRoot() + "/y", "--train.target=azureml");
    assertEquals(2, run.exit);
    assertEquals(List.of("trainset: error: config key 'train.azureml.subscriptionId': required for this training target"), run.errorLines());
    assertFalse("a bad train section stops the run before it writes", new File(tmp.getRoot(), "y").exists());
  }

  @Test
  public void schema_printsInferredTypes() {
    Outcome o = cli("schema", "--input", HEART.toString());
    assertEquals(o.err, 0, o.exit);
    assertTrue(o.out, o.out.contains("format csv, schema inferred from all 299 rows"));
    assertTrue(o.out, o.out.matches("(?s).*\\nage +double +no +0\\n.*"));
    assertTrue(o.out, o.out.matches("(?s).*\\nDEATH_EVENT +long +no +0\\n.*"));
  }

  @Test
  public void schema_ofArff_printsTheDeclaredDomain() {
    Outcome o = cli("schema", "--input", VERTEBRAL.toString());
    assertEquals(0, o.exit);
    assertTrue(o.out, o.out.contains("schema declared"));
    assertTrue(o.out, o.out.matches("(?s).*\\nclass +string +yes +\\[Abnormal, Normal\\]\\n.*"));
  }

  @Test
  public void validate_withAStratifiedSplit_printsThePerClassCounts_andWritesNothing() throws Exception {
    File out = new File(tmp.getRoot(), "split-plan");
    Outcome o =
        cli(
            "validate", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--set", "label.column=class",
            "--set", "label.map.Abnormal=1", "--set", "label.map.Normal=0", "--set", "split.method=stratified",
            "--set", "output.formats=sagemaker-csv");
    assertEquals(o.err, 0, o.exit);
    assertTrue(o.out, o.out.contains("columns:  class, pelvic_incidence, pelvic_tilt, lumbar_lordosis_angle, sacral_slope, pelvic_radius, degree_spondylolisthesis (label first)\n"));
    assertTrue(o.out, o.out.contains("split:    stratified, seed 42, train 0.8, validation 0.1, test 0.1\n"));
    assertTrue(o.out, o.out.matches("(?s).*\\n\\s+class \\(rows\\)\\s+train\\s+validation\\s+test\\n.*"));
    assertTrue(o.out, o.out.matches("(?s).*\\n\\s+0\\s+80\\s+10\\s+10\\n\\s+1\\s+168\\s+21\\s+21\\n\\s+total\\s+248\\s+31\\s+31\\n.*"));
    assertTrue(o.out, o.out.contains(out + "/train/csv/"));
    assertTrue(o.out, o.out.endsWith("valid: nothing was written\n"));
    assertFalse("validate wrote the output folder", out.exists());
  }

  @Test
  public void validate_withAGroupSplit_printsTheGroupsPerClassAndSplit_andTheRowsTheyHold() throws Exception {
    // 40 patients, 3 visits each, every 4th sick: 10 sick and 30 well patients, halved exactly.
    StringBuilder csv = new StringBuilder("patient_id,visit,x,label\n");
    for (int p = 0; p < 40; p++) {
      for (int v = 0; v < 3; v++) {
        csv.append("p").append(p).append(',').append(v).append(',').append(p * 7 + v).append(',').append(p % 4 == 0 ? "sick" : "well").append('\n');
      }
    }
    File in = tmp.newFile("grouped.csv");
    java.nio.file.Files.writeString(in.toPath(), csv);
    File out = new File(tmp.getRoot(), "group-plan");
    Outcome o =
        cli(
            "validate", "--input", in.toString(), "--output", out.toString(), "--set", "label.column=label",
            "--set", "split.groupBy=patient_id", "--set", "split.fractions.train=0.5", "--set", "split.fractions.test=0.5");
    assertEquals(o.err, 0, o.exit);
    assertTrue(o.out, o.out.contains(", grouped by patient_id\n"));
    assertTrue(o.out, o.out.matches("(?s).*\\n\\s+class \\(groups\\)\\s+train\\s+test\\n\\s+sick\\s+5\\s+5\\n\\s+well\\s+15\\s+15\\n"
        + "\\s+total\\s+20\\s+20\\n\\s+rows\\s+60\\s+60\\n.*"));
    assertFalse(o.out, o.out.contains("hash split"));
    assertFalse("validate wrote the output folder", out.exists());
  }

  @Test
  public void validate_withFractionsThatDoNotSumToOne_exits2NamingTheKey() {
    Outcome o =
        cli(
            "validate", "--input", VERTEBRAL.toString(), "--output", new File(tmp.getRoot(), "x").toString(),
            "--set", "label.column=class", "--set", "split.fractions.train=0.9", "--set", "split.fractions.test=0.2");
    assertEquals(2, o.exit);
    assertEquals("trainset: error: config key 'split.fractions': the fractions must sum to 1, they sum to 1.1\n", o.err);
  }

  @Test
  public void everyConfigKeyIsAlsoAFlag() throws Exception {
    File out = new File(tmp.getRoot(), "flags");
    Outcome o =
        cli(
            "run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--label.column=class",
            "--label.map={Abnormal: 1, Normal: 0}", "--split.fractions.train=0.5", "--split.fractions.test=0.5",
            "--split.seed=3", "--output.formats=[sagemaker-csv]", "--maxRejectedFraction=0");
    assertEquals(o.err, 0, o.exit);
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals(3, m.at("/split/seed").asLong());
    assertEquals("{\"0\":50,\"1\":105}", m.at("/splits/test/classCounts").toString());
    assertEquals("sagemaker-csv", m.at("/splits/test/outputs/0/format").asText());
    assertEquals("0", m.at("/config/maxRejectedFraction").asText());
  }

  @Test
  public void logFormatJson_everyStderrLineIsAJsonObject_errorsCarryTheExitCode() throws Exception {
    File out = new File(tmp.getRoot(), "json-logs");
    Outcome o = cli("run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--log-format", "json");
    assertEquals(o.err, 0, o.exit);
    List<String> messages = new java.util.ArrayList<>();
    for (String line : o.err.split("\n")) {
      JsonNode n = JSON.readTree(line);
      assertEquals(line, "info", n.get("level").asText());
      java.time.Instant.parse(n.get("time").asText());
      messages.add(n.get("message").asText());
    }
    assertTrue(messages.toString(), messages.get(messages.size() - 1).startsWith("done in "));
    assertTrue(o.out.startsWith("TRAINSET_RESULT {"));

    Outcome bad = cli("run", "--input", VERTEBRAL.toString(), "--output", out.toString(), "--log-format=json", "--set", "output.compression=lz4");
    assertEquals(2, bad.exit);
    JsonNode e = JSON.readTree(bad.err.trim());
    assertEquals("error", e.get("level").asText());
    assertEquals(2, e.get("exitCode").asInt());
    assertEquals("config key 'output.compression': expected one of snappy, zstd, gzip, none, got 'lz4'", e.get("message").asText());
  }
}
