package dev.trainset.transforms.evaluate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What scoring a split adds up, file by file, and merges across workers: exact, so the metrics do not depend on how
 * the rows were spread.
 *
 * <ul>
 *   <li>binary: rows per (predicted probability, label) for the ROC curve and its area (ties count half, as in
 *       Mann-Whitney's U), the log loss (probabilities clipped to [1e-15, 1 − 1e-15]), and the confusion matrix at
 *       the threshold (class 1 when p ≥ threshold, compared as 32-bit floats, the precision XGBoost gives);
 *   <li>multiclass: the confusion matrix (the most probable class, the first on ties, or the class a {@code
 *       multi:softmax} model gives) and, with probabilities, the log loss;
 *   <li>regression: sums of errors, squared errors and labels for RMSE, MAE and R².
 * </ul>
 *
 * Not thread-safe.
 */
public final class Metrics implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double EPS = 1e-15;

  private final Task task;
  private final int classes;
  private final double threshold;
  private long rows;
  private double logLoss;
  private boolean probabilities = true;
  private final long[][] confusion; // [label][predicted]
  private final HashMap<Float, long[]> byScore = new HashMap<>(); // binary: probability -> {label 0, label 1}
  private double sumError;
  private double sumAbsError;
  private double sumSquaredError;
  private double sumLabel;
  private double sumSquaredLabel;

  /**
   * @param classes the number of classes (2 for binary; ignored for regression)
   * @param threshold the probability from which a binary prediction is class 1
   */
  public Metrics(Task task, int classes, double threshold) {
    this.task = task;
    this.classes = task == Task.BINARY ? 2 : task == Task.MULTICLASS ? classes : 0;
    this.threshold = threshold;
    this.confusion = new long[this.classes][this.classes];
  }

  /** A label that does not fit the task; the message says which value and what was expected. */
  public static final class BadLabel extends Exception {
    private static final long serialVersionUID = 1L;

    BadLabel(String message) {
      super(message);
    }
  }

  /** A prediction that does not fit the task (e.g. several values where one probability was expected). */
  public static final class BadPrediction extends Exception {
    private static final long serialVersionUID = 1L;

    BadPrediction(String message) {
      super(message);
    }
  }

  /** Adds one row: its label and the model's output for it. */
  public void add(double label, float[] out) throws BadLabel, BadPrediction {
    switch (task) {
      case BINARY:
        addBinary(label, out);
        break;
      case MULTICLASS:
        addMulticlass(label, out);
        break;
      default:
        if (out.length != 1) {
          throw new BadPrediction("the model gives " + out.length + " values per row; a regression model gives one");
        }
        double e = out[0] - label;
        sumError += e;
        sumAbsError += Math.abs(e);
        sumSquaredError += e * e;
        sumLabel += label;
        sumSquaredLabel += label * label;
    }
    rows++;
  }

  private void addBinary(double label, float[] out) throws BadLabel, BadPrediction {
    if (label != 0 && label != 1) {
      throw new BadLabel("label " + format(label) + " is not 0 or 1 (a binary model's classes)");
    }
    if (out.length != 1) {
      throw new BadPrediction(
          "the model gives " + out.length + " values per row; a binary model gives one probability (objective binary:logistic)");
    }
    float p = out[0];
    if (!(p >= 0 && p <= 1)) {
      throw new BadPrediction("the model gave " + p + ", not a probability (objective binary:logistic gives one)");
    }
    int y = (int) label;
    byScore.computeIfAbsent(p == 0f ? 0f : p, k -> new long[2])[y]++; // -0.0 is 0.0
    double q = Math.min(Math.max(p, EPS), 1 - EPS);
    logLoss -= y == 1 ? Math.log(q) : Math.log(1 - q);
    confusion[y][p >= (float) threshold ? 1 : 0]++; // in the model's float precision: 0.65f is at 0.65
  }

  private void addMulticlass(double label, float[] out) throws BadLabel, BadPrediction {
    if (label != Math.rint(label) || label < 0 || label >= classes) {
      throw new BadLabel("label " + format(label) + " is not a class between 0 and " + (classes - 1));
    }
    int y = (int) label;
    int predicted;
    if (out.length == 1) {
      probabilities = false; // multi:softmax: the class itself
      float c = out[0];
      if (c != Math.rint(c) || c < 0 || c >= classes) {
        throw new BadPrediction("the model gave " + c + ", not one of the " + classes + " classes");
      }
      predicted = (int) c;
    } else if (out.length == classes) {
      predicted = 0;
      for (int k = 1; k < classes; k++) {
        if (out[k] > out[predicted]) {
          predicted = k;
        }
      }
      logLoss -= Math.log(Math.min(Math.max(out[y], EPS), 1 - EPS));
    } else {
      throw new BadPrediction(
          "the model gives " + out.length + " values per row; the label has " + classes + " classes (objective multi:softprob gives one per class)");
    }
    confusion[y][predicted]++;
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Adds another accumulator's rows (of the same task, classes and threshold). */
  public Metrics merge(Metrics o) {
    rows += o.rows;
    logLoss += o.logLoss;
    probabilities &= o.probabilities;
    for (int i = 0; i < classes; i++) {
      for (int j = 0; j < classes; j++) {
        confusion[i][j] += o.confusion[i][j];
      }
    }
    o.byScore.forEach((p, c) -> {
      long[] mine = byScore.computeIfAbsent(p, k -> new long[2]);
      mine[0] += c[0];
      mine[1] += c[1];
    });
    sumError += o.sumError;
    sumAbsError += o.sumAbsError;
    sumSquaredError += o.sumSquaredError;
    sumLabel += o.sumLabel;
    sumSquaredLabel += o.sumSquaredLabel;
    return this;
  }

  public long rows() {
    return rows;
  }

  public Task task() {
    return task;
  }

  /**
   * The metrics, by the names {@code evaluation.json} uses ({@code auc}, {@code logLoss}, {@code accuracy}, {@code
   * precision}, {@code recall}, {@code f1}, {@code macroF1}, {@code weightedF1}, {@code rmse}, {@code mae}, {@code r2}),
   * the confusion matrix (rows: label, columns: prediction) and, for binary, the ROC curve.
   */
  public Result result() {
    Map<String, Double> m = new LinkedHashMap<>();
    if (rows == 0) {
      return new Result(task, 0, m, new long[0][], List.of());
    }
    switch (task) {
      case BINARY:
        List<double[]> roc = new ArrayList<>();
        m.put("auc", auc(roc));
        m.put("logLoss", logLoss / rows);
        long tn = confusion[0][0];
        long fp = confusion[0][1];
        long fn = confusion[1][0];
        long tp = confusion[1][1];
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        m.put("accuracy", (double) (tp + tn) / rows);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
        return new Result(task, rows, m, copy(confusion), thin(roc, 200));
      case MULTICLASS:
        long correct = 0;
        double macro = 0;
        double weighted = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
          correct += confusion[c][c];
          long support = Arrays.stream(confusion[c]).sum();
          long predicted = 0;
          for (int r = 0; r < classes; r++) {
            predicted += confusion[r][c];
          }
          if (support == 0 && predicted == 0) {
            continue; // a class neither in the labels nor predicted does not count (as in scikit-learn)
          }
          present++;
          double p = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
          double r = support == 0 ? 0 : (double) confusion[c][c] / support;
          double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
          macro += f1;
          weighted += f1 * support;
        }
        m.put("accuracy", (double) correct / rows);
        m.put("macroF1", macro / present);
        m.put("weightedF1", weighted / rows);
        if (probabilities) {
          m.put("logLoss", logLoss / rows);
        }
        return new Result(task, rows, m, copy(confusion), List.of());
      default:
        double mean = sumLabel / rows;
        double total = sumSquaredLabel - rows * mean * mean;
        m.put("rmse", Math.sqrt(sumSquaredError / rows));
        m.put("mae", sumAbsError / rows);
        m.put("r2", total == 0 ? Double.NaN : 1 - sumSquaredError / total);
        return new Result(task, rows, m, new long[0][], List.of());
    }
  }

  /** The area under the ROC curve, and the curve's points (false positive rate, true positive rate). */
  private double auc(List<double[]> roc) {
    Float[] scores = byScore.keySet().toArray(new Float[0]);
    Arrays.sort(scores);
    long negatives = 0;
    long positives = 0;
    for (long[] c : byScore.values()) {
      negatives += c[0];
      positives += c[1];
    }
    if (negatives == 0 || positives == 0) {
      return Double.NaN; // undefined with one class only
    }
    double u = 0;
    long negativesBelow = 0;
    for (Float s : scores) {
      long[] c = byScore.get(s);
      u += c[1] * (negativesBelow + 0.5 * c[0]);
      negativesBelow += c[0];
    }
    roc.add(new double[] {0, 0});
    long fp = 0;
    long tp = 0;
    for (int i = scores.length - 1; i >= 0; i--) { // thresholds from the highest score down
      long[] c = byScore.get(scores[i]);
      fp += c[0];
      tp += c[1];
      roc.add(new double[] {(double) fp / negatives, (double) tp / positives});
    }
    return u / ((double) positives * negatives);
  }

  private static List<double[]> thin(List<double[]> points, int most) {
    if (points.size() <= most) {
      return points;
    }
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < most; i++) {
      out.add(points.get((int) ((long) i * (points.size() - 1) / (most - 1))));
    }
    return out;
  }

  private static long[][] copy(long[][] a) {
    long[][] out = new long[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  /**
   * The metrics of a split.
   *
   * @param confusionMatrix rows: label, columns: predicted class (empty for regression)
   * @param roc the ROC curve's points (false positive rate, true positive rate), at most 200, for binary
   */
  public record Result(Task task, long rows, Map<String, Double> metrics, long[][] confusionMatrix, List<double[]> roc)
      implements Serializable {}
}
