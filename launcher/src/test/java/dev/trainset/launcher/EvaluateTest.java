package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainset.launcher.TrainsetCliTest.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code trainset evaluate --scorer local}, for real: a model trained here with XGBoost4J on a training split, packed as
 * SageMaker packs it ({@code model.tar.gz} holding {@code xgboost-model}), scored by trainset on the test split; the
 * metrics must equal those this test computes itself, from XGBoost4J's own predictions on the split's sagemaker-csv
 * file and by brute force (every positive/negative pair for the AUC).
 */
public class EvaluateTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The file SageMaker's XGBoost container packs (written out here, not taken from the product's constant). */
  private static final String MODEL_FILE = "xgboost-model";
  private static final Path PROJECT = Paths.get(System.getProperty("trainset.project.dir", ".."));
  private static final Path VERTEBRAL = PROJECT.resolve("runner-configs/examples/data/vertebral-column/column_2C_weka.arff");
  private static final Path HEART = PROJECT.resolve("runner-configs/examples/data/heart-failure/heart_failure_clinical_records_dataset.csv");

  /** A split's sagemaker-csv file read as this test's own reference: labels, then features as XGBoost parses text. */
  record Rows(float[] labels, float[] features, int cols) {
    static Rows read(Path csv) throws Exception {
      List<String> lines = Files.readAllLines(csv);
      int cols = lines.get(0).split(",", -1).length - 1;
      float[] labels = new float[lines.size()];
      float[] features = new float[lines.size() * cols];
      for (int i = 0; i < lines.size(); i++) {
        String[] f = lines.get(i).split(",", -1);
        labels[i] = Float.parseFloat(f[0]);
        for (int c = 0; c < cols; c++) {
          features[i * cols + c] = f[c + 1].isEmpty() ? Float.NaN : Float.parseFloat(f[c + 1]);
        }
      }
      return new Rows(labels, features, cols);
    }

    int size() {
      return labels.length;
    }

    DMatrix matrix() throws Exception {
      DMatrix m = new DMatrix(features, size(), cols, Float.NaN);
      m.setLabel(labels);
      return m;
    }
  }

  private Path ingest(Path input, String format, String label, String map) throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out-" + input.getFileName());
    Path cfg = tmp.newFile().toPath();
    Files.writeString(
        cfg,
        "input: {path: " + input + ", format: " + format + "}\n"
            + "label: {column: " + label + (map == null ? "" : ", map: " + map) + "}\n"
            + "split: {method: stratified, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 42}\n"
            + "output: {path: " + out + ", formats: [parquet, sagemaker-csv, features-csv]}\n");
    Outcome o = TrainsetCliTest.cli("run", "--config", cfg.toString());
    assertEquals(o.err(), 0, o.exit());
    return out;
  }

  static Booster train(Rows rows, Map<String, Object> params) throws Exception {
    Map<String, Object> p = new HashMap<>(params);
    p.put("eta", 0.3);
    p.put("max_depth", 3);
    p.put("nthread", 1);
    p.put("seed", 0);
    return XGBoost.train(rows.matrix(), p, 20, new HashMap<>(), null, null);
  }

  /** The booster as SageMaker's XGBoost container packs it. */
  private Path modelTarGz(Booster booster) throws Exception {
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    booster.saveModel(model);
    return tarGz("model.tar.gz", MODEL_FILE, model.toByteArray());
  }

  private Path tarGz(String name, String entry, byte[] bytes) throws Exception {
    Path f = tmp.getRoot().toPath().resolve(name);
    Files.write(f, tarGzBytes(entry, bytes));
    return f;
  }

  /** A tar.gz holding one file. */
  static byte[] tarGzBytes(String entry, byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
      TarArchiveEntry e = new TarArchiveEntry(entry);
      e.setSize(bytes.length);
      tar.putArchiveEntry(e);
      tar.write(bytes);
      tar.closeArchiveEntry();
    }
    return out.toByteArray();
  }

  /** A binary:logistic model trained on a sagemaker-csv file, as SageMaker packs it. */
  static byte[] binaryModelTarGz(Path trainCsv) throws Exception {
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    train(Rows.read(trainCsv), Map.of("objective", "binary:logistic")).saveModel(model);
    return tarGzBytes(MODEL_FILE, model.toByteArray());
  }

  private static JsonNode evaluate(Path out, Path model, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("evaluate", "--manifest", out.toString(), "--model", model.toString()));
    args.addAll(List.of(more));
    Outcome o = TrainsetCliTest.cli(args.toArray(new String[0]));
    assertEquals(o.err(), 0, o.exit());
    JsonNode result = o.result();
    assertEquals("succeeded", result.get("status").asText());
    JsonNode file = JSON.readTree(out.resolve("evaluation.json").toFile());
    assertEquals(result.get("metrics"), file.get("metrics"));
    return file;
  }

  private static double bruteForceAuc(float[] labels, float[] p) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < labels.length; i++) {
      for (int j = 0; j < labels.length; j++) {
        if (labels[i] == 1 && labels[j] == 0) {
          pairs++;
          wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }

  private void binaryModelMatchesItsOwnPredictions(Path out, double threshold) throws Exception {
    Rows train = Rows.read(out.resolve("train/csv/part-00000.csv"));
    Rows test = Rows.read(out.resolve("test/csv/part-00000.csv"));
    Booster booster = train(train, Map.of("objective", "binary:logistic"));
    JsonNode e = evaluate(out, modelTarGz(booster), "--threshold", String.valueOf(threshold));

    float[][] pred = booster.predict(test.matrix());
    float[] p = new float[test.size()];
    long[][] confusion = new long[2][2];
    double logLoss = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = pred[i][0];
      int y = (int) test.labels[i];
      confusion[y][p[i] >= (float) threshold ? 1 : 0]++;
      double q = Math.min(Math.max(p[i], 1e-15), 1 - 1e-15);
      logLoss -= y == 1 ? Math.log(q) : Math.log(1 - q);
    }
    assertEquals("binary", e.get("task").asText());
    assertEquals("test", e.get("split").asText());
    assertEquals(test.size(), e.get("rows").asLong());
    assertEquals(threshold, e.get("threshold").asDouble(), 0);
    JsonNode m = e.get("metrics");
    assertEquals(bruteForceAuc(test.labels, p), m.get("auc").asDouble(), 1e-9);
    assertEquals(logLoss / p.length, m.get("logLoss").asDouble(), 1e-9);
    assertEquals((double) (confusion[0][0] + confusion[1][1]) / p.length, m.get("accuracy").asDouble(), 1e-9);
    double precision = (double) confusion[1][1] / (confusion[1][1] + confusion[0][1]);
    double recall = (double) confusion[1][1] / (confusion[1][1] + confusion[1][0]);
    assertEquals(precision, m.get("precision").asDouble(), 1e-9);
    assertEquals(recall, m.get("recall").asDouble(), 1e-9);
    assertEquals(2 * precision * recall / (precision + recall), m.get("f1").asDouble(), 1e-9);
    assertEquals(JSON.valueToTree(confusion).toString(), e.get("confusionMatrix").toString());
    assertTrue(e.get("manifestSha256").asText().matches("[0-9a-f]{64}"));
    String report = Files.readString(out.resolve("report.html"));
    assertTrue("the report keeps the training set's parts", report.contains("<h1>trainset report</h1>"));
    assertTrue(report.contains("<h2>Evaluation</h2>"));
    assertTrue(report.contains(String.format(java.util.Locale.ROOT, "<td class=\"l\">auc</td><td>%.4f</td>", m.get("auc").asDouble())));
    assertTrue("the ROC curve as inline SVG", report.contains("aria-label=\"ROC curve\"") && report.contains("<polyline"));
    assertTrue("the confusion matrix's cells", report.contains(">" + confusion[1][1] + "</td>"));
  }

  @Test
  public void vertebralColumn_binaryXgboost_metricsEqualXgboostsOwnPredictions_atTheWalkthroughsThreshold() throws Exception {
    binaryModelMatchesItsOwnPredictions(ingest(VERTEBRAL, "arff", "class", "{Abnormal: 1, Normal: 0}"), 0.65);
  }

  @Test
  public void heartFailure_binaryXgboost_metricsEqualXgboostsOwnPredictions() throws Exception {
    binaryModelMatchesItsOwnPredictions(ingest(HEART, "csv", "DEATH_EVENT", null), 0.5);
  }

  @Test
  public void iris_threeClasses_softprob_accuracyF1AndConfusionMatrixEqualXgboostsOwn() throws Exception {
    Path iris = Paths.get(System.getProperty("trainset.shared.data", "../../shared/data"), "weka-iris/iris.arff");
    assumeTrue("skipped: shared dataset " + iris + " is absent (../shared/data is not beside this clone)", Files.exists(iris));
    Path out = ingest(iris, "arff", "class", "{Iris-setosa: 0, Iris-versicolor: 1, Iris-virginica: 2}");
    Rows train = Rows.read(out.resolve("train/csv/part-00000.csv"));
    Rows test = Rows.read(out.resolve("test/csv/part-00000.csv"));
    Booster booster = train(train, Map.of("objective", "multi:softprob", "num_class", 3));
    JsonNode e = evaluate(out, modelTarGz(booster));

    float[][] pred = booster.predict(test.matrix());
    long[][] confusion = new long[3][3];
    double logLoss = 0;
    for (int i = 0; i < pred.length; i++) {
      int best = 0;
      for (int k = 1; k < 3; k++) {
        best = pred[i][k] > pred[i][best] ? k : best;
      }
      int y = (int) test.labels[i];
      confusion[y][best]++;
      logLoss -= Math.log(Math.min(Math.max(pred[i][y], 1e-15), 1 - 1e-15));
    }
    double macro = 0;
    double weighted = 0;
    long correct = 0;
    for (int c = 0; c < 3; c++) {
      long support = confusion[c][0] + confusion[c][1] + confusion[c][2];
      long predicted = confusion[0][c] + confusion[1][c] + confusion[2][c];
      double p = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
      double r = (double) confusion[c][c] / support;
      double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
      macro += f1 / 3;
      weighted += f1 * support / pred.length;
      correct += confusion[c][c];
    }
    assertEquals("multiclass", e.get("task").asText());
    JsonNode m = e.get("metrics");
    assertEquals((double) correct / pred.length, m.get("accuracy").asDouble(), 1e-9);
    assertEquals(macro, m.get("macroF1").asDouble(), 1e-9);
    assertEquals(weighted, m.get("weightedF1").asDouble(), 1e-9);
    assertEquals(logLoss / pred.length, m.get("logLoss").asDouble(), 1e-9);
    assertEquals(JSON.valueToTree(confusion).toString(), e.get("confusionMatrix").toString());
  }

  @Test
  public void asABeamJob_onEmbeddedFlinkAndTheDirectRunner_theMetricsAreTheSame() throws Exception {
    Path out = ingest(HEART, "csv", "DEATH_EVENT", null);
    Path model = modelTarGz(train(Rows.read(out.resolve("train/csv/part-00000.csv")), Map.of("objective", "binary:logistic")));
    JsonNode here = evaluate(out, model, "--split", "validation");
    for (String runner : List.of("runner-configs/flink-local.yaml", "runner-configs/direct.yaml")) {
      JsonNode job = evaluate(out, model, "--split", "validation", "--runner-config", PROJECT.resolve(runner).toString());
      assertEquals(runner, here.get("metrics"), job.get("metrics"));
      assertEquals(runner, here.get("confusionMatrix"), job.get("confusionMatrix"));
      assertEquals(here.get("rows"), job.get("rows"));
    }
  }

  @Test
  public void aRunFileWithAnEvaluateSection_ingestsThenScoresTheGivenModel_inOneCommand_andWithoutAModelItIsAConfigError() throws Exception {
    Path first = ingest(VERTEBRAL, "arff", "class", "{Abnormal: 1, Normal: 0}");
    Path model = modelTarGz(train(Rows.read(first.resolve("train/csv/part-00000.csv")), Map.of("objective", "binary:logistic")));
    Path out = tmp.getRoot().toPath().resolve("judged");
    String run =
        "input: {path: " + VERTEBRAL + ", format: arff}\nlabel: {column: class, map: {Abnormal: 1, Normal: 0}}\n"
            + "split: {method: stratified, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 42}\n"
            + "output: {path: " + out + ", formats: [parquet, sagemaker-csv]}\n";
    Path cfg = tmp.newFile("judged.yaml").toPath();
    Files.writeString(cfg, run + "evaluate: {model: " + model + ", threshold: 0.65}\n");
    Outcome o = TrainsetCliTest.cli("run", "--config", cfg.toString());
    assertEquals(o.err(), 0, o.exit());
    JsonNode e = o.result().get("evaluation");
    assertEquals("succeeded", o.result().get("status").asText());
    assertEquals(out.resolve("evaluation.json").toString(), e.get("evaluation").asText());
    assertEquals(31, e.get("rows").asLong());
    JsonNode alone = evaluate(first, model, "--threshold", "0.65");
    assertEquals(alone.get("metrics"), JSON.readTree(out.resolve("evaluation.json").toFile()).get("metrics"));

    Files.writeString(cfg, run + "evaluate: {threshold: 0.65}\n");
    o = TrainsetCliTest.cli("run", "--config", cfg.toString(), "--overwrite");
    assertEquals(o.err(), 2, o.exit());
    assertEquals(List.of("trainset: error: config key 'evaluate.model': required without a train section (the model to score)"), o.errorLines());
    Files.writeString(cfg, run + "evaluate: {model: " + model + ", threshold: 1}\n");
    o = TrainsetCliTest.cli("run", "--config", cfg.toString(), "--overwrite");
    assertEquals(o.err(), 2, o.exit());
    assertEquals(
        List.of("trainset: error: config key 'evaluate.threshold': 1.0: expected a probability between 0 and 1 (both excluded)"), o.errorLines());
  }

  @Test
  public void featuresCsv_isTheSageMakerCsvWithoutItsLabel_lineForLine_andTheManifestSaysSo() throws Exception {
    Path out = ingest(VERTEBRAL, "arff", "class", "{Abnormal: 1, Normal: 0}");
    JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
    for (String split : List.of("train", "validation", "test")) {
      List<String> labelled = Files.readAllLines(out.resolve(split + "/csv/part-00000.csv"));
      List<String> features = Files.readAllLines(out.resolve(split + "/features/part-00000.csv"));
      assertEquals(labelled.size(), features.size());
      for (int i = 0; i < labelled.size(); i++) {
        assertEquals(labelled.get(i).substring(labelled.get(i).indexOf(',') + 1), features.get(i));
      }
      JsonNode output = null;
      for (JsonNode o : manifest.get("splits").get(split).get("outputs")) {
        output = o.get("format").asText().equals("features-csv") ? o : output;
      }
      assertEquals(split + "/features", output.get("name").asText());
      assertEquals(JSON.readTree("[\"" + split + "/parquet\",\"" + split + "/csv\"]"), output.get("linesMatch"));
      assertEquals(labelled.size(), output.get("rows").asLong());
      JsonNode file = output.get("files").get(0);
      assertEquals(out.resolve(split + "/features/part-00000.csv").toString(), file.get("path").asText());
      assertEquals(
          JSON.createArrayNode().add(out.resolve(split + "/parquet/part-00000.parquet").toString()).add(out.resolve(split + "/csv/part-00000.csv").toString()),
          file.get("linesMatch"));
      // DuckDB, reading the file as any CSV, finds six numeric columns: no header, no label, nothing textual.
      try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
          java.sql.ResultSet rs =
              c.createStatement().executeQuery(
                  "DESCRIBE SELECT * FROM read_csv('" + out.resolve(split + "/features/part-00000.csv") + "')")) {
        List<String> types = new ArrayList<>();
        while (rs.next()) {
          types.add(rs.getString("column_type"));
        }
        assertEquals(split, 6, types.size());
        assertTrue(split + ": " + types, types.stream().allMatch(t -> t.equals("DOUBLE") || t.equals("BIGINT")));
      }
    }
  }

  @Test
  public void badInput_getsOneLine_andTheExitCodeOfItsKind() throws Exception {
    Path out = ingest(VERTEBRAL, "arff", "class", "{Abnormal: 1, Normal: 0}");
    Path notXgboost = tarGz("not-xgboost.tar.gz", "xgboost-model", "this is not a model".getBytes(StandardCharsets.UTF_8));
    Outcome o = TrainsetCliTest.cli("evaluate", "--manifest", out.toString(), "--model", notXgboost.toString());
    assertEquals(o.err(), 3, o.exit());
    assertEquals(1, o.errorLines().size());
    assertTrue(o.err(), o.errorLines().get(0).startsWith("trainset: error: --model '" + notXgboost + "' is not an XGBoost model (XGBoost4J 1.7 cannot load it"));
    assertEquals("failed", o.result().get("status").asText());

    Path noModel = tarGz("other.tar.gz", "model.pkl", new byte[] {1, 2, 3});
    o = TrainsetCliTest.cli("evaluate", "--manifest", out.toString(), "--model", noModel.toString());
    assertEquals(o.err(), 3, o.exit());
    assertEquals(
        List.of("trainset: error: --model '" + noModel + "' holds no xgboost-model file (SageMaker's XGBoost packs one); it holds: model.pkl"),
        o.errorLines());

    Path model = modelTarGz(train(Rows.read(out.resolve("train/csv/part-00000.csv")), Map.of("objective", "binary:logistic")));
    o = TrainsetCliTest.cli("evaluate", "--manifest", out.toString(), "--model", model.toString(), "--threshold", "1.5");
    assertEquals(o.err(), 2, o.exit());
    assertEquals(
        List.of("trainset: error: config key '--threshold': 1.5: expected a probability between 0 and 1 (both excluded)"), o.errorLines());

    // A prediction that does not fit the task, found inside a Beam job's step: still one line and exit 3.
    o = TrainsetCliTest.cli(
        "evaluate", "--manifest", out.toString(), "--model", model.toString(), "--task", "multiclass", "--runner-config",
        PROJECT.resolve("runner-configs/direct.yaml").toString());
    assertEquals(o.err(), 3, o.exit());
    assertEquals(1, o.errorLines().size());
    assertTrue(o.err(), o.errorLines().get(0).matches("trainset: error: .*/test/parquet/part-00000\\.parquet: row 1: the model gave [0-9.E-]+, not one of the 2 classes"));

    o = TrainsetCliTest.cli("evaluate", "--manifest", out.toString(), "--model", model.toString(), "--split", "holdout");
    assertEquals(o.err(), 2, o.exit());
    assertEquals(
        List.of("trainset: error: config key '--split': 'holdout' is not a split of this training set (it has: train, validation, test)"),
        o.errorLines());

    Path unlabelled = tmp.getRoot().toPath().resolve("unlabelled");
    Outcome run = TrainsetCliTest.cli("run", "--input", HEART.toString(), "--output", unlabelled.toString());
    assertEquals(run.err(), 0, run.exit());
    o = TrainsetCliTest.cli("evaluate", "--manifest", unlabelled.toString(), "--model", model.toString());
    assertEquals(o.err(), 3, o.exit());
    assertEquals(
        List.of("trainset: error: the training set has no label (label.column was not set): there is nothing to evaluate against"),
        o.errorLines());
  }
}
