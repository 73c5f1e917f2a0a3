package dev.trainset.pipelines.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no script, no network) a person opens to check a
 * training set: counts read / written / rejected, class distribution per split as bars, the apportionment, the
 * leakage check, the top rejection reasons, and per split a summary and histogram of every column. Built from the
 * manifest and {@code stats.json} only.
 */
public final class Report {
  private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"};

  private Report() {}

  static String html(Manifest manifest, JsonNode stats) {
    return html(manifest, stats, "");
  }

  /** The report with {@code section} (HTML, e.g. a model's evaluation) after the training set's own parts. */
  public static String html(Manifest manifest, JsonNode stats, String section) {
    StringBuilder h = new StringBuilder(32_768);
    String runId = manifest.runId();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>trainset report ").append(esc(runId)).append("</title>")
        .append("<style>")
        .append("body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}")
        .append("h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px}")
        .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}")
        .append("th{background:#f4f4f4}td.l,th.l{text-align:left}.ok{color:#2a7a2a}.bad{color:#b00020}")
        .append(".cols{display:flex;flex-wrap:wrap;gap:12px}.muted{color:#666}code{background:#f4f4f4;padding:0 3px}")
        .append("</style></head><body>\n");
    h.append("<h1>trainset report</h1>\n<p>Run <code>").append(esc(runId)).append("</code>, status <b class=\"")
        .append(manifest.status().equals("succeeded") ? "ok" : "bad").append("\">")
        .append(esc(manifest.status())).append("</b>, created ").append(esc(manifest.createdAt()))
        .append(", ").append(esc(manifest.runner())).append(", ")
        .append(String.format(Locale.ROOT, "%.1f", manifest.durationSeconds())).append(" s.</p>\n");
    h.append("<p class=\"muted\">Inputs: ");
    List<String> inputs = new ArrayList<>();
    manifest.inputs().forEach(i -> inputs.add(esc(i.path())));
    h.append(String.join(", ", inputs)).append("</p>\n");

    // Counts
    Manifest.Counts c = manifest.counts();
    long read = c.read();
    long written = c.written();
    long rejected = c.rejected();
    boolean deduped = c.duplicatesRemoved() != null;
    long dup = deduped ? c.duplicatesRemoved() : 0;
    h.append("<h2>Records</h2>\n<table><tr><th class=\"l\">read</th><th class=\"l\">written</th><th class=\"l\">rejected</th>");
    if (deduped) {
      h.append("<th class=\"l\">duplicates removed</th>");
    }
    h.append("</tr><tr><td>").append(fmt(read)).append("</td><td>").append(fmt(written)).append("</td><td>")
        .append(fmt(rejected)).append("</td>");
    if (deduped) {
      h.append("<td>").append(fmt(dup)).append("</td>");
    }
    boolean reconciles = read == written + rejected + dup;
    h.append("</tr></table>\n<p class=\"").append(reconciles ? "ok" : "bad").append("\">")
        .append(reconciles ? "Counts reconcile: read = written + rejected" + (deduped ? " + duplicates removed" : "") + "." : "Counts do not reconcile.")
        .append("</p>\n");

    // Splits and classes
    Map<String, Manifest.SplitInfo> splits = manifest.splits();
    h.append("<h2>Splits</h2>\n");
    TreeSet<String> classes = new TreeSet<>();
    splits.values().forEach(sp -> classes.addAll(sp.classCounts().keySet()));
    h.append("<table><tr><th class=\"l\">split</th><th>rows</th>");
    for (String cls : classes) {
      h.append("<th>class ").append(esc(cls)).append("</th>");
    }
    h.append("<th class=\"l\">files</th></tr>\n");
    for (Map.Entry<String, Manifest.SplitInfo> e : splits.entrySet()) {
      h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td>").append(fmt(e.getValue().rows())).append("</td>");
      for (String cls : classes) {
        h.append("<td>").append(fmt(e.getValue().classCounts().getOrDefault(cls, 0L))).append("</td>");
      }
      List<String> outs = new ArrayList<>();
      e.getValue().outputs().forEach(o -> outs.add(esc(o.format()) + " (" + o.files().size() + ")"));
      h.append("<td class=\"l\">").append(String.join(", ", outs)).append("</td></tr>\n");
    }
    h.append("</table>\n");
    if (!classes.isEmpty()) {
      h.append(classBars(splits, classes));
    }
    Manifest.Split split = manifest.split();
    if (split != null) {
      h.append("<p>Method <b>").append(esc(split.method())).append("</b>, seed <code>")
          .append(split.seed()).append("</code>, fractions ");
      List<String> fr = new ArrayList<>();
      split.fractions().forEach((name, f) -> fr.add(esc(name) + " " + f.toPlainString()));
      h.append(String.join(", ", fr));
      if (split.groupBy() != null) {
        h.append(", rows grouped by <code>").append(esc(split.groupBy())).append("</code>");
      }
      h.append(".</p>\n");
      Manifest.Leakage leak = manifest.leakage();
      long vectors = leak.featureVectorsInSeveralSplits();
      h.append("<p class=\"").append(vectors == 0 ? "ok" : "bad").append("\">Leakage check: ").append(fmt(vectors))
          .append(" identical feature vectors (").append(fmt(leak.rows()))
          .append(" rows) appear in more than one split.")
          .append(vectors == 0 ? "" : " Set <code>split.dedupe: true</code> to remove identical rows before splitting.")
          .append("</p>\n");
    }

    // Rejections
    h.append("<h2>Rejected records</h2>\n");
    JsonNode reasons = stats.path("rejectionReasons");
    if (reasons.size() == 0) {
      h.append("<p class=\"ok\">None.</p>\n");
    } else {
      h.append("<table><tr><th>count</th><th class=\"l\">reason</th><th class=\"l\">example</th></tr>\n");
      for (JsonNode r : reasons) {
        h.append("<tr><td>").append(fmt(r.path("count").asLong())).append("</td><td class=\"l\">").append(esc(r.path("reason").asText()))
            .append("</td><td class=\"l\">").append(esc(r.path("example").asText())).append("</td></tr>\n");
      }
      h.append("</table>\n<p class=\"muted\">Every rejected record, with its source and position, is in <code>rejected/</code>.</p>\n");
    }

    // Columns
    h.append("<h2>Columns</h2>\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = stats.path("splits").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      h.append("<h3>").append(esc(e.getKey())).append(" (").append(fmt(e.getValue().path("rows").asLong())).append(" rows)</h3>\n");
      h.append("<table><tr><th class=\"l\">column</th><th class=\"l\">type</th><th>count</th><th>nulls</th><th>min</th><th>max</th>")
          .append("<th>mean</th><th>stddev</th><th class=\"l\">top values</th></tr>\n");
      for (JsonNode col : e.getValue().path("columns")) {
        h.append("<tr><td class=\"l\">").append(esc(col.path("name").asText())).append("</td><td class=\"l\">")
            .append(esc(col.path("type").asText())).append("</td><td>").append(fmt(col.path("count").asLong()))
            .append("</td><td>").append(fmt(col.path("nulls").asLong())).append("</td><td>").append(num(col.path("min")))
            .append("</td><td>").append(num(col.path("max"))).append("</td><td>").append(num(col.path("mean")))
            .append("</td><td>").append(num(col.path("stddev"))).append("</td><td class=\"l\">");
        List<String> top = new ArrayList<>();
        col.path("topValues").forEach(t -> top.add(esc(t.path("value").asText()) + " (" + fmt(t.path("count").asLong()) + ")"));
        h.append(String.join(", ", top.subList(0, Math.min(5, top.size())))).append("</td></tr>\n");
      }
      h.append("</table>\n<div class=\"cols\">\n");
      for (JsonNode col : e.getValue().path("columns")) {
        if (col.has("histogram")) {
          h.append(histogram(col.path("name").asText(), col.path("histogram"), col.path("count").asLong()));
        }
      }
      h.append("</div>\n");
    }
    h.append(section);
    h.append("<p class=\"muted\">Written by trainset ").append(esc(manifest.version()))
        .append(". Machine-readable: <code>manifest.json</code>, <code>stats.json</code>.</p>\n</body></html>\n");
    return h.toString();
  }

  /** One horizontal stacked bar per split, a segment per class, with a legend. */
  private static String classBars(Map<String, Manifest.SplitInfo> splits, TreeSet<String> classes) {
    int rowH = 26;
    int labelW = 110;
    int barW = 640;
    int n = splits.size();
    int height = n * rowH + 40;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(labelW + barW + 120).append("\" height=\"").append(height)
        .append("\" role=\"img\" aria-label=\"class distribution per split\">");
    int y = 0;
    for (Map.Entry<String, Manifest.SplitInfo> e : splits.entrySet()) {
      long rows = Math.max(1, e.getValue().rows());
      s.append("<text x=\"0\" y=\"").append(y + 17).append("\" font-size=\"13\">").append(esc(e.getKey())).append("</text>");
      double x = labelW;
      int k = 0;
      for (String cls : classes) {
        long v = e.getValue().classCounts().getOrDefault(cls, 0L);
        double w = barW * (double) v / rows;
        s.append("<rect x=\"").append(f1(x)).append("\" y=\"").append(y + 4).append("\" width=\"").append(f1(w))
            .append("\" height=\"").append(rowH - 8).append("\" fill=\"").append(PALETTE[k % PALETTE.length])
            .append("\"><title>").append(esc(e.getKey() + ", class " + cls + ": " + v + " rows")).append("</title></rect>");
        x += w;
        k++;
      }
      s.append("<text x=\"").append(labelW + barW + 6).append("\" y=\"").append(y + 17).append("\" font-size=\"12\">")
          .append(fmt(e.getValue().rows())).append("</text>");
      y += rowH;
    }
    int x = 0;
    int k = 0;
    for (String cls : classes) {
      s.append("<rect x=\"").append(x).append("\" y=\"").append(y + 14).append("\" width=\"12\" height=\"12\" fill=\"")
          .append(PALETTE[k % PALETTE.length]).append("\"/><text x=\"").append(x + 16).append("\" y=\"").append(y + 25)
          .append("\" font-size=\"12\">").append(esc(cls)).append("</text>");
      x += 30 + 8 * Math.min(cls.length(), 20);
      k++;
    }
    return s.append("</svg>\n").toString();
  }

  /**
   * A histogram as bars. Bins are merged in aligned groups for small row counts (about √rows bars, 8 to 48), so a
   * 31-row split does not look like noise.
   */
  private static String histogram(String name, JsonNode hist, long rows) {
    int w = 220;
    int hgt = 90;
    int target = (int) Math.max(8, Math.min(48, Math.round(Math.sqrt(rows))));
    JsonNode rawCounts = hist.path("counts");
    JsonNode rawEdges = hist.path("lowerEdges");
    double rawWidth = hist.path("width").asDouble();
    int factor = 1;
    while (rawCounts.size() / factor > target) {
      factor *= 2;
    }
    com.fasterxml.jackson.databind.node.ArrayNode counts = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    com.fasterxml.jackson.databind.node.ArrayNode edges = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    double width = rawWidth * factor;
    for (int i = 0; i < rawCounts.size(); i++) {
      double lo = rawEdges.get(i).asDouble();
      double groupLo = Math.floor(lo / width + 1e-9) * width;
      if (edges.size() == 0 || edges.get(edges.size() - 1).asDouble() != groupLo) {
        edges.add(groupLo);
        counts.add(0L);
      }
      counts.set(counts.size() - 1, counts.get(counts.size() - 1).asLong() + rawCounts.get(i).asLong());
    }
    long max = 1;
    for (JsonNode c : counts) {
      max = Math.max(max, c.asLong());
    }
    int n = Math.max(1, counts.size());
    double bw = (double) w / n;
    StringBuilder s = new StringBuilder();
    s.append("<figure style=\"margin:0\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(hgt + 16)
        .append("\" role=\"img\" aria-label=\"histogram of ").append(esc(name)).append("\">")
        .append("<line x1=\"0\" y1=\"").append(hgt).append("\" x2=\"").append(w).append("\" y2=\"").append(hgt).append("\" stroke=\"#999\"/>");
    for (int i = 0; i < counts.size(); i++) {
      long v = counts.get(i).asLong();
      double bh = (double) hgt * v / max;
      double lo = edges.get(i).asDouble();
      s.append("<rect x=\"").append(f1(i * bw)).append("\" y=\"").append(f1(hgt - bh)).append("\" width=\"").append(f1(Math.max(bw - 1, 0.5)))
          .append("\" height=\"").append(f1(bh)).append("\" fill=\"#4e79a7\"><title>")
          .append(esc("[" + num(lo) + ", " + num(lo + width) + "): " + v)).append("</title></rect>");
    }
    if (edges.size() > 0) {
      s.append("<text x=\"0\" y=\"").append(hgt + 13).append("\" font-size=\"10\">").append(esc(num(edges.get(0).asDouble()))).append("</text>")
          .append("<text x=\"").append(w).append("\" y=\"").append(hgt + 13).append("\" font-size=\"10\" text-anchor=\"end\">")
          .append(esc(num(edges.get(edges.size() - 1).asDouble() + width))).append("</text>");
    }
    return s.append("</svg><figcaption>").append(esc(name)).append("</figcaption></figure>\n").toString();
  }

  private static String num(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return "";
    }
    return n.isNumber() ? num(n.asDouble()) : esc(n.asText());
  }

  private static String num(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) d);
    }
    return String.format(Locale.ROOT, "%.4g", d);
  }

  private static String fmt(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static String f1(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }

  public static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '&':
          b.append("&amp;");
          break;
        case '"':
          b.append("&quot;");
          break;
        case '\'':
          b.append("&#39;");
          break;
        default:
          b.append(ch);
      }
    }
    return b.toString();
  }
}
