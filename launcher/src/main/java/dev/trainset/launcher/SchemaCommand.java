package dev.trainset.launcher;

import dev.trainset.pipelines.batch.Formats;
import dev.trainset.pipelines.batch.Inputs;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.batch.SchemaResolver;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.schema.SchemaJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code trainset schema}: prints the schema trainset would use for an input, writing nothing. */
@Command(name = "schema", mixinStandardHelpOptions = true, description = "Print the inferred (or declared) schema of an input.")
final class SchemaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin RunOptions run;

  @CommandLine.Unmatched List<String> beamArgs = new java.util.ArrayList<>();

  @Option(names = "--sample", paramLabel = "N", description = "Infer from the first N rows instead of all rows.")
  Long sample;

  @Option(names = "--json", description = "Print the schema as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (run.input == null && run.config == null) {
      throw new TrainsetException(TrainsetException.USAGE, "trainset schema needs --input PATH (or --config FILE)");
    }
    run.beamArgs = beamArgs;
    if (sample != null) {
      run.sets.add("schema.inference=sample");
      run.sets.add("schema.sampleRows=" + sample);
    }
    // The full-inference job writes its result to a scratch folder that is removed afterwards.
    try (ScratchDir scratchDir = new ScratchDir("trainset-schema-")) {
      Path scratch = scratchDir.path();
      run.output = scratch.toString();
      RunConfig cfg = run.config();
      run.connectStorage(cfg);
      List<Metadata> files = Inputs.list(cfg.input().path());
      RunConfig.Format f = Formats.resolve(cfg.input(), files);
      SchemaResolver.Resolved r =
          BatchIngest.schema(cfg, files, run.pipelineOptions(), run.settings(line -> {}), OutputDir.of(scratch.toString()));
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
    }
  }
}
