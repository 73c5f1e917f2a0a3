package dev.trainset.pipelines.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.RunConfig.Inference;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.schema.InferSchema;
import dev.trainset.transforms.schema.SchemaJson;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Finds the schema of a run before the main pipeline is built (Beam needs the row schema, and ParquetIO its Avro
 * schema, at construction):
 *
 * <ul>
 *   <li>declared by the input (ARFF header): read from the first file, no pre-pass;
 *   <li>{@code schema.inference: full} (default): a first Beam job on the same runner summarises every file on the
 *       workers and combines the summaries; its result is written to {@code OUT/_trainset/schema-<fingerprint>.json}
 *       and reused by a re-run over the same inputs (same names, sizes and modification times) and settings;
 *   <li>{@code sample}: the first {@code sampleRows} rows, read here; every column is then nullable.
 * </ul>
 *
 * Per-column overrides ({@code schema.columns}) apply last.
 */
public final class SchemaResolver {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The schema, where it came from, the rows inference looked at, and missing values per column. */
  public record Resolved(TableSchema schema, String source, long rowsSeen, Map<String, Long> nulls) {}

  private SchemaResolver() {}

  public static Resolved resolve(
      RunConfig cfg, FileFormat format, List<Metadata> files, OutputDir out, PipelineOptions options) {
    Resolved r;
    TableSchema declared = declared(format, files.get(0));
    if (declared != null) {
      r = new Resolved(declared, "declared", 0, Map.of());
    } else if (cfg.schema().inference() == Inference.SAMPLE) {
      r = sample(format, files, cfg.schema().sampleRows());
    } else {
      r = full(format, files, out, options);
    }
    if (r.schema().size() == 0) {
      throw TrainsetException.data("input.path '" + cfg.input().path() + "': no columns found");
    }
    try {
      return new Resolved(r.schema().withOverrides(cfg.schema().columns()), r.source(), r.rowsSeen(), r.nulls());
    } catch (IllegalArgumentException e) {
      throw new TrainsetException(TrainsetException.USAGE, "config key '" + e.getMessage().replaceFirst(": ", "': "));
    }
  }

  private static TableSchema declared(FileFormat format, Metadata first) {
    try (Reader r = Inputs.openText(first)) {
      return format.declaredSchema(first.resourceId().toString(), r);
    } catch (IOException e) {
      throw TrainsetException.data(first.resourceId() + ": " + e.getMessage());
    }
  }

  private static Resolved sample(FileFormat format, List<Metadata> files, long rows) {
    SchemaAccumulator acc = new SchemaAccumulator();
    long left = rows;
    for (Metadata f : files) {
      if (left <= 0) {
        break;
      }
      try (Reader r = Inputs.openText(f)) {
        left -= format.infer(f.resourceId().toString(), r, acc, left);
      } catch (IOException e) {
        // what could be read counts; the reading pass rejects the rest with its position
      }
    }
    return new Resolved(acc.toSchema(true), "inferred from a sample of " + acc.records() + " rows", acc.records(), acc.nullCounts());
  }

  private static Resolved full(FileFormat format, List<Metadata> files, OutputDir out, PipelineOptions options) {
    String cache = OutputDir.WORK + OutputDir.SCHEMA_CACHE_PREFIX + fingerprint(format, files) + ".json";
    if (!out.exists(cache)) {
      List<String> paths = new ArrayList<>();
      files.forEach(f -> paths.add(f.resourceId().toString()));
      Pipeline p = Pipeline.create(options);
      p.apply("InferSchema", InferSchema.of(paths, format))
          .apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(SchemaResolver::toJson))
          .apply("WriteSchema", TextIO.write().to(out.path(cache)).withoutSharding());
      BatchIngest.runToCompletion(p, "schema inference", null);
    }
    try {
      JsonNode n = MAPPER.readTree(out.read(cache));
      TableSchema schema = SchemaJson.fromJson(n.get("columns"));
      Map<String, Long> nulls = new java.util.HashMap<>();
      for (JsonNode c : n.get("columns")) {
        nulls.put(c.get("name").asText(), c.path("nulls").asLong());
      }
      return new Resolved(schema, "inferred from all " + n.get("rows").asLong() + " rows", n.get("rows").asLong(), nulls);
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot read the inferred schema " + cache + ": " + e.getMessage(), e);
    }
  }

  static String toJson(SchemaAccumulator acc) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("rows", acc.records());
    n.set("columns", SchemaJson.toJson(acc.toSchema(false), acc.nullCounts()));
    return n.toString();
  }

  /** Changes when the inputs (names, sizes, modification times) or the reading settings change. */
  static String fingerprint(FileFormat format, List<Metadata> files) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((format + "\n" + Inputs.identity(files)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

}
