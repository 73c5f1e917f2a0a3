package dev.trainset.pipelines.batch;

import dev.trainset.transforms.slice.Unreadable;
import java.util.HashMap;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.RunConfig.Format;
import dev.trainset.pipelines.config.RunConfig.SplitMethod;
import dev.trainset.pipelines.config.RunConfig.SplitSettings;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.errors.ReasonCounts;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.Sha256;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.slice.WriteSlice;
import dev.trainset.transforms.split.Apportionment;
import dev.trainset.transforms.split.PlanCheck;
import dev.trainset.transforms.split.SplitPlan;
import dev.trainset.transforms.split.ValueHash;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The end of a run, after the writing pass: the checks that must hold before anything is called complete (read =
 * written + rejected; every format holds every row; the rows per class and split are the plan's), the renames of the
 * slices' files into place ({@code train/parquet/part-00003.parquet}), the MLTable files, {@code stats.json}, {@code
 * report.html}, {@code manifest.json}, the rejected-fraction gate and, last, {@code _SUCCESS}. A failed check leaves
 * the output without {@code _SUCCESS}.
 */
final class Finish {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What the driver knows about the run. */
  record Run(
      RunConfig cfg, List<Metadata> files, Format format, String runId, Instant started, String version, String runner, String temp) {}

  private Finish() {}

  static BatchIngest.Result run(Run run, Planning.Planned planned, BatchResult result, OutputDir out) {
    RunConfig cfg = run.cfg();
    List<String> splits = planned.splitter().splits();
    long[] written = result.written(splits.size());
    long writtenTotal = result.writtenTotal();
    String noSuccess = " (output " + out.root() + " left without " + OutputDir.SUCCESS + ")";
    boolean dedupe = cfg.split().dedupe();
    if (result.read() != writtenTotal + result.rejected() + result.duplicates()) {
      throw new TrainsetException(
          TrainsetException.INTERNAL,
          "counts do not reconcile: read " + result.read() + ", written " + writtenTotal + ", rejected " + result.rejected()
              + (dedupe ? ", duplicates removed " + result.duplicates() : "") + noSuccess);
    }
    Map<String, List<WrittenFile>> byOutput = new TreeMap<>();
    for (WrittenFile f : result.files()) {
      byOutput.computeIfAbsent(f.output(), k -> new ArrayList<>()).add(f);
    }
    for (OutputFormat f : cfg.output().formats()) {
      long rows = 0;
      for (String split : splits) {
        rows += rows(byOutput.get(WriteSlice.destination(split, f)));
      }
      if (rows != writtenTotal) {
        throw new TrainsetException(
            TrainsetException.INTERNAL,
            "the " + f.configName() + " files hold " + rows + " rows, " + writtenTotal + " were written" + noSuccess);
      }
    }
    List<String> diff = List.of();
    if (planned.rowPlan() != null) {
      diff = PlanCheck.differences(planned.rowPlan().plan(), planned.stratified(), written, result.classCounts());
    } else if (planned.groupPlan() != null) {
      diff = PlanCheck.totals(planned.groupPlan().splits(), planned.groupPlan().rows(), written);
    }
    if (!diff.isEmpty()) {
      throw new TrainsetException(
          TrainsetException.INTERNAL,
          "the rows written differ from the split plan the first pass made (did the input change during the run?): "
              + String.join("; ", diff.subList(0, Math.min(5, diff.size()))) + noSuccess);
    }

    Map<String, List<Manifest.FileEntry>> placed = place(byOutput, out);
    out.removeTemporary(run.temp());
    checkOnlyOurs(cfg, splits, placed, out, noSuccess);

    TableSchema outSchema = planned.preparation().output();
    boolean hasLabel = planned.preparation().hasLabel();
    List<Manifest.Output> outputs = new ArrayList<>();
    Map<String, Manifest.SplitInfo> splitInfo = new LinkedHashMap<>();
    ObjectNode stats = MAPPER.createObjectNode();
    stats.put("runId", run.runId());
    ObjectNode statsSplits = stats.putObject("splits");
    for (int s = 0; s < splits.size(); s++) {
      String name = splits.get(s);
      List<Manifest.Output> splitOutputs = new ArrayList<>();
      for (OutputFormat f : cfg.output().formats()) {
        String dest = WriteSlice.destination(name, f);
        List<Manifest.FileEntry> files = placed.getOrDefault(dest, List.of());
        List<String> linesMatch = null;
        if (f == OutputFormat.FEATURES_CSV) {
          linesMatch = new ArrayList<>();
          for (OutputFormat other : cfg.output().formats()) {
            if (other != OutputFormat.FEATURES_CSV) {
              linesMatch.add(WriteSlice.destination(name, other));
            }
          }
          files = matchingFiles(files, linesMatch, placed);
        }
        Manifest.Output o =
            new Manifest.Output(
                dest, out.path(dest + "/"), f.configName(), f.contentType(), compression(f, cfg.output()), rows(files), files, name, null,
                linesMatch);
        splitOutputs.add(o);
      }
      if (cfg.output().mltable()) {
        String text = MlTable.over(OutputFormat.PARQUET.folder());
        String file = name + "/" + MlTable.FILE;
        out.write(file, text, "application/yaml");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        splitOutputs.add(
            new Manifest.Output(
                file, out.path(name + "/"), "mltable", "application/yaml", null, written[s],
                List.of(new Manifest.FileEntry(out.path(file), null, bytes.length, Sha256.hex(bytes))), name,
                WriteSlice.destination(name, OutputFormat.PARQUET)));
      }
      outputs.addAll(splitOutputs);
      Map<String, Long> classCounts = new TreeMap<>();
      if (hasLabel) {
        for (Map.Entry<String, long[]> e : result.classCounts().entrySet()) {
          if (e.getValue()[s] > 0) {
            classCounts.put(e.getKey(), e.getValue()[s]);
          }
        }
      }
      splitInfo.put(name, new Manifest.SplitInfo(written[s], classCounts, splitOutputs));
      statsSplits.set(name, result.stats(s, outSchema.size(), hasLabel).toJson(outSchema, MAPPER));
    }
    List<Manifest.FileEntry> rejectedFiles = placed.getOrDefault(BatchIngest.REJECTED, List.of());
    outputs.add(
        new Manifest.Output(
            BatchIngest.REJECTED, out.path(BatchIngest.REJECTED + "/"), "jsonl", "application/jsonlines", "none", rows(rejectedFiles),
            rejectedFiles, null, null));
    stats.set("rejectionReasons", reasons(result.reasons()));

    Map<String, List<Manifest.Unread>> unread = unread(result.unreadable(), run.files());
    boolean unreadFails = !unread.isEmpty() && !cfg.input().allowUnreadable();
    double fraction = result.read() == 0 ? 0 : (double) result.rejected() / result.read();
    boolean noRows = result.read() == 0;
    boolean tooMany = fraction > cfg.maxRejectedFraction() || (cfg.maxRejectedFraction() == 0 && result.rejected() > 0);
    String failure =
        noRows
            ? "input.path '" + cfg.input().path() + "': the input has no data rows (" + run.files().size() + " file(s), "
                + run.files().stream().mapToLong(Metadata::sizeBytes).sum() + " bytes, no record after a header)"
            : unreadFails
                ? unreadMessage(unread)
            : tooMany
                ? String.format(
                    "%d of %d records rejected (%.2f%%), more than maxRejectedFraction %s",
                    result.rejected(), result.read(), 100 * fraction, cfg.maxRejectedFraction())
                : null;
    Duration duration = Duration.between(run.started(), Instant.now());
    List<Manifest.Input> inputs = new ArrayList<>();
    run.files().forEach(f -> inputs.add(new Manifest.Input(f.resourceId().toString(), f.sizeBytes(), unread.get(f.resourceId().toString()))));
    Manifest manifest =
        new Manifest(
            run.runId(), run.version(), failure != null ? "failed" : "succeeded", run.started().toString(), duration.toMillis() / 1000.0,
            run.runner(), inputs, run.format().configName(),
            new Manifest.Schema(planned.schema().source(), Manifest.Column.of(planned.schema().schema(), null)),
            new Manifest.Columns(hasLabel ? outSchema.column(0).name() : null, Manifest.Column.of(outSchema, null)),
            new Manifest.Counts(result.read(), writtenTotal, result.rejected(), dedupe ? result.duplicates() : null), outputs, splitInfo,
            splitSection(cfg.split(), planned), leakage(cfg.split(), result), BatchIngest.STATS_FILE, BatchIngest.REPORT_FILE,
            cfg.masked(), failure, null);
    out.write(BatchIngest.STATS_FILE, pretty(stats), "application/json");
    out.write(BatchIngest.REPORT_FILE, Report.html(manifest, stats), "text/html");
    out.write(OutputDir.MANIFEST, manifest.toJson(), "application/json");
    if (noRows || unreadFails) {
      throw TrainsetException.data(failure + " (no " + OutputDir.SUCCESS + " written)");
    }
    if (tooMany) {
      throw TrainsetException.data(
          failure + "; see " + out.path(BatchIngest.REJECTED + "/") + " (no " + OutputDir.SUCCESS + " written)");
    }
    out.write(OutputDir.SUCCESS, "", "text/plain");
    return new BatchIngest.Result(
        run.runId(), out.root(), "succeeded", result.read(), writtenTotal, result.rejected(), manifest, duration);
  }

  /**
   * Each output folder must hold exactly the files this run placed there: a consumer (SageMaker) reads every object
   * under a prefix, so a stray file from another run would be trained on.
   */
  private static void checkOnlyOurs(
      RunConfig cfg, List<String> splits, Map<String, List<Manifest.FileEntry>> placed, OutputDir out, String noSuccess) {
    List<String> folders = new ArrayList<>();
    for (String split : splits) {
      cfg.output().formats().forEach(f -> folders.add(WriteSlice.destination(split, f)));
    }
    folders.add(BatchIngest.REJECTED);
    for (String folder : folders) {
      java.util.Set<String> ours = new java.util.HashSet<>();
      placed.getOrDefault(folder, List.of()).forEach(e -> ours.add(e.path()));
      List<String> stray = new ArrayList<>();
      for (Metadata m : out.list(folder + "/")) {
        if (!ours.contains(m.resourceId().toString())) {
          stray.add(m.resourceId().getFilename());
        }
      }
      if (!stray.isEmpty()) {
        java.util.Collections.sort(stray);
        throw new TrainsetException(
            TrainsetException.USAGE,
            out.path(folder + "/") + " holds " + stray.size() + " file(s) this run did not write: "
                + String.join(", ", stray.subList(0, Math.min(5, stray.size()))) + " (did another run write into the same output?)" + noSuccess);
      }
    }
  }

  /** The unread parts per input file, in file order. */
  private static Map<String, List<Manifest.Unread>> unread(List<Unreadable> parts, List<Metadata> files) {
    Map<String, Long> sizes = new HashMap<>();
    files.forEach(f -> sizes.put(f.resourceId().toString(), f.sizeBytes()));
    List<Unreadable> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparing(Unreadable::path).thenComparingLong(Unreadable::position));
    Map<String, List<Manifest.Unread>> out = new TreeMap<>();
    for (Unreadable u : sorted) {
      String reason = u.reason().startsWith(u.path() + ": ") ? u.reason().substring(u.path().length() + 2) : u.reason();
      out.computeIfAbsent(u.path(), k -> new ArrayList<>())
          .add(new Manifest.Unread(u.position(), u.unit(), reason, u.bytesUnread(sizes.getOrDefault(u.path(), 0L))));
    }
    return out;
  }

  /** The first unread part, what it means, and what to do. */
  private static String unreadMessage(Map<String, List<Manifest.Unread>> unread) {
    Map.Entry<String, List<Manifest.Unread>> first = unread.entrySet().iterator().next();
    Manifest.Unread u = first.getValue().get(0);
    int parts = unread.values().stream().mapToInt(List::size).sum();
    return first.getKey() + ": could not be read from " + u.unit() + " " + u.from() + " on (" + u.reason() + "); "
        + u.bytesUnread() + " bytes of it were not read"
        + (parts > 1 ? " (and " + (parts - 1) + " more unread part(s): see the inputs in " + OutputDir.MANIFEST + ")" : "")
        + ". Repair or replace the file, or set input.allowUnreadable: true to accept what could be read";
  }

  /** Renames every slice file to its place; returns the placed files per output, sorted by name. */
  private static Map<String, List<Manifest.FileEntry>> place(Map<String, List<WrittenFile>> byOutput, OutputDir out) {
    List<ResourceId> from = new ArrayList<>();
    List<ResourceId> to = new ArrayList<>();
    Map<String, List<Manifest.FileEntry>> placed = new LinkedHashMap<>();
    for (Map.Entry<String, List<WrittenFile>> e : byOutput.entrySet()) {
      List<WrittenFile> files = new ArrayList<>(e.getValue());
      files.sort(Comparator.comparingInt(WrittenFile::slice));
      List<Manifest.FileEntry> entries = new ArrayList<>();
      for (WrittenFile f : files) {
        String name = f.path().substring(f.path().lastIndexOf(".part-") + 1);
        String finalPath = out.path(e.getKey() + "/" + name);
        from.add(FileSystems.matchNewResource(f.path(), false));
        to.add(FileSystems.matchNewResource(finalPath, false));
        entries.add(new Manifest.FileEntry(finalPath, f.rows(), f.bytes(), f.sha256()));
      }
      placed.put(e.getKey(), entries);
    }
    try {
      FileSystems.rename(from, to, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot move the written files into " + out.root() + ": " + e.getMessage(), e);
    }
    return placed;
  }

  private static Manifest.Split splitSection(SplitSettings s, Planning.Planned planned) {
    if (s.method() == SplitMethod.NONE) {
      return null;
    }
    Map<String, BigDecimal> fractions = new LinkedHashMap<>();
    for (int i = 0; i < s.names().size(); i++) {
      fractions.put(s.names().get(i), s.fractions().get(i));
    }
    Map<String, Map<String, Long>> apportionment = null;
    Map<String, Long> totals = null;
    String unit = null;
    String order = null;
    Apportionment a = null;
    if (planned.rowPlan() != null) {
      a = planned.rowPlan().plan().apportionment();
      unit = "row";
      order = SplitPlan.ORDER;
    } else if (planned.groupPlan() != null) {
      a = planned.groupPlan().apportionment();
      unit = "group";
      order = "group id hash (" + ValueHash.VERSION + ")";
    }
    if (a != null) {
      apportionment = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : a.asMap().entrySet()) {
        Map<String, Long> cells = new LinkedHashMap<>();
        for (int j = 0; j < s.names().size(); j++) {
          cells.put(s.names().get(j), e.getValue()[j]);
        }
        apportionment.put(e.getKey(), cells);
      }
      totals = new LinkedHashMap<>();
      long[] t = a.totals();
      for (int j = 0; j < t.length; j++) {
        totals.put(s.names().get(j), t[j]);
      }
    }
    return new Manifest.Split(
        s.method().name().toLowerCase(Locale.ROOT), fractions, s.seed(), ValueHash.VERSION, order, s.groupBy(), s.key(), s.dedupe(),
        unit, apportionment, totals);
  }

  private static Manifest.Leakage leakage(SplitSettings s, BatchResult r) {
    return s.method() == SplitMethod.NONE ? null : new Manifest.Leakage(r.leakedVectors(), r.leakedRows());
  }

  private static ArrayNode reasons(ReasonCounts reasons) {
    ArrayNode top = MAPPER.createArrayNode();
    for (ReasonCounts.Reason r : reasons.top(ReasonCounts.TOP)) {
      top.addObject().put("reason", r.pattern()).put("example", r.example()).put("count", r.count());
    }
    return top;
  }

  private static long rows(List<?> files) {
    long n = 0;
    if (files != null) {
      for (Object f : files) {
        n += f instanceof WrittenFile ? ((WrittenFile) f).rows() : ((Manifest.FileEntry) f).rows();
      }
    }
    return n;
  }

  static String compression(OutputFormat f, RunConfig.Output o) {
    return f == OutputFormat.PARQUET ? o.compression().configName() : o.textGzip() ? "gzip" : "none";
  }


  static String pretty(Object n) {
    try {
      return MAPPER.writeValueAsString(n) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each features-csv file with the labelled files of the same name (the slice's rows, in the same order). */
  private static List<Manifest.FileEntry> matchingFiles(
      List<Manifest.FileEntry> features, List<String> outputs, Map<String, List<Manifest.FileEntry>> placed) {
    List<Manifest.FileEntry> out = new ArrayList<>();
    for (Manifest.FileEntry f : features) {
      String part = f.fileName().substring(0, f.fileName().indexOf('.'));
      List<String> same = new ArrayList<>();
      for (String o : outputs) {
        for (Manifest.FileEntry l : placed.getOrDefault(o, List.of())) {
          if (l.fileName().startsWith(part + ".")) {
            same.add(l.path());
          }
        }
      }
      out.add(f.matching(same));
    }
    return out;
  }
}
