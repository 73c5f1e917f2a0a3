package dev.trainset.transforms.evaluate;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.Test;

public class MetricsTest {
  private static float[] p(float v) {
    return new float[] {v};
  }

  @Test
  public void binaryAuc_countsTiesHalf_andEqualsEveryPairCompared_howeverTheRowsAreSpread() throws Exception {
    Random rnd = new Random(7);
    int n = 5000;
    float[] score = new float[n];
    int[] label = new int[n];
    for (int i = 0; i < n; i++) {
      label[i] = rnd.nextDouble() < 0.3 ? 1 : 0;
      score[i] = Math.round((rnd.nextFloat() * 0.6f + label[i] * 0.3f) * 50) / 50f; // few distinct values: many ties
    }
    Metrics whole = new Metrics(Task.BINARY, 2, 0.5);
    Metrics a = new Metrics(Task.BINARY, 2, 0.5);
    Metrics b = new Metrics(Task.BINARY, 2, 0.5);
    for (int i = 0; i < n; i++) {
      whole.add(label[i], p(score[i]));
      (i % 3 == 0 ? a : b).add(label[i], p(score[i]));
    }
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (label[i] == 1 && label[j] == 0) {
          pairs++;
          wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
        }
      }
    }
    Metrics.Result r = whole.result();
    assertEquals(wins / pairs, r.metrics().get("auc"), 1e-12);
    Metrics.Result merged = a.merge(b).result();
    assertEquals(r.metrics().keySet(), merged.metrics().keySet());
    for (String k : r.metrics().keySet()) {
      assertEquals(k, r.metrics().get(k), merged.metrics().get(k), 1e-12); // sums in another order
    }
    assertArrayEquals(r.confusionMatrix(), merged.confusionMatrix());
    assertEquals(n, r.rows());
    assertTrue(r.roc().size() <= 200);
    assertArrayEquals(new double[] {0, 0}, r.roc().get(0), 0);
    assertArrayEquals(new double[] {1, 1}, r.roc().get(r.roc().size() - 1), 0);
  }

  @Test
  public void binaryAtAThreshold_confusionPrecisionRecallF1() throws Exception {
    Metrics m = new Metrics(Task.BINARY, 2, 0.65);
    m.add(1, p(0.9f)); // TP
    m.add(1, p(0.65f)); // TP: p >= threshold, as floats (0.65f < 0.65 as doubles)
    m.add(1, p(0.6f)); // FN
    m.add(0, p(0.7f)); // FP
    m.add(0, p(0.1f)); // TN
    Metrics.Result r = m.result();
    assertArrayEquals(new long[][] {{1, 1}, {1, 2}}, r.confusionMatrix());
    assertEquals(0.6, r.metrics().get("accuracy"), 1e-15);
    assertEquals(2.0 / 3, r.metrics().get("precision"), 1e-15);
    assertEquals(2.0 / 3, r.metrics().get("recall"), 1e-15);
    assertEquals(2.0 / 3, r.metrics().get("f1"), 1e-15);
    double ll = -(Math.log(0.9f) + Math.log(0.65f) + Math.log(0.6f) + Math.log(1 - (double) 0.7f) + Math.log(1 - (double) 0.1f)) / 5;
    assertEquals(ll, r.metrics().get("logLoss"), 1e-12);
  }

  @Test
  public void multiclass_withProbabilities_andWithClassesOnly() throws Exception {
    Metrics m = new Metrics(Task.MULTICLASS, 3, 0.5);
    m.add(0, new float[] {0.8f, 0.1f, 0.1f});
    m.add(1, new float[] {0.2f, 0.5f, 0.3f});
    m.add(2, new float[] {0.1f, 0.6f, 0.3f}); // wrong: predicted 1
    m.add(2, new float[] {0.4f, 0.3f, 0.3f}); // wrong: predicted 0
    Metrics.Result r = m.result();
    assertArrayEquals(new long[][] {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}}, r.confusionMatrix());
    assertEquals(0.5, r.metrics().get("accuracy"), 1e-15);
    // F1 per class: 0 -> p 1/2 r 1 = 2/3; 1 -> p 1/2 r 1 = 2/3; 2 -> 0
    assertEquals((2.0 / 3 + 2.0 / 3) / 3, r.metrics().get("macroF1"), 1e-15);
    assertEquals((2.0 / 3 + 2.0 / 3) / 4, r.metrics().get("weightedF1"), 1e-15);
    assertTrue(r.metrics().containsKey("logLoss"));

    Metrics softmax = new Metrics(Task.MULTICLASS, 3, 0.5);
    softmax.add(2, p(2));
    softmax.add(1, p(0));
    assertEquals(0.5, softmax.result().metrics().get("accuracy"), 0);
    assertTrue("no probabilities, no log loss", !softmax.result().metrics().containsKey("logLoss"));
  }

  @Test
  public void regression_rmseMaeR2() throws Exception {
    Metrics m = new Metrics(Task.REGRESSION, 0, 0.5);
    double[] y = {3, -0.5, 2, 7};
    float[] f = {2.5f, 0.0f, 2, 8};
    for (int i = 0; i < y.length; i++) {
      m.add(y[i], p(f[i]));
    }
    Metrics.Result r = m.result();
    assertEquals(Math.sqrt(0.375), r.metrics().get("rmse"), 1e-12);
    assertEquals(0.5, r.metrics().get("mae"), 1e-12);
    assertEquals(0.9486081370449679, r.metrics().get("r2"), 1e-12); // scikit-learn's r2_score example
  }

  @Test
  public void labelsAndPredictionsThatDoNotFitTheTask_sayWhatWasExpected() {
    Metrics binary = new Metrics(Task.BINARY, 2, 0.5);
    assertEquals(
        "label 2 is not 0 or 1 (a binary model's classes)", assertThrows(Metrics.BadLabel.class, () -> binary.add(2, p(0.5f))).getMessage());
    assertEquals(
        "the model gives 3 values per row; a binary model gives one probability (objective binary:logistic)",
        assertThrows(Metrics.BadPrediction.class, () -> binary.add(1, new float[3])).getMessage());
    assertEquals(
        "the model gave 3.5, not a probability (objective binary:logistic gives one)",
        assertThrows(Metrics.BadPrediction.class, () -> binary.add(1, p(3.5f))).getMessage());
    Metrics three = new Metrics(Task.MULTICLASS, 3, 0.5);
    assertEquals(
        "label 3 is not a class between 0 and 2", assertThrows(Metrics.BadLabel.class, () -> three.add(3, new float[3])).getMessage());
  }
}
