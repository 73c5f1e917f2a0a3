package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.TrainsetException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/** Runs a Beam job to its end; a failed job becomes one error that names the step and the root cause. */
public final class Jobs {
  private Jobs() {}

  public static PipelineResult runToCompletion(Pipeline p, String what) {
    try {
      PipelineResult r = p.run();
      PipelineResult.State state = r.waitUntilFinish();
      if (state != null && state != PipelineResult.State.DONE) {
        throw new TrainsetException(TrainsetException.INTERNAL, "the " + what + " job ended in state " + state);
      }
      return r;
    } catch (TrainsetException e) {
      throw e;
    } catch (RuntimeException e) {
      Throwable root = e;
      while (true) {
        if (root instanceof TrainsetException) {
          throw (TrainsetException) root; // a data or config error raised inside a step keeps its exit code
        }
        if (root.getCause() == null || root.getCause() == root) {
          break;
        }
        root = root.getCause();
      }
      throw new TrainsetException(
          TrainsetException.INTERNAL, "the " + what + " job failed: " + root.getClass().getSimpleName() + ": " + root.getMessage(), e);
    }
  }
}
