package dev.trainset.launcher;

import dev.trainset.pipelines.config.TrainsetException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The configuration of the Flink mini-cluster that runs inside the trainset JVM ({@code flinkMaster: "[local]"}).
 *
 * <p>Left alone, Beam sizes the mini-cluster's managed memory (Flink's off-heap sort and spill buffers) at 40% of
 * the heap that is free when the job starts: 2.4 GB on a machine whose default heap is 6 GB, 1.6 GB on a 16 GB
 * laptop, on top of the heap itself. A fixed 128 MB sorts and spills a 10M-row split as fast (BENCHMARKS.md), so
 * trainset writes that to a {@code flink-conf.yaml} in a temporary folder and passes it as {@code flinkConfDir}. A runner configuration's {@code flinkConf} mapping adds to or
 * replaces these keys; a {@code --flinkConfDir} of one's own, or {@code FLINK_CONF_DIR}, is used as it is.
 */
final class EmbeddedFlink {
  private EmbeddedFlink() {}

  /** trainset's settings for the embedded mini-cluster. */
  static final Map<String, String> DEFAULTS = Map.of("taskmanager.memory.managed.size", "128m");

  /** Whether Beam flags describe a run on the embedded mini-cluster (Flink's {@code [auto]} is local outside a cluster). */
  static boolean isEmbedded(List<String> args) {
    if (!args.contains("--runner=FlinkRunner")) {
      return false;
    }
    String master = value(args, "--flinkMaster");
    return master == null || master.equals("[local]") || master.equals("[auto]");
  }

  /**
   * Adds {@code --flinkConfDir} pointing at a generated configuration to {@code args} when they run embedded Flink
   * and name no configuration of their own. {@code fromRunnerConfig} is the runner file's {@code flinkConf} mapping.
   */
  static void configure(List<String> args, Map<String, String> fromRunnerConfig, String flinkConfDirEnv) {
    boolean own = value(args, "--flinkConfDir") != null || (flinkConfDirEnv != null && !flinkConfDirEnv.isBlank());
    if (!isEmbedded(args)) {
      if (!fromRunnerConfig.isEmpty()) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            "runner config key 'flinkConf' applies to embedded Flink only (flinkMaster: \"[local]\"); a cluster reads its own"
                + " Flink configuration");
      }
      return;
    }
    if (own) {
      if (!fromRunnerConfig.isEmpty()) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            "runner config key 'flinkConf' cannot be combined with a Flink configuration folder (--flinkConfDir or"
                + " FLINK_CONF_DIR); put the keys in that folder's flink-conf.yaml");
      }
      return;
    }
    Map<String, String> conf = new TreeMap<>(DEFAULTS);
    conf.putAll(fromRunnerConfig);
    args.add("--flinkConfDir=" + write(conf));
  }

  /**
   * Starts the mini-cluster of a batch run now ({@link WarmMiniCluster}), with the Flink configuration Beam would load
   * ({@code --flinkConfDir}, else {@code FLINK_CONF_DIR}) and a slot per task ({@code --parallelism}). False, and
   * nothing started, when the parallelism is not a number (Beam's options then say so).
   */
  static boolean startWarm(List<String> args, String flinkConfDirEnv) {
    String p = value(args, "--parallelism");
    int parallelism;
    try {
      parallelism = p == null || Integer.parseInt(p) < 1 ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(p);
    } catch (NumberFormatException e) {
      return false;
    }
    String dir = value(args, "--flinkConfDir");
    if (dir == null && flinkConfDirEnv != null && !flinkConfDirEnv.isBlank()) {
      dir = flinkConfDirEnv;
    }
    Configuration conf = dir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(dir);
    WarmMiniCluster.start(conf, parallelism);
    return true;
  }

  private static Path write(Map<String, String> conf) {
    try {
      Path dir = Files.createTempDirectory("trainset-flink-conf-");
      Path file = dir.resolve("flink-conf.yaml");
      StringBuilder text = new StringBuilder("# Written by trainset for the embedded Flink mini-cluster of this run.\n");
      conf.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
      Files.writeString(file, text, StandardCharsets.UTF_8);
      // Deleted at exit in reverse order of registration: the file, then its folder.
      dir.toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot write the embedded Flink configuration: " + e.getMessage(), e);
    }
  }

  private static String value(List<String> args, String name) {
    String v = null;
    for (String a : args) {
      if (a.startsWith(name + "=")) {
        v = a.substring(name.length() + 1);
      }
    }
    return v;
  }
}
