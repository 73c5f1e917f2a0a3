package dev.trainset.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.batch.Formats;
import dev.trainset.pipelines.batch.Inputs;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.batch.SchemaResolver;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.schema.SchemaJson;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trainset schema}: prints the schema trainset would use for an input, writing nothing. */
@Command(name = "schema", mixinStandardHelpOptions = true, description = "Print the inferred (or declared) schema of an input.")
final class SchemaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "A file, glob or folder.")
  String input;

  @Option(names = "--format", paramLabel = "FORMAT", description = "csv, arff, json or jsonl (default: from the extension).")
  String format;

  @Option(names = "--config", paramLabel = "FILE", description = "A run file whose input settings to use.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--sample", paramLabel = "N", description = "Infer from the first N rows instead of all rows.")
  Long sample;

  @Option(names = "--json", description = "Print the schema as JSON.")
  boolean json;

  @Option(names = "--verbose", description = "Show Beam's logs and stack traces.")
  boolean verbose;

  @Option(names = "--runner-config", paramLabel = "FILE", description = "A runner configuration (runner-configs/direct.yaml, flink-local.yaml, ...).")
  Path runnerConfig;

  @CommandLine.Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ObjectNode tree = ConfigLoader.load(config, System::getenv);
    ConfigLoader.setIfPresent(tree, "input.path", input);
    ConfigLoader.setIfPresent(tree, "input.format", format);
    if (sample != null) {
      ConfigLoader.setIfPresent(tree, "schema.inference", "sample");
      ConfigLoader.setIfPresent(tree, "schema.sampleRows", String.valueOf(sample));
    }
    // The full-inference job writes its result to a scratch folder that is removed afterwards.
    Path scratch = Files.createTempDirectory("trainset-schema-");
    ConfigLoader.setIfPresent(tree, "output.path", scratch.toString());
    ConfigLoader.applySets(tree, sets);
    try {
      RunConfig cfg = RunConfig.from(tree);
      List<Metadata> files = Inputs.list(cfg.input().path());
      RunConfig.Format f = Formats.resolve(cfg.input(), files);
      FileFormat ff = Formats.build(cfg.input(), f, files);
      PipelineOptions options = BeamOptions.from(beamArgs, runnerConfig);
      SchemaResolver.Resolved r = SchemaResolver.resolve(cfg, ff, files, OutputDir.of(scratch.toString()), options);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(SchemaJson.toJson(r.schema(), r.nulls()).toPrettyString());
        return 0;
      }
      out.printf("# %s: %d file(s), format %s, schema %s%n", cfg.input().path(), files.size(), f.configName(), r.source());
      out.printf("%-32s %-12s %-9s %s%n", "column", "type", "nullable", "missing / domain");
      for (ColumnSpec c : r.schema().columns()) {
        String extra = c.domain() != null ? String.valueOf(c.domain()) : r.nulls().containsKey(c.name()) ? String.valueOf(r.nulls().get(c.name())) : "";
        out.printf("%-32s %-12s %-9s %s%n", c.name(), c.describeType(), c.nullable() ? "yes" : "no", extra);
      }
      return 0;
    } finally {
      deleteRecursively(scratch);
    }
  }

  private static void deleteRecursively(Path p) {
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (java.io.IOException e) {
      // scratch space; nothing to report
    }
  }
}
