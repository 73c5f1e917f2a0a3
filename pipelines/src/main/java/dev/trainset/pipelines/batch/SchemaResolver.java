package dev.trainset.pipelines.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.RunConfig.Inference;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.Sha256;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.schema.SchemaJson;
import java.io.IOException;
import java.io.Reader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;

/**
 * Finds a run's schema:
 *
 * <ul>
 *   <li>declared by the input (ARFF header): read from the first file;
 *   <li>{@code schema.inference: full} (default): inferred by the first pass from every row ({@link #inferred}), and
 *       kept in {@code OUT/_trainset/schema-<fingerprint>.json} for a re-run over the same inputs (same names, sizes
 *       and modification times) and reading settings;
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

  /** The schema when it is known before reading the input (declared, sampled, or cached); null when it must be inferred. */
  public static Resolved known(RunConfig cfg, FileFormat format, List<Metadata> files, OutputDir out) {
    Resolved r;
    TableSchema declared = declared(format, files.get(0));
    if (declared != null) {
      r = new Resolved(declared, "declared", 0, Map.of());
    } else if (cfg.schema().inference() == Inference.SAMPLE) {
      r = sample(format, files, cfg.schema().sampleRows());
    } else {
      r = cached(out, cacheName(format, files));
      if (r == null) {
        return null;
      }
    }
    return withOverrides(cfg, r);
  }

  /** The schema the first pass inferred, cached for re-runs. */
  public static Resolved inferred(RunConfig cfg, FileFormat format, List<Metadata> files, OutputDir out, SchemaAccumulator acc) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("rows", acc.records());
    n.set("columns", SchemaJson.toJson(acc.toSchema(false), acc.nullCounts()));
    out.write(cacheName(format, files), n.toString() + "\n", "application/json");
    Resolved r = new Resolved(acc.toSchema(false), "inferred from all " + acc.records() + " rows", acc.records(), acc.nullCounts());
    return withOverrides(cfg, r);
  }

  private static Resolved withOverrides(RunConfig cfg, Resolved r) {
    if (r.schema().size() == 0) {
      throw TrainsetException.data("input.path '" + cfg.input().path() + "': no columns found");
    }
    if (r.schema().size() > cfg.input().limits().columns()) {
      throw TrainsetException.data(
          "input.path '" + cfg.input().path() + "': more than input.limits.columns (" + cfg.input().limits().columns()
              + ") columns; raise the limit if the input is meant to be this wide");
    }
    try {
      return new Resolved(r.schema().withOverrides(cfg.schema().columns()), r.source(), r.rowsSeen(), r.nulls());
    } catch (IllegalArgumentException e) {
      throw new TrainsetException(TrainsetException.USAGE, "config key '" + e.getMessage().replaceFirst(": ", "': "));
    }
  }

  private static TableSchema declared(FileFormat format, Metadata first) {
    try (Reader r = Inputs.openText(first, format.encoding())) {
      return format.declaredSchema(first.resourceId().toString(), r);
    } catch (IOException e) {
      throw TrainsetException.data(first.resourceId() + ": " + e.getMessage());
    }
  }

  private static Resolved sample(FileFormat format, List<Metadata> files, long rows) {
    SchemaAccumulator acc = new SchemaAccumulator();
    long left = rows;
    for (int f = 0; f < files.size() && left > 0; f++) {
      String path = files.get(f).resourceId().toString();
      FileSlice whole = FileSlice.whole(f, path);
      KindCounter kinds = new KindCounter();
      try (SliceInput in = SliceInput.open(whole, false, -1, format.limits().inflation()); RecordSource r = format.open(whole, in, null)) {
        while (left > 0 && r.next()) {
          if (!r.isBad()) {
            r.countKinds(kinds, r.position());
            left--;
          }
        }
        kinds.into(acc, path, r.names());
      } catch (IOException | RuntimeException e) {
        // what could be read counts; the writing pass rejects the rest with its position
      }
    }
    return new Resolved(acc.toSchema(true), "inferred from a sample of " + acc.records() + " rows", acc.records(), acc.nullCounts());
  }

  private static Resolved cached(OutputDir out, String name) {
    if (!out.exists(name)) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(out.read(name));
      TableSchema schema = SchemaJson.fromJson(n.get("columns"));
      Map<String, Long> nulls = new HashMap<>();
      for (JsonNode c : n.get("columns")) {
        nulls.put(c.get("name").asText(), c.path("nulls").asLong());
      }
      return new Resolved(schema, "inferred from all " + n.get("rows").asLong() + " rows", n.get("rows").asLong(), nulls);
    } catch (IOException | RuntimeException e) {
      return null; // an unreadable cache: infer again
    }
  }

  private static String cacheName(FileFormat format, List<Metadata> files) {
    return OutputDir.WORK + OutputDir.SCHEMA_CACHE_PREFIX + fingerprint(format, files) + ".json";
  }

  /** Changes when the inputs (names, sizes, modification times) or the reading settings change. */
  static String fingerprint(FileFormat format, List<Metadata> files) {
    return Sha256.hex(format + "\n" + Inputs.identity(files)).substring(0, 16);
  }
}
