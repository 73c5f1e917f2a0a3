package dev.trainset.pipelines.batch;

import java.util.function.LongSupplier;

/**
 * How a cluster reports the progress of a trainset job while it runs. Beam's metrics reach a Flink cluster's REST
 * API only when a task ends (a task is a whole partition of a batch job), so a running job is followed by the slices
 * it has finished, which the cluster counts as they end.
 */
@FunctionalInterface
public interface ClusterProgress {
  /**
   * Follows the job of this name that is about to be submitted (not an earlier job of the same name).
   *
   * @return the slices it has finished so far, or -1 while the cluster does not say
   */
  LongSupplier follow(String jobName);
}
