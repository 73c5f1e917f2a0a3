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
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.slice.LabelClasses;
import dev.trainset.transforms.slice.SliceSummary;
import dev.trainset.transforms.slice.SplitPlanner;
import dev.trainset.transforms.slice.SummariseSlice;
import dev.trainset.transforms.split.ExactRowSplit;
import dev.trainset.transforms.split.HashSplit;
import dev.trainset.transforms.split.RowSplitter;
import dev.trainset.transforms.split.SplitPlan;
import dev.trainset.transforms.split.Unsplit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Everything decided before a row is written: the slices, the schema, the preparation and how rows are split. One
 * first pass over the input ({@link FirstPass}) serves every need at once: the schema when it must be inferred, the
 * exact split's histogram, and the line numbers of the slices of a cut file. A run whose schema is known and whose
 * split needs no plan, over files read whole, reads its input once.
 */
final class Planning {
  /**
   * @param slices the slices the writing pass reads, with the number of their first line
   * @param exact the exact split's plan, or null for other methods
   * @param records the records the first pass read (0 when it did not parse the input): the writing pass reads as many
   */
  record Planned(
      SchemaResolver.Resolved schema,
      List<FileSlice> slices,
      Preparation preparation,
      ColumnRoles roles,
      LabelClasses classes,
      RowSplitter splitter,
      SplitPlanner.Planned exact,
      boolean stratified,
      long records) {}

  private Planning() {}

  static Planned plan(
      RunConfig cfg, FileFormat format, List<Metadata> files, OutputDir out, PipelineOptions options, boolean local,
      String runId, Consumer<String> progress) {
    SplitSettings split = cfg.split();
    if (split.groupBy() != null || split.dedupe() || split.bins() > 0) {
      throw TrainsetException.config(
          split.groupBy() != null ? "split.groupBy" : split.dedupe() ? "split.dedupe" : "split.bins",
          "is not available in this build of the fast data path yet");
    }
    boolean exact = split.method() == SplitMethod.STRATIFIED || split.method() == SplitMethod.RANDOM;
    boolean stratified = split.method() == SplitMethod.STRATIFIED;
    SchemaResolver.Resolved known = SchemaResolver.known(cfg, format, files, out);
    ColumnRoles roles = new ColumnRoles(cfg.prepare(), cfg.schema().columns());
    Set<String> whole = new HashSet<>();
    while (true) {
      List<FileSlice> slices = slices(cfg, format, files, whole);
      boolean cut = slices.size() > files.size();
      if (known != null && !exact && !cut) {
        return finish(cfg, known, slices, roles, stratified, null, 0);
      }
      Preparation typedPrep = known == null ? null : preparation(cfg, known);
      LabelClasses typedClasses = typedPrep == null ? null : new LabelClasses(typedPrep, stratified);
      boolean labelTokens = stratified || !cfg.prepare().labelMap().isEmpty();
      SummariseSlice.Spec spec =
          new SummariseSlice.Spec(
              format, known == null, exact, known == null ? null : known.schema(), typedPrep, roles, typedClasses, labelTokens,
              split.seed());
      List<SliceSummary> summaries = firstPass(slices, spec, local, options, out, runId, progress);
      Set<String> unsafe = unsafeCuts(slices, summaries, format);
      if (!unsafe.isEmpty()) {
        if (progress != null) {
          progress.accept("a quoted field spans lines at a slice boundary in " + unsafe + "; reading those files whole");
        }
        whole.addAll(unsafe);
        continue;
      }
      List<FileSlice> numbered = withFirstLines(slices, summaries);
      SchemaResolver.Resolved schema = known;
      if (schema == null) {
        SchemaAccumulator acc = new SchemaAccumulator();
        for (SliceSummary s : summaries) {
          acc.merge(s.schema());
        }
        schema = SchemaResolver.inferred(cfg, format, files, out, acc);
      }
      SplitPlanner.Planned planned = null;
      if (exact) {
        Preparation prep = preparation(cfg, schema);
        LabelClasses classes = prep.hasLabel() ? new LabelClasses(prep, stratified) : null;
        try {
          planned =
              SplitPlanner.plan(
                  summaries, classes, known == null && labelTokens, split.names(), split.fractions(), split.seed(),
                  split.allowEmptySplitClasses(), "row");
        } catch (SplitPlan.TooFewUnits e) {
          throw TrainsetException.data(e.getMessage());
        }
      }
      long records = 0;
      for (SliceSummary s : summaries) {
        records += s.records();
      }
      return finish(cfg, schema, numbered, roles, stratified, planned, records);
    }
  }

  /** The schema alone: known, or inferred by a first pass that does nothing else. */
  static SchemaResolver.Resolved schema(
      RunConfig cfg, FileFormat format, List<Metadata> files, OutputDir out, PipelineOptions options, boolean local,
      String runId, Consumer<String> progress) {
    SchemaResolver.Resolved known = SchemaResolver.known(cfg, format, files, out);
    if (known != null) {
      return known;
    }
    List<FileSlice> slices = slices(cfg, format, files, new HashSet<>());
    SummariseSlice.Spec spec = new SummariseSlice.Spec(format, true, false, null, null, null, null, false, cfg.split().seed());
    SchemaAccumulator acc = new SchemaAccumulator();
    for (SliceSummary s : FirstPass.run(slices, spec, local, options, out, runId, progress)) {
      acc.merge(s.schema());
    }
    return SchemaResolver.inferred(cfg, format, files, out, acc);
  }

  private static Planned finish(
      RunConfig cfg, SchemaResolver.Resolved schema, List<FileSlice> slices, ColumnRoles roles, boolean stratified,
      SplitPlanner.Planned planned, long records) {
    Preparation prep = preparation(cfg, schema);
    SplitSettings s = cfg.split();
    RowSplitter splitter;
    switch (s.method()) {
      case NONE:
        splitter = new Unsplit(SplitSettings.UNSPLIT);
        break;
      case HASH:
        if (s.key() != null && prep.output().indexOf(s.key()) < 0) {
          throw TrainsetException.config("split.key", "no column '" + s.key() + "' among the output columns " + prep.output().names());
        }
        splitter = new HashSplit(s.names(), s.fractions(), s.seed(), s.key());
        break;
      default:
        splitter = new ExactRowSplit(planned.plan(), planned.offsets());
    }
    return new Planned(schema, slices, prep, roles, new LabelClasses(prep, stratified), splitter, planned, stratified, records);
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
   * The first pass's summaries, one per slice in slice order. When the pass only counts lines (the schema is known and
   * the split needs no plan), files read whole are left out: nothing is learnt from them.
   */
  private static List<SliceSummary> firstPass(
      List<FileSlice> slices, SummariseSlice.Spec spec, boolean local, PipelineOptions options, OutputDir out, String runId,
      Consumer<String> progress) {
    if (spec.infer() || spec.histogram()) {
      return FirstPass.run(slices, spec, local, options, out, runId, progress);
    }
    List<FileSlice> cut = new ArrayList<>();
    for (FileSlice s : slices) {
      if (!s.isWhole()) {
        cut.add(s);
      }
    }
    List<SliceSummary> counted = FirstPass.run(cut, spec, local, options, out, runId, progress);
    SliceSummary[] all = new SliceSummary[slices.size()];
    for (SliceSummary s : counted) {
      all[s.slice()] = s;
    }
    for (int i = 0; i < all.length; i++) {
      if (all[i] == null) {
        all[i] = new SliceSummary(i, 0, 0, 0, 0, 0, null, null, false);
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
    return prep;
  }
}
