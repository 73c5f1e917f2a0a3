package dev.trainset.pipelines.evaluate;

import static dev.trainset.pipelines.batch.Report.esc;

import dev.trainset.transforms.evaluate.Metrics;
import dev.trainset.transforms.evaluate.Task;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation's part of {@code report.html}: the metrics, the confusion matrix (cells shaded by their share of the
 * label's rows) and, for a binary model, the ROC curve, as inline SVG like the rest of the report.
 */
final class EvaluationReport {
  private EvaluationReport() {}

  static String section(Evaluation.Request r, Task task, int classes, Metrics.Result result) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<h2>Evaluation</h2>\n<p>Model <code>").append(esc(r.model())).append("</code> (")
        .append(esc(task.configName())).append(", scored ").append(esc(r.scorerName())).append(") on the <b>")
        .append(esc(r.split())).append("</b> split: ").append(String.format(Locale.ROOT, "%,d", result.rows())).append(" rows")
        .append(task == Task.BINARY ? String.format(Locale.ROOT, ", class 1 from p &ge; %s", r.threshold()) : "").append(".</p>\n");
    h.append("<table><tr><th class=\"l\">metric</th><th>value</th></tr>\n");
    for (Map.Entry<String, Double> e : result.metrics().entrySet()) {
      h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td>")
          .append(Double.isFinite(e.getValue()) ? String.format(Locale.ROOT, "%.4f", e.getValue()) : "n/a").append("</td></tr>\n");
    }
    h.append("</table>\n<div class=\"cols\">\n");
    if (result.confusionMatrix().length > 0) {
      h.append(confusion(result.confusionMatrix()));
    }
    if (!result.roc().isEmpty()) {
      h.append(roc(result, result.metrics().get("auc")));
    }
    return h.append("</div>\n<p class=\"muted\">Machine-readable: <code>evaluation.json</code>.</p>\n").toString();
  }

  private static String confusion(long[][] m) {
    StringBuilder h = new StringBuilder("<figure style=\"margin:0\"><table><tr><th class=\"l\">label \\ predicted</th>");
    for (int j = 0; j < m.length; j++) {
      h.append("<th>").append(j).append("</th>");
    }
    h.append("</tr>\n");
    for (int i = 0; i < m.length; i++) {
      long row = 0;
      for (long v : m[i]) {
        row += v;
      }
      h.append("<tr><th class=\"l\">").append(i).append("</th>");
      for (int j = 0; j < m.length; j++) {
        double share = row == 0 ? 0 : (double) m[i][j] / row;
        String colour = i == j ? "89,161,79" : "225,87,89";
        h.append(String.format(Locale.ROOT, "<td style=\"background:rgba(%s,%.2f)\">%,d</td>", colour, share * 0.8, m[i][j]));
      }
      h.append("</tr>\n");
    }
    return h.append("</table><figcaption>confusion matrix (rows: label)</figcaption></figure>\n").toString();
  }

  private static String roc(Metrics.Result result, Double auc) {
    int size = 240;
    int pad = 30;
    StringBuilder h = new StringBuilder();
    h.append("<figure style=\"margin:0\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(size + pad + 10)
        .append("\" height=\"").append(size + pad + 10).append("\" role=\"img\" aria-label=\"ROC curve\">");
    h.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"10\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#bbb\"/>", pad, size, size));
    h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"10\" stroke=\"#ccc\" stroke-dasharray=\"4 3\"/>", pad, size + 10, pad + size));
    h.append("<polyline fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\" points=\"");
    for (double[] pt : result.roc()) {
      h.append(String.format(Locale.ROOT, "%.1f,%.1f ", pad + pt[0] * size, 10 + (1 - pt[1]) * size));
    }
    h.append("\"/>");
    h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">false positive rate</text>", pad + 60, size + 34));
    h.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\">true positive rate</text>", 10 + size / 2 + 40, 10 + size / 2 + 40));
    h.append("</svg><figcaption>ROC curve")
        .append(auc != null && Double.isFinite(auc) ? String.format(Locale.ROOT, ", AUC %.4f", auc) : "").append("</figcaption></figure>\n");
    return h.toString();
  }
}
