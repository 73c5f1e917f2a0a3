package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

public class RunOptionsTest {
  private static final long MB = 1024 * 1024;

  @Test
  public void withoutAChosenRunner_largeInputsRunOnEmbeddedFlink() {
    RunOptions o = new RunOptions();
    long limit = RunOptions.directMaxBytes(Runtime.getRuntime().maxMemory());
    assertFalse(o.defaultsToFlink(limit));
    assertTrue(o.defaultsToFlink(limit + 1));
    assertEquals("FlinkRunner", o.pipelineOptions(limit + 1).getRunner().getSimpleName());
    assertEquals("DirectRunner", o.pipelineOptions(limit).getRunner().getSimpleName());
  }

  @Test
  public void theDirectRunnersLimit_is256MB_orLessInASmallHeap() {
    assertEquals(256 * MB, RunOptions.directMaxBytes(6144 * MB));
    assertEquals(256 * MB, RunOptions.directMaxBytes(64 * 1024 * MB));
    assertEquals(1024 * MB / 24, RunOptions.directMaxBytes(1024 * MB));
    assertEquals(512 * MB / 24, RunOptions.directMaxBytes(512 * MB));
  }

  @Test
  public void aChosenRunnerIsNeverReplaced() {
    RunOptions flag = new RunOptions();
    flag.beamArgs = List.of("--runner=DirectRunner");
    assertFalse(flag.defaultsToFlink(10_000 * MB));
    RunOptions file = new RunOptions();
    file.runnerConfig = Path.of(System.getProperty("trainset.project.dir", ".."), "runner-configs/direct.yaml");
    assertFalse(file.defaultsToFlink(10_000 * MB));
    assertEquals("DirectRunner", file.pipelineOptions(10_000 * MB).getRunner().getSimpleName());
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
