package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.trainset.pipelines.batch.BatchIngest;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

public class RunOptionsTest {
  @Test
  public void withoutAChosenRunner_runsInThisProcess_withOneOnIt() {
    assertEquals(BatchIngest.Execution.LAUNCHER, new RunOptions().execution());
    RunOptions flag = new RunOptions();
    flag.beamArgs = List.of("--runner=DirectRunner");
    assertEquals(BatchIngest.Execution.JVM, flag.execution());
    RunOptions file = new RunOptions();
    file.runnerConfig = Path.of(System.getProperty("trainset.project.dir", ".."), "runner-configs/direct.yaml");
    assertEquals(BatchIngest.Execution.JVM, file.execution());
    assertEquals("DirectRunner", file.pipelineOptions().getRunner().getSimpleName());
    RunOptions embedded = new RunOptions();
    embedded.beamArgs = List.of("--runner=FlinkRunner", "--flinkMaster=[local]");
    assertEquals(BatchIngest.Execution.JVM, embedded.execution());
    RunOptions cluster = new RunOptions();
    cluster.beamArgs = List.of("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:18081");
    assertEquals(BatchIngest.Execution.CLUSTER, cluster.execution());
  }

  @Test
  public void dottedFlagsAreConfigKeys_otherFlagsAreBeamOptions() {
    assertTrue(RunOptions.isConfigFlag("--split.seed=7"));
    assertTrue(RunOptions.isConfigFlag("--maxRejectedFraction=0.1"));
    assertFalse(RunOptions.isConfigFlag("--parallelism=2"));
    assertFalse(RunOptions.isConfigFlag("--flinkMaster=[local]"));
    assertFalse(RunOptions.isConfigFlag("--foo.bar=1"));
  }
}
