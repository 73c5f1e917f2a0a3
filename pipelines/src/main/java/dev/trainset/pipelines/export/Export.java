package dev.trainset.pipelines.export;

import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.batch.Jobs;
import dev.trainset.pipelines.batch.Manifest;
import dev.trainset.pipelines.batch.MlTable;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.batch.OutputFailure;
import dev.trainset.pipelines.batch.OutputLock;
import dev.trainset.pipelines.batch.ResultFile;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.RowWriters;
import dev.trainset.transforms.io.Sha256;
import dev.trainset.transforms.io.WrittenFile;
import dev.trainset.transforms.io.csv.SageMakerCsvWriter;
import dev.trainset.transforms.io.parquet.ParquetRowWriter;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;

/**
 * {@code trainset export}: copies a complete training set (a folder with {@code manifest.json} and {@code _SUCCESS})
 * to another place (a local folder, {@code s3://}, {@code azfs://}), optionally in other formats.
 *
 * <ul>
 *   <li>Files in a format the source has are copied byte for byte; each is hashed while it is copied and must match
 *       the sha256 and size in the source manifest, or the export stops (exit 3) before {@code _SUCCESS}.
 *   <li>Other formats ({@code sagemaker-csv}, {@code jsonl}, or text compression {@code gzip}/{@code none}) are made
 *       from the source's Parquet files, after those are checked the same way, by a Beam job that reads each file once
 *       and writes it in every format asked for ({@link ConvertFiles}; temporary files, then renames).
 *   <li>{@code mltable} writes an Azure ML {@code MLTable} per split over the exported Parquet files.
 *   <li>{@code stats.json} and {@code report.html} are copied; {@code rejected/} is not (it holds raw input records,
 *       not training data).
 *   <li>The new {@code manifest.json} is the source's with the destination's outputs and an {@code export} section
 *       (id, source, the source manifest's sha256, formats); {@code _SUCCESS} is written last.
 * </ul>
 *
 * The export id is derived from the source manifest and the requested formats and compression. A destination that
 * already holds a complete export with the same id is left as it is ({@code already-complete}); an interrupted one
 * is resumed: copied files that match the manifest are kept, conversions are redone.
 */
public final class Export {
  public static final String ALREADY_COMPLETE = BatchIngest.ALREADY_COMPLETE;
  public static final String MLTABLE = "mltable";
  private static final List<String> COPIED_AS_IS = List.of(BatchIngest.STATS_FILE, BatchIngest.REPORT_FILE);

  private Export() {}

  /**
   * @param from the training set folder
   * @param to the destination folder
   * @param formats the formats to export ({@code parquet}, {@code sagemaker-csv}, {@code jsonl}, {@code mltable}), or
   *     empty for the source's own
   * @param textCompression {@code gzip} or {@code none} for CSV and JSON Lines files, or null for the source's
   * @param overwrite replace a destination that holds another export or run
   */
  public record Settings(
      String from, String to, List<String> formats, String textCompression, boolean overwrite, String version, Consumer<String> progress) {}

  /**
   * @param status {@code succeeded} or {@code already-complete}
   * @param copied files copied (and verified)
   * @param kept files an interrupted export had already copied correctly
   * @param converted files written by the conversion job
   */
  public record Result(
      String status, String exportId, String source, String output, int copied, int kept, int converted, long bytes, Manifest manifest, Duration duration) {}

  /** What one exported output is made from. */
  private record Target(String split, OutputFormat format, String compression, Manifest.Output sourceOutput, boolean convert) {
    String name() {
      return split + "/" + format.folder();
    }
  }

  public static Result run(Settings s, PipelineOptions options) {
    OutputDir src = OutputDir.of(s.from());
    OutputDir dst = OutputDir.of(s.to());
    if (src.root().equals(dst.root())) {
      throw TrainsetException.config("--to", "the destination is the source folder " + src.root());
    }
    // One export (or run) writes a destination at a time, as for runs.
    try (OutputLock lock = OutputLock.acquire(dst, "export of " + src.root(), Duration.ZERO)) {
      return runHolding(s, options, src, dst);
    }
  }

  private static Result runHolding(Settings s, PipelineOptions options, OutputDir src, OutputDir dst) {
    Instant started = Instant.now();
    Manifest manifest = src.completedManifest();
    if (manifest == null) {
      throw TrainsetException.data(
          "--from '" + src.root() + "' is not a complete training set (no " + OutputDir.MANIFEST + " and " + OutputDir.SUCCESS + ")");
    }
    String manifestSha;
    try {
      manifestSha = Sha256.hex(src.read(OutputDir.MANIFEST).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw TrainsetException.data("--from '" + src.root() + "': cannot read " + OutputDir.MANIFEST + " (" + e.getMessage() + ")");
    }
    List<String> splits = manifest.splitNames();
    if (splits.isEmpty()) {
      throw TrainsetException.data("--from '" + src.root() + "': the manifest lists no splits");
    }
    Request req = request(manifest, s.formats(), s.textCompression());
    String exportId = Sha256.hex((manifestSha + "|" + req.formats + "|" + req.textCompression).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    String marker = "export-" + exportId;

    Manifest done = dst.completedManifest();
    if (done != null && done.export() != null && exportId.equals(done.export().id())) {
      return new Result(ALREADY_COMPLETE, exportId, src.root(), dst.root(), 0, 0, 0, 0, done, Duration.between(started, Instant.now()));
    }
    boolean resume = dst.interruptedRun(marker);
    if (resume) {
      s.progress().accept("resuming an interrupted export " + exportId + " into " + dst.root());
    } else {
      dst.prepare(s.overwrite());
    }
    dst.write(OutputDir.RUN_MARKER, "{\"runId\":\"" + marker + "\",\"source\":" + quote(src.root()) + "}\n", "application/json");

    List<Target> targets = targets(manifest, splits, req);
    Counts counts = new Counts();
    Map<String, List<Manifest.FileEntry>> files = new LinkedHashMap<>();
    // Source files read and checked against the manifest: a Parquet file that is both copied and converted is read
    // once for the check.
    java.util.Set<String> verified = new java.util.HashSet<>();
    for (Target t : targets) {
      List<Manifest.FileEntry> list = files.computeIfAbsent(t.name(), k -> new ArrayList<>());
      for (Manifest.FileEntry f : t.sourceOutput.files()) {
        String rel = t.sourceOutput.name() + "/" + f.fileName();
        if (t.convert) {
          if (verified.add(rel)) {
            verify(src.path(rel), f);
          }
        } else {
          String to = dst.path(t.name() + "/" + f.fileName());
          if (resume && matches(to, f)) {
            counts.kept++;
          } else {
            copy(src.path(rel), to, f);
            verified.add(rel);
            counts.copied++;
          }
          counts.bytes += f.bytes();
          list.add(new Manifest.FileEntry(to, f.rows(), f.bytes(), f.sha256()));
        }
      }
    }
    s.progress().accept(String.format("copied %d files (%d kept from an earlier attempt)", counts.copied, counts.kept));

    List<Target> conversions = targets.stream().filter(t -> t.convert).toList();
    if (!conversions.isEmpty()) {
      convert(manifest, conversions, src, dst, options, files, counts, exportId, s.progress());
    }
    for (String name : COPIED_AS_IS) {
      if (src.exists(name)) {
        try {
          dst.write(name, src.read(name), name.endsWith(".json") ? "application/json" : "text/html");
        } catch (IOException e) {
          throw TrainsetException.data("--from '" + src.root() + "': cannot read " + name + " (" + e.getMessage() + ")");
        }
      }
    }

    List<Manifest.Output> outputs = new ArrayList<>();
    Map<String, Manifest.SplitInfo> splitInfo = new LinkedHashMap<>();
    for (String split : splits) {
      List<Manifest.Output> splitOutputs = new ArrayList<>();
      for (Target t : targets) {
        if (!t.split.equals(split)) {
          continue;
        }
        List<Manifest.FileEntry> fl = new ArrayList<>(files.get(t.name()));
        fl.sort(Comparator.comparing(Manifest.FileEntry::path));
        long rows = 0;
        for (Manifest.FileEntry x : fl) {
          rows += x.rows();
        }
        List<String> linesMatch = null;
        if (t.format == OutputFormat.FEATURES_CSV) {
          linesMatch = new ArrayList<>();
          for (Target other : targets) {
            if (other.split.equals(split) && other.format != OutputFormat.FEATURES_CSV) {
              linesMatch.add(other.name());
            }
          }
        }
        splitOutputs.add(
            new Manifest.Output(
                t.name(), dst.path(t.name() + "/"), t.format.configName(), t.format.contentType(), t.compression, rows, fl, split, null,
                linesMatch));
      }
      Manifest.SplitInfo si = manifest.splits().get(split);
      if (req.mltable) {
        String text = MlTable.over(OutputFormat.PARQUET.folder());
        String file = split + "/" + MlTable.FILE;
        dst.write(file, text, "application/yaml");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        splitOutputs.add(
            new Manifest.Output(
                file, dst.path(split + "/"), MLTABLE, "application/yaml", null, si.rows(),
                List.of(new Manifest.FileEntry(dst.path(file), null, bytes.length, Sha256.hex(bytes))), split,
                split + "/" + OutputFormat.PARQUET.folder()));
      }
      outputs.addAll(splitOutputs);
      splitInfo.put(split, new Manifest.SplitInfo(si.rows(), si.classCounts(), splitOutputs));
    }
    Manifest out =
        manifest.withOutputs(
            outputs, splitInfo,
            new Manifest.Export(exportId, src.root(), manifestSha, req.formats, req.textCompression, started.toString(), s.version()));
    dst.write(OutputDir.MANIFEST, out.toJson(), "application/json");
    dst.write(OutputDir.SUCCESS, "", "text/plain");
    return new Result(
        "succeeded", exportId, src.root(), dst.root(), counts.copied, counts.kept, counts.converted, counts.bytes, out,
        Duration.between(started, Instant.now()));
  }

  private static final class Counts {
    int copied;
    int kept;
    int converted;
    long bytes;
  }

  /** The formats asked for, checked against what the source can give. */
  private record Request(List<String> formats, String textCompression, boolean mltable) {}

  static Request request(Manifest manifest, List<String> asked, String textCompression) {
    List<String> have = new ArrayList<>();
    for (Manifest.Output o : manifest.outputs()) {
      if (o.split() != null && !have.contains(o.format())) {
        have.add(o.format());
      }
    }
    List<String> formats = new ArrayList<>();
    boolean mltable = false;
    for (String a : asked.isEmpty() ? have : asked) {
      String f = a.trim().toLowerCase(Locale.ROOT);
      if (f.equals(MLTABLE)) {
        mltable = true;
        continue;
      }
      OutputFormat of = OutputFormat.parse(f);
      if (of == null) {
        throw TrainsetException.config("--format", "unknown format '" + a + "' (expected parquet, sagemaker-csv, features-csv, jsonl or mltable)");
      }
      if (!formats.contains(of.configName())) {
        formats.add(of.configName());
      }
    }
    if (mltable && !formats.contains(OutputFormat.PARQUET.configName())) {
      formats.add(0, OutputFormat.PARQUET.configName());
    }
    if (formats.contains(OutputFormat.PARQUET.configName()) && !have.contains(OutputFormat.PARQUET.configName())) {
      throw TrainsetException.config("--format", "parquet (and mltable) can only be copied, and the source has no Parquet files");
    }
    if (textCompression != null) {
      String c = textCompression.trim().toLowerCase(Locale.ROOT);
      if (!c.equals("gzip") && !c.equals("none")) {
        throw TrainsetException.config("--compression", "expected gzip or none, got '" + textCompression + "'");
      }
      textCompression = c;
    }
    return new Request(List.copyOf(formats), textCompression, mltable);
  }

  private static List<Target> targets(Manifest manifest, List<String> splits, Request req) {
    List<Target> out = new ArrayList<>();
    for (String split : splits) {
      for (String format : req.formats) {
        OutputFormat f = OutputFormat.parse(format);
        Manifest.Output same = manifest.output(split, format);
        Manifest.Output parquet = manifest.output(split, OutputFormat.PARQUET.configName());
        boolean text = f != OutputFormat.PARQUET;
        if (same != null && (!text || req.textCompression == null || req.textCompression.equals(same.compression()))) {
          out.add(new Target(split, f, same.compression(), same, false));
        } else if (parquet == null) {
          throw TrainsetException.config(
              "--format", format + " is not in the source, and without the source's Parquet files it cannot be made");
        } else {
          String compression = req.textCompression == null ? "none" : req.textCompression;
          out.add(new Target(split, f, compression, parquet, true));
        }
      }
    }
    return out;
  }

  /** Converts the source's Parquet files to the formats the source lacks, with a Beam job: each file is read once. */
  private static void convert(
      Manifest manifest, List<Target> conversions, OutputDir src, OutputDir dst, PipelineOptions options,
      Map<String, List<Manifest.FileEntry>> files, Counts counts, String exportId, Consumer<String> progress) {
    TableSchema schema = manifest.columns().schema();
    boolean hasLabel = manifest.columns().label() != null;
    List<OutputFormat> formats = new ArrayList<>();
    String compression = conversions.get(0).compression;
    for (Target t : conversions) {
      if (!formats.contains(t.format)) {
        formats.add(t.format);
      }
    }
    if (formats.contains(OutputFormat.SAGEMAKER_CSV)) {
      List<String> problems = SageMakerCsvWriter.problems(schema, hasLabel);
      if (!problems.isEmpty()) {
        throw TrainsetException.config("--format", problems.get(0));
      }
    }
    if (formats.contains(OutputFormat.FEATURES_CSV)) {
      List<String> problems = SageMakerCsvWriter.featureProblems(schema, hasLabel);
      if (!problems.isEmpty()) {
        throw TrainsetException.config("--format", problems.get(0));
      }
    }
    List<String> splits = new ArrayList<>();
    List<ConvertFiles.Source> sources = new ArrayList<>();
    for (Target t : conversions) {
      if (!splits.contains(t.split)) {
        splits.add(t.split);
        for (Manifest.FileEntry f : t.sourceOutput.files()) {
          sources.add(new ConvertFiles.Source(src.path(t.split + "/" + OutputFormat.PARQUET.folder() + "/" + f.fileName()), t.split));
        }
      }
      // A resumed export redoes its conversions: clear what an interrupted attempt left in their folders.
      deleteAll(dst, t.name() + "/");
    }
    progress.accept("converting " + splits.size() + " splits to " + formats.stream().map(OutputFormat::configName).toList());
    if (!sources.isEmpty()) {
      String temp = OutputDir.TEMP_PREFIX + "export-" + exportId + "/";
      String result = OutputDir.WORK + "export-result.b64";
      RowWriters writers = new RowWriters(formats, ParquetRowWriter.Codec.SNAPPY, ParquetRowWriter.DEFAULT_ROW_GROUP_BYTES, compression.equals("gzip"));
      Pipeline p = Pipeline.create(options);
      p.apply("ConvertFiles", new ConvertFiles(sources, schema, hasLabel, formats, writers, dst.path(temp)))
          .apply("Collect", Combine.globally(new CollectFn()))
          .setCoder(ConvertFiles.resultCoder())
          .apply("WriteResult", ResultFile.to(ConvertFiles.Converted.class, dst.path(result)));
      try {
        Jobs.runToCompletion(p, "export");
      } catch (RuntimeException e) {
        throw OutputFailure.of(e, dst, temp, false);
      }
      ConvertFiles.Converted converted;
      try {
        converted = ResultFile.read(ConvertFiles.Converted.class, dst.read(result));
      } catch (IOException e) {
        throw new TrainsetException(TrainsetException.INTERNAL, "cannot read the export job's result: " + e.getMessage(), e);
      }
      List<ResourceId> from = new ArrayList<>();
      List<ResourceId> to = new ArrayList<>();
      for (WrittenFile f : converted.files) {
        String name = f.path().substring(f.path().lastIndexOf(".part-") + 1);
        String finalPath = dst.path(f.output() + "/" + name);
        from.add(FileSystems.matchNewResource(f.path(), false));
        to.add(FileSystems.matchNewResource(finalPath, false));
        files.computeIfAbsent(f.output(), k -> new ArrayList<>()).add(new Manifest.FileEntry(finalPath, f.rows(), f.bytes(), f.sha256()));
        counts.converted++;
        counts.bytes += f.bytes();
      }
      try {
        FileSystems.rename(from, to, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      } catch (IOException e) {
        throw new TrainsetException(TrainsetException.INTERNAL, "cannot move the converted files into " + dst.root() + ": " + e.getMessage(), e);
      }
      dst.removeTemporary(temp);
    }
    for (Target t : conversions) {
      files.computeIfAbsent(t.name(), k -> new ArrayList<>());
    }
  }

  static final class CollectFn extends Combine.CombineFn<WrittenFile, ConvertFiles.Converted, ConvertFiles.Converted> {
    @Override
    public ConvertFiles.Converted createAccumulator() {
      return new ConvertFiles.Converted();
    }

    @Override
    public ConvertFiles.Converted addInput(ConvertFiles.Converted acc, WrittenFile f) {
      acc.files.add(f);
      return acc;
    }

    @Override
    public ConvertFiles.Converted mergeAccumulators(Iterable<ConvertFiles.Converted> accs) {
      ConvertFiles.Converted out = new ConvertFiles.Converted();
      accs.forEach(a -> out.files.addAll(a.files));
      return out;
    }

    @Override
    public ConvertFiles.Converted extractOutput(ConvertFiles.Converted acc) {
      return acc;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<ConvertFiles.Converted> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry r, org.apache.beam.sdk.coders.Coder<WrittenFile> in) {
      return ConvertFiles.resultCoder();
    }
  }

  private static void deleteAll(OutputDir dir, String prefix) {
    List<ResourceId> ids = new ArrayList<>();
    dir.list().forEach(m -> {
      if (m.resourceId().toString().startsWith(dir.path(prefix))) {
        ids.add(m.resourceId());
      }
    });
    try {
      FileSystems.delete(ids, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot clear " + dir.path(prefix) + ": " + e.getMessage(), e);
    }
  }

  /** Copies one file, hashing it on the way; a file that does not match the manifest is removed and fails the export. */
  private static void copy(String from, String to, Manifest.FileEntry expected) {
    ResourceId dest = FileSystems.matchNewResource(to, false);
    deleteIfExists(dest);
    Hash h;
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(from, false)));
        OutputStream out = Channels.newOutputStream(FileSystems.create(dest, contentType(to)))) {
      h = digest(in, out);
    } catch (IOException e) {
      throw TrainsetException.data("cannot copy " + from + " to " + to + ": " + e.getMessage());
    }
    if (!h.sha256.equals(expected.sha256()) || h.bytes != expected.bytes()) {
      deleteIfExists(dest);
      throw mismatch(from, h.sha256, h.bytes, expected);
    }
  }

  /** Reads a source file and checks it against the manifest (for files that are converted, not copied). */
  private static void verify(String path, Manifest.FileEntry expected) {
    Hash h = hash(path);
    if (h == null) {
      throw TrainsetException.data("--from: " + path + " is listed in the manifest but cannot be read");
    }
    if (!h.sha256.equals(expected.sha256()) || h.bytes != expected.bytes()) {
      throw mismatch(path, h.sha256, h.bytes, expected);
    }
  }

  private static boolean matches(String path, Manifest.FileEntry expected) {
    Hash h = hash(path);
    return h != null && h.bytes == expected.bytes() && h.sha256.equals(expected.sha256());
  }

  private record Hash(String sha256, long bytes) {}

  private static Hash hash(String path) {
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(path, false)))) {
      return digest(in, null);
    } catch (IOException e) {
      return null;
    }
  }

  /** Reads a stream to its end, hashing it, and writes it to {@code out} unless that is null. */
  private static Hash digest(InputStream in, OutputStream out) throws IOException {
    MessageDigest d = Sha256.digest();
    long n = 0;
    byte[] buf = new byte[1 << 16];
    int r;
    while ((r = in.read(buf)) > 0) {
      d.update(buf, 0, r);
      if (out != null) {
        out.write(buf, 0, r);
      }
      n += r;
    }
    return new Hash(HexFormat.of().formatHex(d.digest()), n);
  }

  private static TrainsetException mismatch(String path, String sha, long bytes, Manifest.FileEntry expected) {
    return TrainsetException.data(
        path + ": " + bytes + " bytes with sha256 " + sha.substring(0, 12) + "..., but the manifest lists "
            + expected.bytes() + " bytes with sha256 " + expected.sha256().substring(0, Math.min(12, expected.sha256().length()))
            + "...: the training set changed or is damaged; nothing was exported (no " + OutputDir.SUCCESS + ")");
  }

  private static void deleteIfExists(ResourceId id) {
    try {
      FileSystems.delete(List.of(id), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot replace " + id + ": " + e.getMessage(), e);
    }
  }

  private static String contentType(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith(".gz")) {
      return "application/gzip";
    }
    for (OutputFormat f : OutputFormat.values()) {
      if (p.endsWith(f.extension())) {
        return f.contentType();
      }
    }
    return "application/octet-stream";
  }

  private static String quote(String s) {
    return new com.fasterxml.jackson.databind.ObjectMapper().getNodeFactory().textNode(s).toString();
  }

}
