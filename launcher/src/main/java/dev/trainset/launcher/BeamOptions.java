package dev.trainset.launcher;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Beam pipeline options from the flags the command line did not consume ({@code --runner=FlinkRunner},
 * {@code --flinkMaster=[local]}, ...). DirectRunner is the default; outside tests it runs with immutability and
 * encodability enforcement off (they copy every element) and returns at once so trainset can print progress.
 */
final class BeamOptions {
  private BeamOptions() {}

  static PipelineOptions from(List<String> beamArgs) {
    List<String> args = new ArrayList<>(beamArgs);
    for (String a : args) {
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException(
            "unexpected argument '" + a + "' (Beam pipeline options are written --name=value)");
      }
    }
    boolean direct = args.stream().noneMatch(a -> a.startsWith("--runner=")) || args.contains("--runner=DirectRunner");
    if (direct) {
      addDefault(args, "--blockOnRun", "false");
      addDefault(args, "--enforceImmutability", "false");
      addDefault(args, "--enforceEncodability", "false");
      addDefault(args, "--targetParallelism", String.valueOf(Runtime.getRuntime().availableProcessors()));
    }
    return PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).withValidation().create();
  }

  private static void addDefault(List<String> args, String name, String value) {
    if (args.stream().noneMatch(a -> a.startsWith(name + "=") || a.equals(name))) {
      args.add(name + "=" + value);
    }
  }
}
