package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.RunConfig.SplitMethod;
import dev.trainset.pipelines.config.RunConfig.SplitSettings;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.SlicePlanner;
import dev.trainset.transforms.io.csv.SageMakerCsvWriter;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.slice.Duplicates;
import dev.trainset.transforms.slice.LabelClasses;
import dev.trainset.transforms.slice.SliceSummary;
import dev.trainset.transforms.slice.SplitPlanner;
import dev.trainset.transforms.slice.SummariseSlice;
import dev.trainset.transforms.slice.SummariseSlice.Collect;
import dev.trainset.transforms.split.ExactRowSplit;
import dev.trainset.transforms.split.GroupPlan;
import dev.trainset.transforms.split.GroupSplit;
import dev.trainset.transforms.split.HashSplit;
import dev.trainset.transforms.split.RowSplitter;
import dev.trainset.transforms.split.SplitPlan;
import dev.trainset.transforms.split.Unsplit;
import dev.trainset.transforms.stats.QuantileSketch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Everything decided before a row is written: the slices, the schema, the preparation and how rows are split. A first
 * pass over the input ({@link FirstPass}) learns what must be learnt, as many things at once as it can:
 *
 * <ul>
 *   <li>the schema, when it must be inferred, with whatever the pass collects;
 *   <li>the exact split's histogram of rows ({@code stratified}, {@code random}), or its rows per group and label
 *       ({@code groupBy});
 *   <li>the line numbers of the slices of a cut file, and whether the cuts are safe.
 * </ul>
 *
 * Two features need a pass of their own before that one, because the plan depends on their answer: {@code
 * split.dedupe} (which rows repeat an earlier one) and {@code split.bins} (the label's quantiles). A run whose schema
 * is known and whose split needs no plan, over files read whole, reads its input once.
 */
final class Planning {
  /**
   * @param slices the slices the writing pass reads, with the number of their first line
   * @param rowPlan the exact split of rows, or null
   * @param groupPlan the exact split of groups, or null
   * @param records the records the first pass read (0 when it did not parse the input): the writing pass reads as many
   * @param duplicates per slice, the record numbers of rows dropped as duplicates; null without dedupe
   */
  record Planned(
      SchemaResolver.Resolved schema,
      List<FileSlice> slices,
      Preparation preparation,
      ColumnRoles roles,
      LabelClasses classes,
      RowSplitter splitter,
      SplitPlanner.Planned rowPlan,
      GroupPlan.Planned groupPlan,
      boolean stratified,
      long records,
      Map<Integer, int[]> duplicates) {}

  private Planning() {}

  /** The slices after a pass, or null when a cut turned out unsafe and the pass must be redone. */
  private static final class Passes {
    final RunConfig cfg;
    final FileFormat format;
    final List<Metadata> files;
    final OutputDir out;
    final PipelineOptions options;
    final boolean local;
    final String runId;
    final Progress.Out progress;
    final Set<String> whole = new HashSet<>();
    List<FileSlice> slices;
    boolean numbered;
    SchemaResolver.Resolved schema;
    long records;

    Passes(RunConfig cfg, FileFormat format, List<Metadata> files, OutputDir out, PipelineOptions options, boolean local,
        String runId, Progress.Out progress, SchemaResolver.Resolved known) {
      this.cfg = cfg;
      this.format = format;
      this.files = files;
      this.out = out;
      this.options = options;
      this.local = local;
      this.runId = runId;
      this.progress = progress;
      this.schema = known;
      this.slices = slices(cfg, format, files, whole);
    }

    boolean cut() {
      return slices.size() > files.size();
    }

    /** Runs a pass; on its first run checks the cuts and numbers the slices' lines; infers the schema if asked. */
    List<SliceSummary> run(SummariseSlice.Spec spec) {
      while (true) {
        List<SliceSummary> summaries = firstPass(slices, spec, local, options, out, runId, progress);
        if (!numbered) {
          Set<String> unsafe = unsafeCuts(slices, summaries, format);
          if (!unsafe.isEmpty()) {
            progress.line("a quoted field spans lines at a slice boundary in " + unsafe + "; reading those files whole");
            whole.addAll(unsafe);
            slices = slices(cfg, format, files, whole);
            continue;
          }
          slices = withFirstLines(slices, summaries);
          numbered = true;
        }
        if (spec.infer()) {
          SchemaAccumulator acc = new SchemaAccumulator();
          summaries.forEach(s -> acc.merge(s.schema()));
          if (acc.toSchema(false).size() == 0) {
            noColumns(summaries);
          }
          schema = SchemaResolver.inferred(cfg, format, files, out, acc);
        }
        records = 0;
        summaries.forEach(s -> records += s.records());
        return summaries;
      }
    }
  }

  /** No columns were found: when a slice could not be read, that is why. */
  private static void noColumns(List<SliceSummary> summaries) {
    for (SliceSummary s : summaries) {
      if (s.unreadable() != null) {
        throw TrainsetException.data("no columns found: " + s.unreadable());
      }
    }
  }

  static Planned plan(
      RunConfig cfg, FileFormat format, List<Metadata> files, OutputDir out, PipelineOptions options, boolean local,
      String runId, Progress.Out progress) {
    SplitSettings split = cfg.split();
    boolean exact = split.method() == SplitMethod.STRATIFIED || split.method() == SplitMethod.RANDOM;
    boolean stratified = split.method() == SplitMethod.STRATIFIED;
    boolean groups = exact && split.groupBy() != null;
    ColumnRoles roles = new ColumnRoles(cfg.prepare(), cfg.schema().columns(), split.groupBy());
    Passes p = new Passes(cfg, format, files, out, options, local, runId, progress, SchemaResolver.known(cfg, format, files, out));
    boolean labelTokens = stratified || !cfg.prepare().labelMap().isEmpty();

    Map<Integer, int[]> duplicates = null;
    if (split.dedupe()) {
      List<SliceSummary> keys = p.run(spec(p, Collect.CONTENT_KEYS, roles, null, false, split, null));
      duplicates = Duplicates.find(keys);
    }
    LabelClasses binned = null;
    if (split.bins() > 0) {
      List<SliceSummary> labels = p.run(spec(p, Collect.SKETCH, roles, null, false, split, duplicates));
      Preparation prep = preparation(cfg, p.schema);
      ColumnType t = prep.output().column(0).type();
      if (t != ColumnType.LONG && t != ColumnType.DOUBLE) {
        throw TrainsetException.config("split.bins", "needs a numeric label; '" + prep.output().column(0).name() + "' is " + t.configName());
      }
      QuantileSketch sketch = new QuantileSketch();
      labels.forEach(s -> sketch.merge(s.sketch()));
      binned = new LabelClasses(prep, stratified, sketch.edges(split.bins()), sketch.bits());
    }
    SplitPlanner.Planned rowPlan = null;
    GroupPlan.Planned groupPlan = null;
    if (exact) {
      boolean untyped = p.schema == null;
      LabelClasses typedClasses =
          binned != null ? binned : untyped ? null : new LabelClasses(preparation(cfg, p.schema), stratified);
      List<SliceSummary> summaries =
          p.run(spec(p, groups ? Collect.GROUPS : Collect.HISTOGRAM, roles, typedClasses, labelTokens, split, duplicates));
      Preparation prep = preparation(cfg, p.schema);
      LabelClasses classes = binned != null ? binned : prep.hasLabel() ? new LabelClasses(prep, stratified) : null;
      try {
        if (groups) {
          groupPlan =
              GroupPlan.of(
                  groupCounts(summaries, classes, untyped && labelTokens), split.names(), split.fractions(), split.seed(),
                  split.allowEmptySplitClasses(), stratified);
        } else {
          rowPlan =
              SplitPlanner.plan(
                  summaries, classes, untyped && labelTokens, split.names(), split.fractions(), split.seed(),
                  split.allowEmptySplitClasses(), "row");
        }
      } catch (SplitPlan.TooFewUnits e) {
        throw TrainsetException.data(e.getMessage());
      }
    } else if (p.schema == null || p.cut() || split.dedupe()) {
      if (!p.numbered || p.schema == null) {
        p.run(spec(p, Collect.NOTHING, roles, null, false, split, duplicates));
      }
    }
    return finish(cfg, p, roles, stratified, binned, rowPlan, groupPlan, duplicates);
  }

  /** A pass's spec: typed when the schema is known, else inferring it (and collecting untyped). */
  private static SummariseSlice.Spec spec(
      Passes p, Collect collect, ColumnRoles roles, LabelClasses classes, boolean labelTokens, SplitSettings split,
      Map<Integer, int[]> duplicates) {
    Preparation prep = p.schema == null ? null : preparation(p.cfg, p.schema);
    LabelClasses typed = prep == null ? null : classes != null ? classes : new LabelClasses(prep, split.method() == SplitMethod.STRATIFIED);
    return new SummariseSlice.Spec(
        p.format, p.schema == null, collect, p.schema == null ? null : p.schema.schema(), prep, roles, typed, labelTokens, split.seed(),
        duplicates);
  }

  /** Rows per group and class, over all slices (label values resolved to classes; rows turned away left out). */
  private static Map<String, Map<String, Long>> groupCounts(List<SliceSummary> summaries, LabelClasses classes, boolean tokens) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    LabelClasses resolver = classes == null ? null : classes.forSlice();
    for (SliceSummary s : summaries) {
      for (Map.Entry<String, Map<Object, long[]>> g : s.groups().entrySet()) {
        Map<String, Long> counts = out.computeIfAbsent(g.getKey(), k -> new HashMap<>());
        for (Map.Entry<Object, long[]> c : g.getValue().entrySet()) {
          String cls;
          if (s.keysAreClasses() || resolver == null || (!tokens && LabelClasses.ALL.equals(c.getKey()))) {
            cls = (String) c.getKey();
          } else {
            LabelClasses.Entry e = resolver.ofToken(c.getKey());
            if (e.rejected() != null) {
              continue;
            }
            cls = e.splitClass();
          }
          counts.merge(cls, c.getValue()[0], Long::sum);
        }
      }
    }
    return out;
  }

  private static Planned finish(
      RunConfig cfg, Passes p, ColumnRoles roles, boolean stratified, LabelClasses binned, SplitPlanner.Planned rowPlan,
      GroupPlan.Planned groupPlan, Map<Integer, int[]> duplicates) {
    if (p.schema == null) {
      throw new IllegalStateException("no schema after the first pass");
    }
    Preparation prep = preparation(cfg, p.schema);
    SplitSettings s = cfg.split();
    RowSplitter splitter;
    if (s.method() == SplitMethod.NONE) {
      splitter = new Unsplit(SplitSettings.UNSPLIT);
    } else if (s.method() == SplitMethod.HASH) {
      String key = s.key() != null ? s.key() : s.groupBy();
      if (key != null && prep.output().indexOf(key) < 0) {
        throw TrainsetException.config(
            s.key() != null ? "split.key" : "split.groupBy", "no column '" + key + "' among the output columns " + prep.output().names());
      }
      splitter = new HashSplit(s.names(), s.fractions(), s.seed(), key);
    } else if (groupPlan != null) {
      splitter = new GroupSplit(s.names(), groupPlan.groupSplit());
    } else {
      splitter = new ExactRowSplit(rowPlan.plan(), rowPlan.offsets());
    }
    if (s.groupBy() != null && prep.output().indexOf(s.groupBy()) < 0) {
      throw TrainsetException.config("split.groupBy", "no column '" + s.groupBy() + "' among the output columns " + prep.output().names());
    }
    LabelClasses classes = binned != null ? binned : new LabelClasses(prep, stratified);
    return new Planned(p.schema, p.slices, prep, roles, classes, splitter, rowPlan, groupPlan, stratified, p.records, duplicates);
  }

  /** The schema alone: known, or inferred by a first pass that does nothing else. */
  static SchemaResolver.Resolved schema(
      RunConfig cfg, FileFormat format, List<Metadata> files, OutputDir out, PipelineOptions options, boolean local,
      String runId, Progress.Out progress) {
    SchemaResolver.Resolved known = SchemaResolver.known(cfg, format, files, out);
    if (known != null) {
      return known;
    }
    Passes p = new Passes(cfg, format, files, out, options, local, runId, progress, null);
    p.run(new SummariseSlice.Spec(format, true, Collect.NOTHING, null, null, null, null, false, cfg.split().seed(), null));
    return p.schema;
  }

  private static List<FileSlice> slices(RunConfig cfg, FileFormat format, List<Metadata> files, Set<String> whole) {
    List<FileSlice> out = new ArrayList<>();
    for (Metadata f : files) {
      boolean cuttable = format.lineRecords() && !whole.contains(f.resourceId().toString());
      for (FileSlice s : SlicePlanner.plan(List.of(f), cuttable, cfg.input().sliceBytes())) {
        out.add(new FileSlice(out.size(), s.path(), s.start(), s.end(), s.firstLine()));
      }
    }
    return out;
  }

  /**
   * The summaries of a pass, one per slice in slice order. When the pass only counts lines (the schema is known and
   * nothing is collected), files read whole are left out: nothing is learnt from them.
   */
  private static List<SliceSummary> firstPass(
      List<FileSlice> slices, SummariseSlice.Spec spec, boolean local, PipelineOptions options, OutputDir out, String runId,
      Progress.Out progress) {
    if (spec.infer() || spec.collect() != Collect.NOTHING) {
      return FirstPass.run(slices, spec, local, options, out, runId, progress);
    }
    List<FileSlice> cut = new ArrayList<>();
    for (FileSlice s : slices) {
      if (!s.isWhole()) {
        cut.add(s);
      }
    }
    SliceSummary[] all = new SliceSummary[slices.size()];
    if (!cut.isEmpty()) {
      for (SliceSummary s : FirstPass.run(cut, spec, local, options, out, runId, progress)) {
        all[s.slice()] = s;
      }
    }
    for (int i = 0; i < all.length; i++) {
      if (all[i] == null) {
        all[i] = SliceSummary.empty(i);
      }
    }
    return List.of(all);
  }

  /**
   * Files where a slice starts inside a quoted field: the quote bytes before some cut do not pair up (a quote inside
   * an unquoted value also counts, which at worst reads a safe file whole).
   */
  private static Set<String> unsafeCuts(List<FileSlice> slices, List<SliceSummary> summaries, FileFormat format) {
    Set<String> out = new HashSet<>();
    if (format.quoteByte() < 0) {
      return out;
    }
    long quotes = 0;
    String file = null;
    for (int i = 0; i < slices.size(); i++) {
      FileSlice s = slices.get(i);
      if (!s.path().equals(file)) {
        file = s.path();
        quotes = 0;
      } else if (quotes % 2 != 0) {
        out.add(s.path());
      }
      quotes += summaries.get(i).quotes();
    }
    return out;
  }

  /** The slices with the number of their first line, from the line breaks in the slices before them. */
  private static List<FileSlice> withFirstLines(List<FileSlice> slices, List<SliceSummary> summaries) {
    List<FileSlice> out = new ArrayList<>();
    long line = 1;
    String file = null;
    for (int i = 0; i < slices.size(); i++) {
      FileSlice s = slices.get(i);
      if (!s.path().equals(file)) {
        file = s.path();
        line = 1;
      }
      out.add(s.withFirstLine(line));
      line += summaries.get(i).lineBreaks();
    }
    return out;
  }

  /** The preparation for the resolved schema; a setting that does not fit the data is a configuration error. */
  static Preparation preparation(RunConfig cfg, SchemaResolver.Resolved schema) {
    Preparation prep;
    try {
      prep = Preparation.of(schema.schema(), cfg.prepare());
    } catch (Preparation.InvalidSetting e) {
      throw TrainsetException.config(e.key(), e.problem());
    }
    if (cfg.output().formats().contains(OutputFormat.SAGEMAKER_CSV)) {
      List<String> problems = SageMakerCsvWriter.problems(prep.output(), prep.hasLabel());
      if (!problems.isEmpty()) {
        throw TrainsetException.config("output.formats", problems.get(0));
      }
    }
    if (cfg.output().formats().contains(OutputFormat.FEATURES_CSV)) {
      List<String> problems = SageMakerCsvWriter.featureProblems(prep.output(), prep.hasLabel());
      if (!problems.isEmpty()) {
        throw TrainsetException.config("output.formats", problems.get(0));
      }
    }
    return prep;
  }
}
