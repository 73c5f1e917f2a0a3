package dev.trainset.launcher;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;

/**
 * The embedded Flink mini-cluster of a batch run, started in the background while the launcher does its own work
 * (Beam's options, the first pass), instead of inside the job's submission.
 *
 * <p>Left to Beam ({@code flinkMaster: "[local]"}), Flink starts a mini-cluster when the job is submitted, after the
 * first pass and the pipeline's translation: about 2–3 s of class loading and start-up on 2 cores (BENCHMARKS.md)
 * spent while nothing else runs. {@link #start} starts the same mini-cluster (the same Flink configuration, a task
 * manager with a slot per task) on a thread of its own and installs it as Flink's context environment; Beam reaches
 * it with {@code flinkMaster: "[auto]"}. The first job runs on it and shuts it down when it ends, as Flink's local
 * executor does; a later job in the same JVM, or one that needs more slots, gets a mini-cluster of its own.
 */
final class WarmMiniCluster {
  private static final String TARGET = "trainset-embedded";

  private static CompletableFuture<MiniCluster> warm;
  private static int warmSlots;

  private WarmMiniCluster() {}

  /** Starts the mini-cluster for jobs of {@code parallelism} tasks under {@code conf}, and makes it Flink's context. */
  static synchronized void start(Configuration conf, int parallelism) {
    Configuration clusterConf = new Configuration(conf);
    if (!clusterConf.contains(CoreOptions.CHECK_LEAKED_CLASSLOADER)) {
      clusterConf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false); // as Beam sets it for [local]
    }
    if (!clusterConf.contains(RestOptions.BIND_PORT)) {
      clusterConf.set(RestOptions.BIND_PORT, "0");
    }
    warmSlots = clusterConf.getOptional(TaskManagerOptions.NUM_TASK_SLOTS).orElse(Math.max(1, parallelism));
    MiniClusterConfiguration mcc = miniClusterConfiguration(clusterConf, warmSlots);
    CompletableFuture<MiniCluster> started = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                MiniCluster mc = new MiniCluster(mcc);
                mc.start();
                started.complete(mc);
              } catch (Throwable e) {
                started.completeExceptionally(e);
              }
            },
            "trainset-flink-start");
    t.setDaemon(true);
    t.start();
    if (warm != null) {
      warm.thenAccept(MiniCluster::closeAsync); // started for a run that ran no job
    }
    warm = started;
    Configuration envConf = new Configuration(clusterConf);
    envConf.set(DeploymentOptions.TARGET, TARGET);
    envConf.set(DeploymentOptions.ATTACHED, true);
    Context.install(envConf);
  }

  /**
   * Closes a started mini-cluster that no job took (the run ended before its job: already complete, or an error) and
   * takes it out of Flink's context, so nothing of it outlives the run.
   */
  static synchronized void discard() {
    if (warm != null) {
      warm.thenAccept(MiniCluster::closeAsync);
      warm = null;
      Context.reset();
    }
  }

  /** Whether a started mini-cluster waits for its job. */
  static synchronized boolean waiting() {
    return warm != null;
  }

  private static MiniClusterConfiguration miniClusterConfiguration(Configuration conf, int slots) {
    return new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(conf.get(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS))
        .setRpcServiceSharing(RpcServiceSharing.SHARED)
        .setNumSlotsPerTaskManager(slots)
        .build();
  }

  /** The started mini-cluster for a job of {@code parallelism} tasks (waiting for its start), or a new one. */
  private static MiniCluster forJob(Configuration conf, int parallelism) throws Exception {
    CompletableFuture<MiniCluster> w;
    int slots;
    synchronized (WarmMiniCluster.class) {
      w = warm;
      slots = warmSlots;
      warm = null;
      Context.reset(); // later jobs in this JVM (flinkMaster [local]) make their own environments again
    }
    if (w != null) {
      MiniCluster mc;
      try {
        mc = w.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
      }
      if (parallelism <= slots) {
        return mc;
      }
      mc.closeAsync();
    }
    Configuration c = new Configuration(conf);
    if (!c.contains(RestOptions.BIND_PORT)) {
      c.set(RestOptions.BIND_PORT, "0");
    }
    MiniCluster mc = new MiniCluster(miniClusterConfiguration(c, Math.max(1, parallelism)));
    mc.start();
    return mc;
  }

  /** Runs a Flink plan on the mini-cluster, as Flink's local executor does; the cluster shuts down with the job. */
  private static final class Executor implements PipelineExecutor, PipelineExecutorFactory, PipelineExecutorServiceLoader {
    @Override
    public CompletableFuture<JobClient> execute(Pipeline pipeline, Configuration conf, ClassLoader classLoader) throws Exception {
      JobGraph job = PipelineExecutorUtils.getJobGraph(pipeline, conf, classLoader);
      MiniCluster mc = forJob(conf, job.getMaximumParallelism());
      return mc.submitJob(job)
          .thenApply(
              submitted ->
                  (JobClient)
                      new MiniClusterJobClient(
                          submitted.getJobID(), mc, classLoader, MiniClusterJobClient.JobFinalizationBehavior.SHUTDOWN_CLUSTER))
          .whenComplete(
              (client, e) -> {
                if (e != null) {
                  mc.closeAsync();
                }
              });
    }

    @Override
    public String getName() {
      return TARGET;
    }

    @Override
    public boolean isCompatibleWith(Configuration conf) {
      return TARGET.equals(conf.get(DeploymentOptions.TARGET));
    }

    @Override
    public PipelineExecutor getExecutor(Configuration conf) {
      return this;
    }

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration conf) {
      return this;
    }

    @Override
    public Stream<String> getExecutorNames() {
      return Stream.of(TARGET);
    }
  }

  /** Reaches Flink's protected hook for the environment that {@code ExecutionEnvironment.getExecutionEnvironment()} returns. */
  private static final class Context extends ExecutionEnvironment {
    private Context() {}

    static void install(Configuration conf) {
      Executor executor = new Executor();
      ClassLoader loader = WarmMiniCluster.class.getClassLoader();
      initializeContextEnvironment(() -> new ExecutionEnvironment(executor, conf, loader));
    }

    static void reset() {
      resetContextEnvironment();
    }
  }
}
