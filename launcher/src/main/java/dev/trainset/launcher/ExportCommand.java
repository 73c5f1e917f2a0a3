package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.storage.Storage;
import dev.trainset.pipelines.config.StoragePaths;
import dev.trainset.pipelines.config.StorageSettings;
import dev.trainset.pipelines.export.Export;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code trainset export}: copies a training set to another place, verified file by file, optionally converted. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a training set to a folder, s3:// or azfs://, verified against its manifest.",
      "Every copied file must match the manifest's size and sha256; --format and --compression convert from the",
      "Parquet files. Running it again is a no-op; an interrupted export resumes. Unrecognised --name=value flags",
      "are Beam pipeline options (the runner of the conversion job)."
    })
final class ExportCommand implements Callable<Integer>, ResultLine.Owner {
  private final ResultLine resultLine = new ResultLine();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "URI", description = "The training set folder.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "URI", description = "The destination folder (abfss:// and wasbs:// are translated).")
  String to;

  @Option(names = "--format", split = ",", paramLabel = "FORMAT", description = "parquet, sagemaker-csv, features-csv, jsonl, mltable (repeatable or comma-separated; default: the source's formats).")
  List<String> formats = new ArrayList<>();

  @Option(names = "--compression", paramLabel = "gzip|none", description = "Compression of CSV and JSON Lines files (default: the source's).")
  String compression;

  @Option(names = "--overwrite", description = "Replace a destination that holds another export or run.")
  boolean overwrite;

  @CommandLine.Mixin SectionOptions options;

  @Option(names = "--runner-config", paramLabel = "FILE", description = "The runner for the conversion job (default: DirectRunner).")
  Path runnerConfig;

  @CommandLine.Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() {
    Lines lines = options.lines(spec);
    List<String> beam = new ArrayList<>();
    ObjectNode tree = options.tree(beamArgs, beam, "storage");
    StorageSettings storage = StorageSettings.fromTree(tree);
    String source = StoragePaths.normalize("--from", from);
    String dest = StoragePaths.normalize("--to", to);
    resultLine.know("source", source).know("output", dest);
    PipelineOptions pipeline = BeamOptions.from(Storage.beamArgs(storage, List.of(source, dest)), beam, runnerConfig);
    FileSystems.setDefaultPipelineOptions(pipeline);
    Storage.check(pipeline, "--from", source, true);
    Storage.check(pipeline, "--to", dest, false);
    String start = "trainset " + Trainset.version() + ": export " + source + " -> " + dest;
    lines.info(start, start);

    Export.Result r =
        Export.run(new Export.Settings(source, dest, formats, compression, overwrite, Trainset.version(), lines::info), pipeline);
    if (Export.ALREADY_COMPLETE.equals(r.status())) {
      lines.info("already complete: export " + r.exportId() + " is in " + r.output() + "; nothing to do");
    } else {
      lines.info(
          String.format(
              "done in %.1f s: %d files copied, %d kept, %d converted, %,d bytes -> %s",
              r.duration().toMillis() / 1000.0, r.copied(), r.kept(), r.converted(), r.bytes(), r.output()));
    }
    ObjectNode result = new ObjectMapper().createObjectNode();
    result.put("status", r.status());
    result.put("exportId", r.exportId());
    result.put("source", r.source());
    result.put("output", r.output());
    result.put("manifest", r.output() + "manifest.json");
    result.putObject("files").put("copied", r.copied()).put("kept", r.kept()).put("converted", r.converted());
    result.put("bytes", r.bytes());
    result.put("durationSeconds", r.duration().toMillis() / 1000.0);
    resultLine.print(spec.commandLine().getOut(), result);
    return 0;
  }

  @Override
  public ResultLine resultLine() {
    return resultLine;
  }
}
