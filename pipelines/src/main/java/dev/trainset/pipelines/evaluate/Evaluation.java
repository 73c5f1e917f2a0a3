package dev.trainset.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.batch.Jobs;
import dev.trainset.pipelines.batch.Manifest;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.batch.Report;
import dev.trainset.pipelines.batch.ResultFile;
import dev.trainset.pipelines.batch.SliceThreads;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.coders.SummaryCoder;
import dev.trainset.transforms.evaluate.Metrics;
import dev.trainset.transforms.evaluate.ScoreFile;
import dev.trainset.transforms.evaluate.ScorePredictions;
import dev.trainset.transforms.evaluate.Scorer;
import dev.trainset.transforms.evaluate.Task;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code trainset evaluate}: a model scored on one split of a finished training set, and the metrics written to {@code
 * evaluation.json} beside its manifest. The split's labelled Parquet files are scored one file per task (in the
 * launcher's threads, or as a Beam job on the chosen runner), each in batches of rows; only each file's {@link Metrics}
 * leave it.
 */
public final class Evaluation {
  public static final String FILE = "evaluation.json";
  /** The most classes a multiclass evaluation keeps a confusion matrix for. */
  static final int MAX_CLASSES = 1000;
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Evaluation() {}

  /**
   * What to evaluate.
   *
   * @param root the training set's folder, ending with {@code /}
   * @param model where the model came from (recorded, never read here)
   * @param scorerName {@code local} or {@code sagemaker}
   * @param task null: from the label's classes and the model's output
   */
  public record Request(
      String root, Manifest manifest, String manifestSha256, String split, Scorer scorer, String model, String scorerName, Task task,
      double threshold, String version) {}

  /** What was measured, and where it was written. */
  public record Outcome(String file, Task task, int classes, Metrics.Result result) {}

  /**
   * @param options Beam options to score as a job on their runner; null to score in the launcher's threads
   */
  public static Outcome run(Request r, PipelineOptions options) {
    Manifest.Output parquet = labelled(r);
    Manifest m = r.manifest();
    TableSchema schema = m.columns().schema();
    String problem = ScoreFile.problem(schema, r.scorer().features());
    if (problem != null) {
      throw TrainsetException.data(problem);
    }
    int width = r.scorer().predict(nans(schema.size() - 1), 1, schema.size() - 1)[0].length;
    Task task = r.task() != null ? r.task() : task(m, schema, width);
    int classes = classes(m, task, width);
    ScoreFile scoring = new ScoreFile(schema, r.scorer(), task, classes, r.threshold());
    List<String> files = new ArrayList<>();
    parquet.files().forEach(f -> files.add(f.path()));
    Metrics total = options == null ? local(files, scoring, task, classes, r.threshold()) : job(files, scoring, task, classes, r.threshold(), r.root(), options);
    return write(r, task, classes, total.result());
  }

  /**
   * Metrics from predictions made elsewhere: {@code predictions} maps each of the split's {@code features-csv} files to
   * the file of its predictions (a line per row), which is joined with the labelled Parquet file of the same name.
   */
  public static Outcome fromPredictions(Request r, Map<String, String> predictions) {
    Manifest.Output parquet = labelled(r);
    Manifest m = r.manifest();
    TableSchema schema = m.columns().schema();
    Map<String, String> byName = new java.util.HashMap<>();
    predictions.forEach((features, out) -> byName.put(base(features), out));
    List<String[]> pairs = new ArrayList<>();
    for (Manifest.FileEntry f : parquet.files()) {
      String out = byName.get(base(f.path()));
      if (out == null) {
        throw TrainsetException.data(f.path() + " has no features-csv file of the same name, so no predictions to join with");
      }
      pairs.add(new String[] {f.path(), out});
    }
    int width;
    try {
      width = ScorePredictions.width(pairs.get(0)[1]);
    } catch (IOException e) {
      throw TrainsetException.data(pairs.get(0)[1] + ": cannot read the predictions (" + e.getMessage() + ")");
    }
    Task task = r.task() != null ? r.task() : task(m, schema, width);
    int classes = classes(m, task, width);
    ScorePredictions join = new ScorePredictions(schema, task, classes, r.threshold());
    List<FileSlice> slices = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      slices.add(FileSlice.whole(i, pairs.get(i)[0]));
    }
    Metrics total = new Metrics(task, classes, r.threshold());
    for (Metrics part : SliceThreads.run(slices, "trainset-scorer", "reading the predictions", s -> {
          String out = pairs.get(s.index())[1];
          try {
            return join.score(s.path(), out);
          } catch (ScoreFile.Unscorable e) {
            throw TrainsetException.data(e.getMessage());
          } catch (IOException e) {
            throw TrainsetException.data(out + ": cannot read the predictions (" + e.getMessage() + ")");
          }
        })) {
      total.merge(part);
    }
    return write(r, task, classes, total.result());
  }

  private static String base(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  private static int classes(Manifest m, Task task, int width) {
    int classes = task == Task.BINARY ? 2 : task == Task.MULTICLASS ? Math.max(width, classCount(m)) : 0;
    if (classes > MAX_CLASSES) {
      throw TrainsetException.data(
          "the label has " + classes + " classes, more than the " + MAX_CLASSES + " a confusion matrix is kept for; a number to predict is --task regression");
    }
    return classes;
  }

  /** The checks every scorer needs; the split's labelled Parquet output. */
  private static Manifest.Output labelled(Request r) {
    Manifest m = r.manifest();
    if (m.columns().label() == null) {
      throw TrainsetException.data("the training set has no label (label.column was not set): there is nothing to evaluate against");
    }
    if (m.splits() == null || !m.splits().containsKey(r.split())) {
      throw TrainsetException.config("--split", "'" + r.split() + "' is not a split of this training set (it has: " + String.join(", ", m.splitNames()) + ")");
    }
    Manifest.Output parquet = m.output(r.split(), OutputFormat.PARQUET.configName());
    if (parquet == null) {
      throw TrainsetException.data(
          "split '" + r.split() + "' has no Parquet files, whose labels the evaluation reads (output.formats must include parquet)");
    }
    if (parquet.rows() == 0 || parquet.files().isEmpty()) {
      throw TrainsetException.data("split '" + r.split() + "' has no rows: there is nothing to score");
    }
    return parquet;
  }

  private static Outcome write(Request r, Task task, int classes, Metrics.Result result) {
    Manifest m = r.manifest();
    OutputDir dir = OutputDir.of(r.root());
    dir.write(FILE, json(r, task, classes, result), "application/json");
    if (dir.exists(BatchIngest.STATS_FILE)) {
      try {
        JsonNode stats = MAPPER.readTree(dir.read(BatchIngest.STATS_FILE));
        dir.write(BatchIngest.REPORT_FILE, Report.html(m, stats, EvaluationReport.section(r, task, classes, result)), "text/html");
      } catch (IOException e) {
        throw TrainsetException.data(dir.path(BatchIngest.STATS_FILE) + ": cannot read it to redraw the report (" + e.getMessage() + ")");
      }
    }
    return new Outcome(dir.path(FILE), task, classes, result);
  }

  private static float[] nans(int n) {
    float[] a = new float[Math.max(1, n)];
    Arrays.fill(a, Float.NaN);
    return a;
  }

  /**
   * The task, when not given: regression for a label of doubles or without classes; else binary for classes 0 and 1
   * and a model that gives one value, multiclass otherwise.
   */
  static Task task(Manifest m, TableSchema schema, int width) {
    if (width > 1) {
      return Task.MULTICLASS;
    }
    ColumnType label = schema.column(0).type();
    if (label == ColumnType.BOOLEAN) {
      return Task.BINARY;
    }
    int classes = classCount(m);
    if (label == ColumnType.DOUBLE || classes == 0) {
      return Task.REGRESSION;
    }
    if (classes <= 2) {
      return Task.BINARY;
    }
    throw TrainsetException.config(
        "--task", "the label has " + classes + " integer values and the model gives one value per row: say --task multiclass (a"
            + " multi:softmax model's class) or --task regression (a number)");
  }

  /** The number of classes the label has in the whole training set (its largest class + 1), or 0 when not classes. */
  static int classCount(Manifest m) {
    TreeSet<Long> seen = new TreeSet<>();
    for (Manifest.SplitInfo s : m.splits().values()) {
      if (s.classCounts() == null) {
        continue;
      }
      for (String k : s.classCounts().keySet()) {
        try {
          seen.add(Long.parseLong(k));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    if (seen.isEmpty() || seen.first() < 0 || seen.last() > 10_000) {
      return 0;
    }
    return (int) (seen.last() + 1);
  }

  private static Metrics local(List<String> files, ScoreFile scoring, Task task, int classes, double threshold) {
    List<FileSlice> slices = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      slices.add(FileSlice.whole(i, files.get(i)));
    }
    Metrics total = new Metrics(task, classes, threshold);
    for (Metrics part : SliceThreads.run(slices, "trainset-scorer", "scoring", s -> scoreOrFail(scoring, s.path()))) {
      total.merge(part);
    }
    return total;
  }

  static Metrics scoreOrFail(ScoreFile scoring, String path) {
    try {
      return scoring.score(path);
    } catch (ScoreFile.Unscorable e) {
      throw TrainsetException.data(e.getMessage());
    } catch (IOException e) {
      throw TrainsetException.data(path + ": cannot read it (" + e.getMessage() + ")");
    }
  }

  private static Metrics job(
      List<String> files, ScoreFile scoring, Task task, int classes, double threshold, String root, PipelineOptions options) {
    String resultPath = OutputDir.of(root).path(OutputDir.WORK + "evaluation-result.b64");
    Pipeline p = Pipeline.create(options);
    PCollection<Metrics> parts =
        p.apply("Files", Create.of(files).withCoder(StringUtf8Coder.of())).apply("Score", ParDo.of(new ScoreFn(scoring))).setCoder(SummaryCoder.of(Metrics.class));
    parts
        .apply("Merge", Combine.globally(new MergeFn(task, classes, threshold)))
        .setCoder(SummaryCoder.of(Metrics.class))
        .apply("WriteResult", ResultFile.to(Metrics.class, resultPath));
    Jobs.runToCompletion(p, "evaluation");
    try {
      return ResultFile.read(Metrics.class, OutputDir.of(root).read(OutputDir.WORK + "evaluation-result.b64"));
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot read the evaluation job's result: " + e.getMessage(), e);
    }
  }

  static final class ScoreFn extends DoFn<String, Metrics> {
    private final ScoreFile scoring;

    ScoreFn(ScoreFile scoring) {
      this.scoring = scoring;
    }

    @ProcessElement
    public void process(@Element String path, OutputReceiver<Metrics> out) {
      out.output(scoreOrFail(scoring, path));
    }
  }

  static final class MergeFn extends Combine.CombineFn<Metrics, Metrics, Metrics> {
    private final Task task;
    private final int classes;
    private final double threshold;

    MergeFn(Task task, int classes, double threshold) {
      this.task = task;
      this.classes = classes;
      this.threshold = threshold;
    }

    @Override
    public Metrics createAccumulator() {
      return new Metrics(task, classes, threshold);
    }

    @Override
    public Metrics addInput(Metrics acc, Metrics in) {
      return acc.merge(in);
    }

    @Override
    public Metrics mergeAccumulators(Iterable<Metrics> accs) {
      Metrics out = createAccumulator();
      accs.forEach(out::merge);
      return out;
    }

    @Override
    public Metrics extractOutput(Metrics acc) {
      return acc;
    }

    @Override
    public Coder<Metrics> getAccumulatorCoder(CoderRegistry r, Coder<Metrics> in) {
      return SummaryCoder.of(Metrics.class);
    }
  }

  private static String json(Request r, Task task, int classes, Metrics.Result result) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("task", task.configName());
    o.put("model", r.model());
    o.put("scorer", r.scorerName());
    o.put("split", r.split());
    o.put("rows", result.rows());
    if (task == Task.BINARY) {
      o.put("threshold", r.threshold());
    }
    ObjectNode metrics = o.putObject("metrics");
    for (Map.Entry<String, Double> e : result.metrics().entrySet()) {
      if (Double.isFinite(e.getValue())) {
        metrics.put(e.getKey(), e.getValue());
      } else {
        metrics.putNull(e.getKey()); // e.g. the AUC of a split with one class only
      }
    }
    if (task != Task.REGRESSION) {
      ArrayNode labels = o.putArray("classes");
      for (int c = 0; c < classes; c++) {
        labels.add(c);
      }
      ArrayNode cm = o.putArray("confusionMatrix");
      for (long[] row : result.confusionMatrix()) {
        ArrayNode a = cm.addArray();
        for (long v : row) {
          a.add(v);
        }
      }
    }
    if (!result.roc().isEmpty()) {
      ArrayNode roc = o.putArray("roc");
      for (double[] pt : result.roc()) {
        roc.addArray().add(pt[0]).add(pt[1]);
      }
    }
    o.put("manifest", r.root() + OutputDir.MANIFEST);
    o.put("manifestSha256", r.manifestSha256());
    o.put("runId", r.manifest().runId());
    o.put("evaluatedAt", Instant.now().toString());
    o.put("version", r.version());
    try {
      return MAPPER.writeValueAsString(o) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
