package dev.trainset.launcher;

import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.batch.Formats;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.batch.SchemaResolver;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.parse.ColumnSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code trainset validate}: a dry run. Checks the configuration, that the inputs exist and are not empty, finds the
 * schema (inferring it in a scratch folder that is removed), and prints the plan and the output paths. Writes nothing
 * to the output.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a run without running it: config, inputs, schema, outputs.")
final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin RunOptions run;

  @CommandLine.Unmatched List<String> beamArgs = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    run.beamArgs = beamArgs;
    RunConfig cfg = run.config();
    BatchIngest.Plan plan = BatchIngest.plan(cfg, run.settings(line -> {}));
    cfg = plan.config();
    RunConfig.Format format = Formats.resolve(cfg.input(), plan.files());
    FileFormat fileFormat = Formats.build(cfg.input(), format, plan.files());
    try (ScratchDir scratch = new ScratchDir("trainset-validate-")) {
      SchemaResolver.Resolved schema =
          SchemaResolver.resolve(cfg, fileFormat, plan.files(), OutputDir.of(scratch.path().toString()), run.pipelineOptions());
      long bytes = plan.files().stream().mapToLong(Metadata::sizeBytes).sum();
      OutputDir dir = OutputDir.of(cfg.output().path());
      out.printf("run id:   %s%n", plan.runId());
      out.printf("input:    %s: %d file(s), %,d bytes, format %s%n", cfg.input().path(), plan.files().size(), bytes, format.configName());
      out.printf("schema:   %d columns, %s%n", schema.schema().size(), schema.source());
      for (ColumnSpec c : schema.schema().columns()) {
        out.printf("          %-30s %s%s%n", c.name(), c.describeType(), c.domain() == null ? "" : " " + c.domain());
      }
      out.printf("output:   %s (%s, %s)%n", dir.root(), String.join(", ", cfg.output().formats()), cfg.output().compression().name().toLowerCase());
      out.printf("          %s  %s  %s  %s%n", dir.path("data/"), dir.path("rejected/"), dir.path(OutputDir.MANIFEST), dir.path(OutputDir.SUCCESS));
      out.printf("          %s%n", outputState(dir, plan.runId()));
      out.printf("rejects:  the run fails when more than %s of the records are rejected%n", cfg.maxRejectedFraction());
      out.println("valid: nothing was written");
      return 0;
    }
  }

  private String outputState(OutputDir dir, String runId) {
    if (dir.list().isEmpty()) {
      return "the output folder is empty or absent: the run will create it";
    }
    com.fasterxml.jackson.databind.JsonNode done = dir.completedManifest();
    if (done != null && runId.equals(done.path("runId").asText())) {
      return "the output already holds this run, complete: a run would do nothing";
    }
    if (dir.interruptedRun(runId)) {
      return "the output holds an interrupted attempt of this run: a run will clear it and run again";
    }
    return run.overwrite
        ? "the output is not empty: --overwrite will replace it"
        : "the output is not empty: a run would stop with exit code 2 unless --overwrite";
  }
}
