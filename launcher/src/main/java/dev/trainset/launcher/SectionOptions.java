package dev.trainset.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of the commands that read only some sections of a run file ({@code export}: storage; {@code train}:
 * train and storage): the file, {@code --set}, the same keys as {@code --section.key=value} flags, logging.
 */
final class SectionOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "A run file, or for stream a stream file; the sections this command uses are read (storage; train for train; all for stream).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key, e.g. --set storage.s3.endpoint=http://127.0.0.1:9090 (repeatable).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--verbose", description = "Show library logs and stack traces.")
  boolean verbose;

  @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: trainset's stderr lines as JSON objects.")
  Lines.Format logFormat = Lines.Format.TEXT;

  /** trainset's own stderr lines. */
  Lines lines(CommandSpec spec) {
    PrintWriter err = spec.commandLine().getErr();
    return new Lines(logFormat, line -> {
      err.println(line);
      err.flush();
    });
  }

  /**
   * The configuration tree: the file, then {@code --set}, then the {@code --<section>.key=value} flags among
   * {@code unmatched}; the other unmatched flags are Beam options and go to {@code beamOut}.
   */
  ObjectNode tree(List<String> unmatched, List<String> beamOut, String... sections) {
    ObjectNode tree = ConfigLoader.load(config, System::getenv);
    ConfigLoader.applySets(tree, sets);
    List<String> dotted = new ArrayList<>();
    for (String f : unmatched) {
      String name = f.startsWith("--") ? f.substring(2).split("=", 2)[0] : "";
      boolean ours = false;
      for (String s : sections) {
        ours |= name.startsWith(s + ".");
      }
      if (!ours) {
        beamOut.add(f);
      } else if (!f.contains("=")) {
        throw new TrainsetException(TrainsetException.USAGE, "'" + f + "': expected " + f + "=value");
      } else {
        dotted.add(f.substring(2));
      }
    }
    ConfigLoader.applySets(tree, dotted);
    return tree;
  }
}
