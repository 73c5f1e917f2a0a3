package dev.trainset.pipelines.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.DescribeFiles;
import dev.trainset.transforms.io.OutputFormat;
import dev.trainset.transforms.io.RowFileSink;
import dev.trainset.transforms.io.WriteSplits;
import dev.trainset.transforms.io.csv.SageMakerCsvSink;
import dev.trainset.transforms.io.json.JsonLinesSink;
import dev.trainset.transforms.io.parquet.ReadParquetRows;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.schema.SchemaJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;

/**
 * {@code trainset export}: copies a complete training set (a folder with {@code manifest.json} and {@code _SUCCESS})
 * to another place (a local folder, {@code s3://}, {@code azfs://}), optionally in other formats.
 *
 * <ul>
 *   <li>Files in a format the source has are copied byte for byte; each is hashed while it is copied and must match
 *       the sha256 and size in the source manifest, or the export stops (exit 3) before {@code _SUCCESS}.
 *   <li>Other formats ({@code sagemaker-csv}, {@code jsonl}, or text compression {@code gzip}/{@code none}) are made
 *       from the source's Parquet files, after those are checked the same way, by a Beam job that reads them and
 *       writes through the same sinks as {@code trainset run} (temporary files, then renames).
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
  private static final ObjectMapper MAPPER = new ObjectMapper();
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
      String status, String exportId, String source, String output, int copied, int kept, int converted, long bytes, JsonNode manifest, Duration duration) {}

  /** What one exported output is made from. */
  private record Target(String split, String format, String folder, String compression, JsonNode sourceOutput, boolean convert) {}

  public static Result run(Settings s, PipelineOptions options) {
    Instant started = Instant.now();
    OutputDir src = OutputDir.of(s.from());
    OutputDir dst = OutputDir.of(s.to());
    if (src.root().equals(dst.root())) {
      throw TrainsetException.config("--to", "the destination is the source folder " + src.root());
    }
    JsonNode manifest = src.completedManifest();
    if (manifest == null) {
      throw TrainsetException.data(
          "--from '" + src.root() + "' is not a complete training set (no " + OutputDir.MANIFEST + " and " + OutputDir.SUCCESS + ")");
    }
    String manifestSha;
    try {
      manifestSha = sha256(src.read(OutputDir.MANIFEST).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw TrainsetException.data("--from '" + src.root() + "': cannot read " + OutputDir.MANIFEST + " (" + e.getMessage() + ")");
    }
    List<String> splits = new ArrayList<>();
    manifest.path("splits").fieldNames().forEachRemaining(splits::add);
    if (splits.isEmpty()) {
      throw TrainsetException.data("--from '" + src.root() + "': the manifest lists no splits");
    }
    Request req = request(manifest, s.formats(), s.textCompression());
    String exportId = sha256((manifestSha + "|" + req.formats + "|" + req.textCompression).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    String marker = "export-" + exportId;

    JsonNode done = dst.completedManifest();
    if (done != null && exportId.equals(done.path("export").path("id").asText())) {
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
    Map<String, ArrayNode> files = new LinkedHashMap<>();
    // Source files read and checked against the manifest: a Parquet file that is both copied and converted is read
    // once for the check.
    java.util.Set<String> verified = new java.util.HashSet<>();
    for (Target t : targets) {
      ArrayNode list = files.computeIfAbsent(t.split + "/" + t.folder, k -> MAPPER.createArrayNode());
      for (JsonNode f : t.sourceOutput.path("files")) {
        String rel = t.sourceOutput.path("name").asText() + "/" + fileName(f);
        if (t.convert) {
          if (verified.add(rel)) {
            verify(src.path(rel), f);
          }
        } else {
          String to = dst.path(t.split + "/" + t.folder + "/" + fileName(f));
          if (resume && matches(to, f)) {
            counts.kept++;
          } else {
            copy(src.path(rel), to, f);
            verified.add(rel);
            counts.copied++;
          }
          counts.bytes += f.path("bytes").asLong();
          list.addObject()
              .put("path", to)
              .put("rows", f.path("rows").asLong())
              .put("bytes", f.path("bytes").asLong())
              .put("sha256", f.path("sha256").asText());
        }
      }
    }
    s.progress().accept(String.format("copied %d files (%d kept from an earlier attempt)", counts.copied, counts.kept));

    List<Target> conversions = targets.stream().filter(t -> t.convert).toList();
    if (!conversions.isEmpty()) {
      convert(manifest, splits, conversions, src, dst, options, files, counts, s.progress());
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

    ObjectNode out = manifest.deepCopy();
    ArrayNode outputs = out.putArray("outputs");
    for (String split : splits) {
      ArrayNode splitOutputs = ((ObjectNode) out.path("splits").path(split)).putArray("outputs");
      for (Target t : targets) {
        if (!t.split.equals(split)) {
          continue;
        }
        ObjectNode o = MAPPER.createObjectNode();
        OutputFormat f = OutputFormat.parse(t.format);
        o.put("name", t.split + "/" + t.folder);
        o.put("path", dst.path(t.split + "/" + t.folder + "/"));
        o.put("format", t.format);
        o.put("contentType", f.contentType());
        o.put("compression", t.compression);
        ArrayNode fl = files.get(t.split + "/" + t.folder);
        long rows = 0;
        for (JsonNode x : fl) {
          rows += x.path("rows").asLong();
        }
        o.put("rows", rows);
        o.set("files", sorted(fl));
        o.put("split", split);
        outputs.add(o);
        splitOutputs.add(o);
      }
      if (req.mltable) {
        String text = BatchIngest.mlTable(OutputFormat.PARQUET.folder());
        dst.write(split + "/" + BatchIngest.MLTABLE_FILE, text, "application/yaml");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", split + "/" + BatchIngest.MLTABLE_FILE);
        o.put("split", split);
        o.put("path", dst.path(split + "/"));
        o.put("format", MLTABLE);
        o.put("contentType", "application/yaml");
        o.put("rows", out.path("splits").path(split).path("rows").asLong());
        o.put("dataFrom", split + "/" + OutputFormat.PARQUET.folder());
        o.putArray("files").addObject().put("path", dst.path(split + "/" + BatchIngest.MLTABLE_FILE)).put("bytes", bytes.length).put("sha256", sha256(bytes));
        outputs.add(o);
        splitOutputs.add(o);
      }
    }
    ObjectNode ex = out.putObject("export");
    ex.put("id", exportId);
    ex.put("source", src.root());
    ex.put("sourceManifestSha256", manifestSha);
    ArrayNode fs = ex.putArray("formats");
    req.formats.forEach(fs::add);
    if (req.textCompression != null) {
      ex.put("textCompression", req.textCompression);
    }
    ex.put("exportedAt", started.toString());
    ex.put("version", s.version());
    dst.write(OutputDir.MANIFEST, BatchIngest.pretty(out), "application/json");
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

  static Request request(JsonNode manifest, List<String> asked, String textCompression) {
    List<String> have = new ArrayList<>();
    for (JsonNode o : manifest.path("outputs")) {
      String f = o.path("format").asText();
      if (o.has("split") && !have.contains(f)) {
        have.add(f);
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
        throw TrainsetException.config("--format", "unknown format '" + a + "' (expected parquet, sagemaker-csv, jsonl or mltable)");
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

  private static List<Target> targets(JsonNode manifest, List<String> splits, Request req) {
    List<Target> out = new ArrayList<>();
    for (String split : splits) {
      for (String format : req.formats) {
        OutputFormat f = OutputFormat.parse(format);
        JsonNode same = null;
        JsonNode parquet = null;
        for (JsonNode o : manifest.path("splits").path(split).path("outputs")) {
          if (o.path("format").asText().equals(format)) {
            same = o;
          }
          if (o.path("format").asText().equals(OutputFormat.PARQUET.configName())) {
            parquet = o;
          }
        }
        boolean text = f != OutputFormat.PARQUET;
        if (same != null && (!text || req.textCompression == null || req.textCompression.equals(same.path("compression").asText()))) {
          out.add(new Target(split, format, f.folder(), same.path("compression").asText(), same, false));
        } else if (parquet == null) {
          throw TrainsetException.config(
              "--format", format + " is not in the source, and without the source's Parquet files it cannot be made");
        } else {
          String compression = req.textCompression == null ? "none" : req.textCompression;
          out.add(new Target(split, format, f.folder(), compression, parquet, true));
        }
      }
    }
    return out;
  }

  /** Converts the source's Parquet files to the formats the source lacks, with a Beam job. */
  private static void convert(
      JsonNode manifest, List<String> splits, List<Target> conversions, OutputDir src, OutputDir dst, PipelineOptions options,
      Map<String, ArrayNode> files, Counts counts, Consumer<String> progress) {
    TableSchema schema = SchemaJson.fromJson(manifest.path("columns").path("output"));
    boolean hasLabel = !manifest.path("columns").path("label").isNull() && manifest.path("columns").has("label");
    List<OutputFormat> formats = new ArrayList<>();
    String compression = conversions.get(0).compression;
    for (Target t : conversions) {
      OutputFormat f = OutputFormat.parse(t.format);
      if (!formats.contains(f)) {
        formats.add(f);
      }
    }
    boolean gzip = compression.equals("gzip");
    WriteSplits write = WriteSplits.to(dst.root(), splits);
    for (OutputFormat f : formats) {
      RowFileSink sink;
      if (f == OutputFormat.SAGEMAKER_CSV) {
        List<String> problems = SageMakerCsvSink.problems(schema, hasLabel);
        if (!problems.isEmpty()) {
          throw TrainsetException.config("--format", problems.get(0));
        }
        sink = SageMakerCsvSink.of(schema, hasLabel, gzip);
      } else {
        sink = new JsonLinesSink(schema.names(), gzip);
      }
      // A resumed export redoes its conversions: clear what an interrupted attempt left in their folders.
      for (String split : splits) {
        deleteAll(dst, split + "/" + f.folder() + "/");
      }
      write = write.withFormat(f, sink, gzip ? f.extension() + ".gz" : f.extension());
    }
    progress.accept("converting " + splits.size() + " splits to " + formats.stream().map(OutputFormat::configName).toList());
    Pipeline p = Pipeline.create(options);
    PCollectionList<KV<Integer, Row>> parts = PCollectionList.empty(p);
    for (int i = 0; i < splits.size(); i++) {
      String split = splits.get(i);
      List<String> parquet = new ArrayList<>();
      for (Target t : conversions) {
        if (t.split.equals(split)) {
          for (JsonNode f : t.sourceOutput.path("files")) {
            String path = src.path(split + "/" + OutputFormat.PARQUET.folder() + "/" + fileName(f));
            if (!parquet.contains(path)) {
              parquet.add(path);
            }
          }
        }
      }
      if (parquet.isEmpty()) {
        continue;
      }
      int index = i;
      PCollection<Row> rows = p.apply("ReadParquet[" + split + "]", ReadParquetRows.of(parquet, schema));
      parts = parts.and(
          rows.apply("WithSplit[" + split + "]", WithKeys.<Integer, Row>of(index))
              .setCoder(KvCoder.of(VarIntCoder.of(), SchemaCoder.of(rows.getSchema()))));
    }
    String results = OutputDir.WORK + "export-results";
    parts.apply("AllSplits", Flatten.pCollections())
        .apply("WriteSplits", write)
        .apply("DescribeFiles", DescribeFiles.create())
        .apply("WriteResults", TextIO.write().to(dst.path(results)).withSuffix(".jsonl").withoutSharding());
    BatchIngest.runToCompletion(p, "export", null);
    try {
      for (String line : dst.read(results + ".jsonl").split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = MAPPER.readTree(line);
        ArrayNode list = files.computeIfAbsent(n.get("output").asText(), k -> MAPPER.createArrayNode());
        list.addObject()
            .put("path", n.get("path").asText())
            .put("rows", n.get("rows").asLong())
            .put("bytes", n.get("bytes").asLong())
            .put("sha256", n.get("sha256").asText());
        counts.converted++;
        counts.bytes += n.get("bytes").asLong();
      }
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot read the export job's results: " + e.getMessage(), e);
    }
    for (Target t : conversions) {
      files.computeIfAbsent(t.split + "/" + t.folder, k -> MAPPER.createArrayNode());
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
  private static void copy(String from, String to, JsonNode expected) {
    ResourceId dest = FileSystems.matchNewResource(to, false);
    deleteIfExists(dest);
    Hash h;
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(from, false)));
        OutputStream out = Channels.newOutputStream(FileSystems.create(dest, contentType(to)))) {
      h = digest(in, out);
    } catch (IOException e) {
      throw TrainsetException.data("cannot copy " + from + " to " + to + ": " + e.getMessage());
    }
    if (!h.sha256.equals(expected.path("sha256").asText()) || h.bytes != expected.path("bytes").asLong()) {
      deleteIfExists(dest);
      throw mismatch(from, h.sha256, h.bytes, expected);
    }
  }

  /** Reads a source file and checks it against the manifest (for files that are converted, not copied). */
  private static void verify(String path, JsonNode expected) {
    Hash h = hash(path);
    if (h == null) {
      throw TrainsetException.data("--from: " + path + " is listed in the manifest but cannot be read");
    }
    if (!h.sha256.equals(expected.path("sha256").asText()) || h.bytes != expected.path("bytes").asLong()) {
      throw mismatch(path, h.sha256, h.bytes, expected);
    }
  }

  private static boolean matches(String path, JsonNode expected) {
    Hash h = hash(path);
    return h != null && h.bytes == expected.path("bytes").asLong() && h.sha256.equals(expected.path("sha256").asText());
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
    MessageDigest d = digest();
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

  private static TrainsetException mismatch(String path, String sha, long bytes, JsonNode expected) {
    return TrainsetException.data(
        path + ": " + bytes + " bytes with sha256 " + sha.substring(0, 12) + "..., but the manifest lists "
            + expected.path("bytes").asLong() + " bytes with sha256 " + expected.path("sha256").asText().substring(0, Math.min(12, expected.path("sha256").asText().length()))
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

  private static String fileName(JsonNode file) {
    String p = file.path("path").asText();
    return p.substring(p.lastIndexOf('/') + 1);
  }

  private static ArrayNode sorted(ArrayNode files) {
    List<JsonNode> l = new ArrayList<>();
    files.forEach(l::add);
    l.sort((a, b) -> a.path("path").asText().compareTo(b.path("path").asText()));
    ArrayNode out = MAPPER.createArrayNode();
    l.forEach(out::add);
    return out;
  }

  private static String quote(String s) {
    return MAPPER.getNodeFactory().textNode(s).toString();
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] b) {
    return HexFormat.of().formatHex(digest().digest(b));
  }
}
