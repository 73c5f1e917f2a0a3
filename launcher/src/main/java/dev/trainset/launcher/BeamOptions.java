package dev.trainset.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.pipelines.config.TrainsetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Beam pipeline options: from a runner configuration file ({@code runner-configs/*.yaml}: {@code runner} and an
 * {@code options} mapping), then the flags the command line did not consume ({@code --runner=FlinkRunner},
 * {@code --flinkMaster=[local]}, ...), which win. DirectRunner is the default; outside tests it runs with
 * immutability and encodability enforcement off (they copy every element) and returns at once so trainset can print
 * progress.
 */
final class BeamOptions {
  private BeamOptions() {}

  static PipelineOptions from(List<String> beamArgs, Path runnerConfig) {
    return from(List.of(), beamArgs, runnerConfig);
  }

  /** As {@link #from(List, Path)}, over {@code base} flags (trainset's storage settings), which both may replace. */
  static PipelineOptions from(List<String> base, List<String> beamArgs, Path runnerConfig) {
    return from(base, beamArgs, runnerConfig, Map.of());
  }

  /**
   * As {@link #from(List, List, Path)}, with {@code flinkDefaults}: Flink settings for the embedded mini-cluster that
   * the runner configuration's {@code flinkConf} may replace (the stream command's REST port).
   */
  static PipelineOptions from(List<String> base, List<String> beamArgs, Path runnerConfig, Map<String, String> flinkDefaults) {
    return from(base, beamArgs, runnerConfig, flinkDefaults, false);
  }

  /**
   * As {@link #from(List, List, Path, Map)}; with {@code warmFlink}, a batch run on embedded Flink starts its
   * mini-cluster now, in the background ({@link WarmMiniCluster}), for the job that follows.
   */
  static PipelineOptions from(
      List<String> base, List<String> beamArgs, Path runnerConfig, Map<String, String> flinkDefaults, boolean warmFlink) {
    List<String> args = new ArrayList<>(base);
    RunnerFile file = RunnerFile.read(runnerConfig);
    for (String a : file.args()) {
      replace(args, a);
    }
    for (String a : beamArgs) {
      if (!a.startsWith("--")) {
        throw new TrainsetException(
            TrainsetException.USAGE, "unexpected argument '" + a + "' (Beam pipeline options are written --name=value)");
      }
      replace(args, a);
    }
    boolean direct = args.stream().noneMatch(a -> a.startsWith("--runner=")) || args.contains("--runner=DirectRunner");
    if (direct) {
      addDefault(args, "--blockOnRun", "false");
      addDefault(args, "--enforceImmutability", "false");
      addDefault(args, "--enforceEncodability", "false");
      addDefault(args, "--targetParallelism", String.valueOf(Runtime.getRuntime().availableProcessors()));
    }
    if (args.contains("--runner=FlinkRunner")) {
      // Chained Flink operators pass elements without a coder copy; safe because no trainset DoFn mutates its input.
      addDefault(args, "--objectReuse", "true");
      // The same for elements crossing operators inside a task; without it Flink's runner also logs a warning.
      addDefault(args, "--fasterCopy", "true");
      if (EmbeddedFlink.isEmbedded(args)) {
        // Beam reads -1 (its default) on a mini-cluster as Flink's parallelism.default, 1: one core of many.
        String p = args.stream().filter(a -> a.startsWith("--parallelism=")).findFirst().orElse("--parallelism=-1");
        if (p.equals("--parallelism=-1")) {
          replace(args, "--parallelism=" + Runtime.getRuntime().availableProcessors());
        }
      }
    }
    Map<String, String> flinkConf = new TreeMap<>(flinkDefaults);
    flinkConf.putAll(file.flinkConf());
    boolean ownFolder = args.stream().anyMatch(a -> a.startsWith("--flinkConfDir=")) || (System.getenv("FLINK_CONF_DIR") != null && !System.getenv("FLINK_CONF_DIR").isBlank());
    if (file.flinkConf().isEmpty() && (!EmbeddedFlink.isEmbedded(args) || ownFolder)) {
      flinkConf.clear(); // defaults for a generated mini-cluster configuration only
    }
    EmbeddedFlink.configure(args, flinkConf, System.getenv("FLINK_CONF_DIR"));
    if (warmFlink && EmbeddedFlink.isEmbedded(args) && !args.contains("--streaming=true")
        && EmbeddedFlink.startWarm(args, System.getenv("FLINK_CONF_DIR"))) {
      replace(args, "--flinkMaster=[auto]");
    }
    try {
      return PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).withValidation().create();
    } catch (IllegalArgumentException e) {
      throw new TrainsetException(TrainsetException.USAGE, "Beam pipeline options: " + e.getMessage().split("\n")[0]);
    }
  }

  /**
   * A runner configuration file: {@code runner} and {@code options} as Beam flags, and {@code flinkConf}, Flink
   * settings for the embedded mini-cluster ({@link EmbeddedFlink}).
   */
  record RunnerFile(List<String> args, Map<String, String> flinkConf) {
    static RunnerFile read(Path file) {
      List<String> args = new ArrayList<>();
      Map<String, String> flinkConf = new TreeMap<>();
      if (file == null) {
        return new RunnerFile(args, flinkConf);
      }
      JsonNode tree = ConfigLoader.load(file, System::getenv);
      Iterator<String> keys = tree.fieldNames();
      while (keys.hasNext()) {
        String k = keys.next();
        if (!k.equals("runner") && !k.equals("options") && !k.equals("flinkConf")) {
          throw new TrainsetException(
              TrainsetException.USAGE,
              "runner config '" + file + "': unknown key '" + k + "' (known keys: runner, options, flinkConf)");
        }
      }
      if (tree.hasNonNull("runner")) {
        args.add("--runner=" + tree.get("runner").asText());
      }
      Iterator<Map.Entry<String, JsonNode>> it = tree.path("options").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        args.add("--" + e.getKey() + "=" + (v.isValueNode() ? v.asText() : v.toString()));
      }
      Iterator<Map.Entry<String, JsonNode>> conf = tree.path("flinkConf").fields();
      while (conf.hasNext()) {
        Map.Entry<String, JsonNode> e = conf.next();
        if (!e.getValue().isValueNode()) {
          throw new TrainsetException(
              TrainsetException.USAGE,
              "runner config '" + file + "': flinkConf." + e.getKey() + " must be a single value (a Flink option, e.g."
                  + " taskmanager.memory.managed.size: 256m)");
        }
        flinkConf.put(e.getKey(), e.getValue().asText());
      }
      return new RunnerFile(args, flinkConf);
    }
  }

  private static void replace(List<String> args, String a) {
    String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
    args.removeIf(x -> x.equals(name) || x.startsWith(name + "="));
    args.add(a);
  }

  private static void addDefault(List<String> args, String name, String value) {
    if (args.stream().noneMatch(a -> a.startsWith(name + "=") || a.equals(name))) {
      args.add(name + "=" + value);
    }
  }
}
