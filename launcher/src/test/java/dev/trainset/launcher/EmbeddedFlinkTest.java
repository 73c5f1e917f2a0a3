package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.trainset.pipelines.config.TrainsetException;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class EmbeddedFlinkTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static String confDir(List<String> base, File runnerConfig) {
    return BeamOptions.from(List.of(), base, runnerConfig == null ? null : runnerConfig.toPath())
        .as(FlinkPipelineOptions.class)
        .getFlinkConfDir();
  }

  private File runnerConfig(String yaml) throws Exception {
    File f = tmp.newFile();
    Files.writeString(f.toPath(), yaml);
    return f;
  }

  @Test
  public void embeddedFlink_getsAFixedManagedMemory_thatFlinkReads() {
    String dir = confDir(List.of("--runner=FlinkRunner", "--flinkMaster=[local]"), null);
    Configuration conf = GlobalConfiguration.loadConfiguration(dir);
    assertEquals(MemorySize.parse("128m"), conf.get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
  }

  @Test
  public void embeddedFlink_runsATaskPerCore_unlessTheParallelismIsGiven() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    java.nio.file.Path shipped = java.nio.file.Path.of(System.getProperty("trainset.project.dir", ".."), "runner-configs/flink-local.yaml");
    assertEquals(cores, BeamOptions.from(List.of(), shipped).as(FlinkPipelineOptions.class).getParallelism().intValue());
    assertEquals(
        cores, BeamOptions.from(List.of("--runner=FlinkRunner", "--flinkMaster=[local]"), null).as(FlinkPipelineOptions.class).getParallelism().intValue());
    assertEquals(
        3,
        BeamOptions.from(List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=3"), null)
            .as(FlinkPipelineOptions.class).getParallelism().intValue());
    // A cluster's parallelism is the cluster's business.
    assertEquals(
        -1, BeamOptions.from(List.of("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:1"), null).as(FlinkPipelineOptions.class).getParallelism().intValue());
  }

  @Test
  public void theRunnerConfigsFlinkConf_addsToAndReplacesTheDefaults() throws Exception {
    File rc =
        runnerConfig(
            "runner: FlinkRunner\noptions:\n  flinkMaster: \"[local]\"\nflinkConf:\n"
                + "  taskmanager.memory.managed.size: 512m\n  taskmanager.memory.network.max: 32m\n");
    Configuration conf = GlobalConfiguration.loadConfiguration(confDir(List.of(), rc));
    assertEquals(MemorySize.parse("512m"), conf.get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
    assertEquals(MemorySize.parse("32m"), conf.get(TaskManagerOptions.NETWORK_MEMORY_MAX));
  }

  @Test
  public void aFlinkConfDirOfOnesOwn_isUsedAsItIs() throws Exception {
    File own = tmp.newFolder("conf");
    assertEquals(own.toString(), confDir(List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--flinkConfDir=" + own), null));
    List<String> args = new ArrayList<>(List.of("--runner=FlinkRunner", "--flinkMaster=[local]"));
    EmbeddedFlink.configure(args, Map.of(), "/etc/flink");
    assertEquals(List.of("--runner=FlinkRunner", "--flinkMaster=[local]"), args);
  }

  @Test
  public void aClusterOrTheDirectRunner_getNoGeneratedConfiguration() {
    assertNull(confDir(List.of("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:18081"), null));
    assertTrue(EmbeddedFlink.isEmbedded(List.of("--runner=FlinkRunner")));
    assertTrue(EmbeddedFlink.isEmbedded(List.of("--runner=FlinkRunner", "--flinkMaster=[auto]")));
    List<String> direct = new ArrayList<>(List.of("--runner=DirectRunner"));
    EmbeddedFlink.configure(direct, Map.of(), null);
    assertEquals(List.of("--runner=DirectRunner"), direct);
  }

  @Test
  public void flinkConf_forACluster_orBesideAConfDir_isAConfigError() throws Exception {
    File cluster =
        runnerConfig("runner: FlinkRunner\noptions:\n  flinkMaster: 10.0.0.5:8081\nflinkConf:\n  taskmanager.memory.managed.size: 1g\n");
    TrainsetException e = assertThrows(TrainsetException.class, () -> confDir(List.of(), cluster));
    assertEquals(TrainsetException.USAGE, e.exitCode());
    assertTrue(e.getMessage(), e.getMessage().startsWith("runner config key 'flinkConf' applies to embedded Flink only"));

    File local = runnerConfig("runner: FlinkRunner\nflinkConf:\n  taskmanager.memory.managed.size: 1g\n");
    e = assertThrows(TrainsetException.class, () -> confDir(List.of("--flinkConfDir=/etc/flink"), local));
    assertTrue(e.getMessage(), e.getMessage().startsWith("runner config key 'flinkConf' cannot be combined"));

    File nested = runnerConfig("runner: FlinkRunner\nflinkConf:\n  taskmanager:\n    memory: 1g\n");
    e = assertThrows(TrainsetException.class, () -> confDir(List.of(), nested));
    assertTrue(e.getMessage(), e.getMessage().endsWith("flinkConf.taskmanager must be a single value (a Flink option, e.g. taskmanager.memory.managed.size: 256m)"));
  }

  static final AtomicLong SUM = new AtomicLong();

  private static void runSum(PipelineOptions options) {
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L))
        .apply(Sum.longsGlobally())
        .apply(
            ParDo.of(
                new DoFn<Long, Void>() {
                  @ProcessElement
                  public void process(@Element Long v) {
                    SUM.addAndGet(v);
                  }
                }));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  public void aBatchRun_startsItsMiniClusterWithTheOptions_andItsJobRunsThere_thenALaterJobGetsItsOwn() {
    PipelineOptions options =
        BeamOptions.from(List.of(), List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2"), null, Map.of(), true);
    assertEquals("[auto]", options.as(FlinkPipelineOptions.class).getFlinkMaster());
    assertTrue(WarmMiniCluster.waiting());
    SUM.set(0);
    runSum(options);
    assertEquals(55, SUM.get());
    assertFalse("the job took the started mini-cluster", WarmMiniCluster.waiting());
    runSum(options); // the first cluster shut down with its job: this one starts its own
    assertEquals(110, SUM.get());
    runSum(BeamOptions.from(List.of(), List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1"), null));
    assertEquals("a later [local] job makes its own environment again", 165, SUM.get());
  }

  @Test
  public void aStartedMiniClusterThatNoJobTook_isDiscarded_andLocalJobsRunAsBefore() {
    BeamOptions.from(List.of(), List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1"), null, Map.of(), true);
    assertTrue(WarmMiniCluster.waiting());
    WarmMiniCluster.discard();
    assertFalse(WarmMiniCluster.waiting());
    SUM.set(0);
    runSum(BeamOptions.from(List.of(), List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1"), null));
    assertEquals(55, SUM.get());
  }

  @Test
  public void aStreamRun_orARunWithoutAJob_startsNoMiniCluster() {
    PipelineOptions stream =
        BeamOptions.from(List.of(), List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--streaming=true"), null, Map.of(), true);
    assertEquals("[local]", stream.as(FlinkPipelineOptions.class).getFlinkMaster());
    PipelineOptions validate =
        BeamOptions.from(List.of(), List.of("--runner=FlinkRunner", "--flinkMaster=[local]"), null, Map.of(), false);
    assertEquals("[local]", validate.as(FlinkPipelineOptions.class).getFlinkMaster());
    assertFalse(WarmMiniCluster.waiting());
  }
}
