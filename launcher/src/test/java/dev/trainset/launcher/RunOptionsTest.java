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
    assertFalse(o.defaultsToFlink(256 * MB));
    assertTrue(o.defaultsToFlink(256 * MB + 1));
    assertEquals("FlinkRunner", o.pipelineOptions(300 * MB).getRunner().getSimpleName());
    assertEquals("DirectRunner", o.pipelineOptions(10 * MB).getRunner().getSimpleName());
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
