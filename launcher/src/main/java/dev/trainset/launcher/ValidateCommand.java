package dev.trainset.launcher;

import dev.trainset.pipelines.batch.BatchIngest;
import dev.trainset.pipelines.batch.Formats;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.batch.SchemaResolver;
import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.transforms.slice.WriteSlice;
import dev.trainset.transforms.split.Apportionment;
import dev.trainset.transforms.split.GroupPlan;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.prepare.Preparation;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

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
    dev.trainset.launcher.training.TrainSettings train = dev.trainset.launcher.training.TrainSettings.checked(cfg.effective());
    run.connectStorage(cfg);
    BatchIngest.Plan plan = BatchIngest.plan(cfg, run.settings(line -> {}));
    cfg = plan.config();
    RunConfig.Format format = Formats.resolve(cfg.input(), plan.files());
    try (ScratchDir scratch = new ScratchDir("trainset-validate-")) {
      BatchIngest.DryRun dry = BatchIngest.dryRun(plan, run.pipelineOptions(), run.settings(line -> {}), OutputDir.of(scratch.path().toString()));
      SchemaResolver.Resolved schema = dry.schema();
      long bytes = plan.files().stream().mapToLong(Metadata::sizeBytes).sum();
      OutputDir dir = OutputDir.of(cfg.output().path());
      out.printf("run id:   %s%n", plan.runId());
      out.printf("input:    %s: %d file(s), %,d bytes, format %s%n", cfg.input().path(), plan.files().size(), bytes, format.configName());
      out.printf("schema:   %d columns, %s%n", schema.schema().size(), schema.source());
      for (ColumnSpec c : schema.schema().columns()) {
        out.printf("          %-30s %s%s%n", c.name(), c.describeType(), c.domain() == null ? "" : " " + c.domain());
      }
      Preparation prep = dry.preparation();
      out.printf("columns:  %s%s%n", String.join(", ", prep.output().names()), prep.hasLabel() ? " (label first)" : "");
      List<String> formats = new java.util.ArrayList<>();
      cfg.output().formats().forEach(f -> formats.add(f.configName()));
      if (cfg.output().mltable()) {
        formats.add("mltable");
      }
      out.printf("output:   %s (%s; parquet compression %s)%n", dir.root(), String.join(", ", formats), cfg.output().compression().configName());
      for (String split : cfg.split().names()) {
        List<String> folders = new java.util.ArrayList<>();
        cfg.output().formats().forEach(f -> folders.add(dir.path(WriteSlice.destination(split, f) + "/")));
        out.printf("          %s%n", String.join("  ", folders));
      }
      out.printf("          %s  %s  %s  %s  %s%n", dir.path("rejected/"), dir.path(OutputDir.MANIFEST), dir.path(BatchIngest.STATS_FILE), dir.path(BatchIngest.REPORT_FILE), dir.path(OutputDir.SUCCESS));
      RunConfig.SplitSettings split = cfg.split();
      if (split.method() != RunConfig.SplitMethod.NONE) {
        List<String> fr = new java.util.ArrayList<>();
        for (int i = 0; i < split.names().size(); i++) {
          fr.add(split.names().get(i) + " " + split.fractions().get(i).toPlainString());
        }
        out.printf("split:    %s, seed %d, %s%s%n", split.method().name().toLowerCase(java.util.Locale.ROOT), split.seed(), String.join(", ", fr),
            split.groupBy() == null ? "" : ", grouped by " + split.groupBy());
        if (dry.plan() != null) {
          printPlan(out, dry.plan().apportionment(), dry.plan().splits(), dry.plan().unitName());
        } else if (dry.groupPlan() != null) {
          GroupPlan.Planned g = dry.groupPlan();
          printPlan(out, g.apportionment(), g.splits(), "group");
          StringBuilder rows = new StringBuilder(String.format("          %-20s", "rows"));
          for (long n : g.rows()) {
            rows.append(String.format(" %,12d", n));
          }
          out.println(rows);
        } else {
          out.println("          (hash split: counts are known only after the run)");
        }
      }
      out.printf("          %s%n", outputState(dir, plan.runId()));
      out.printf("rejects:  the run fails when more than %s of the records are rejected%n", cfg.maxRejectedFraction());
      if (train.target() != null) {
        out.printf("train:    then a %s job%s (trainset train --dry-run shows the request)%n", train.target().configName(),
            train.waitForJob() ? ", followed to its end" : "");
      }
      out.println("valid: nothing was written");
      return 0;
    }
  }

  /** The apportionment as a table: one line per class, one column per split, and the totals (of rows or groups). */
  static void printPlan(PrintWriter out, Apportionment a, List<String> splits, String unitName) {
    StringBuilder head =
        new StringBuilder(String.format("          %-20s", unitName.equals("group") ? "class (groups)" : "class (rows)"));
    for (String s : splits) {
      head.append(String.format(" %12s", s));
    }
    out.println(head);
    a.asMap().forEach((cls, counts) -> {
      StringBuilder line = new StringBuilder(String.format("          %-20s", cls));
      for (long n : counts) {
        line.append(String.format(" %,12d", n));
      }
      out.println(line);
    });
    StringBuilder total = new StringBuilder(String.format("          %-20s", "total"));
    for (long n : a.totals()) {
      total.append(String.format(" %,12d", n));
    }
    out.println(total);
  }

  private String outputState(OutputDir dir, String runId) {
    if (dir.list().isEmpty()) {
      return "the output folder is empty or absent: the run will create it";
    }
    dev.trainset.pipelines.batch.Manifest done = dir.completedManifest();
    if (done != null && runId.equals(done.runId())) {
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
