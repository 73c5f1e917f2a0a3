package dev.trainset.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.storage.Storage;
import dev.trainset.launcher.stream.FlinkJobs;
import dev.trainset.launcher.stream.KafkaProgress;
import dev.trainset.launcher.stream.RestorePoints;
import dev.trainset.launcher.stream.StopSignals;
import dev.trainset.pipelines.batch.Jobs;
import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.pipelines.stream.EarlierWindows;
import dev.trainset.pipelines.stream.KafkaMessages;
import dev.trainset.pipelines.stream.StreamGraph;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trainset stream}: reads a Kafka topic (or Event Hubs' Kafka endpoint) into event-time windows of training
 * data, each with its manifest and {@code _SUCCESS}, on embedded Flink unless a runner configuration says otherwise.
 * With {@code --stop-after-idle} it drains (every window closes and is written) and ends once no record has arrived
 * for that long and every record is in a completed checkpoint.
 */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description = {
      "Turn a stream (Kafka, Event Hubs' Kafka endpoint) into windows of training data.",
      "Unrecognised --name=value flags are Beam pipeline options (e.g. --checkpointingInterval=10000)."
    })
final class StreamCommand implements Callable<Integer>, ResultLine.Owner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ResultLine resultLine = new ResultLine();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin SectionOptions options;

  @Option(
      names = "--stop-after-idle",
      paramLabel = "DURATION",
      converter = RunOptions.WaitConverter.class,
      description = "Drain and stop once no record has arrived for this long (e.g. 30s, 5m): for tests, backfills and cron.")
  Duration stopAfterIdle;

  @Option(
      names = "--stop-at",
      paramLabel = "TIME",
      converter = InstantConverter.class,
      description = "Drain and stop at this time (2026-12-08T06:00:00Z, or with an offset: 2026-12-08T07:00:00+01:00): for cron.")
  java.time.Instant stopAt;

  /** An instant as ISO-8601 with a zone: {@code Z} or an offset. */
  static final class InstantConverter implements CommandLine.ITypeConverter<java.time.Instant> {
    @Override
    public java.time.Instant convert(String v) {
      try {
        return java.time.OffsetDateTime.parse(v.trim()).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("expected a time with its zone, such as 2026-12-08T06:00:00Z, got '" + v + "'");
      }
    }
  }

  @Option(names = "--runner-config", paramLabel = "FILE", description = "A runner configuration (default: embedded Flink, checkpoints every 5 s).")
  Path runnerConfig;

  @Option(
      names = "--fresh",
      description = "Start from the consumer group's committed offsets, not from the last checkpoint or savepoint (whose waiting records are then not written).")
  boolean fresh;

  @CommandLine.Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public ResultLine resultLine() {
    return resultLine;
  }

  @Override
  public Integer call() throws Exception {
    Lines lines = options.lines(spec);
    List<String> beam = new ArrayList<>();
    ObjectNode tree = options.tree(beamArgs, beam, StreamConfig.ROOT_KEYS.toArray(new String[0]));
    StreamConfig cfg = StreamConfig.from(tree);
    String out = StreamGraph.outputFolder(cfg);
    resultLine.know("output", out);
    if (!(cfg.source() instanceof StreamConfig.Kafka kafka)) {
      throw TrainsetException.config("source.kinesis", "Kinesis streams are not built yet (Kafka and Event Hubs are)");
    }
    RestorePoints restore = new RestorePoints(checkpointFolder(cfg, out));
    RestorePoints.Point from = fresh ? null : restore.newest();
    int restPort = freePort();
    // trainset's defaults for streams, under what a runner configuration and the command line say.
    List<String> base = new ArrayList<>(Storage.beamArgs(cfg.storage(), List.of(out)));
    base.addAll(List.of(
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--streaming=true", "--checkpointingInterval=5000", "--autoWatermarkInterval=200",
        // Checkpoints outlive the job (a crash, a kill, a cancel), so the next run can resume from the newest.
        "--externalizedCheckpointsEnabled=true", "--retainExternalizedCheckpointsOnCancellation=true",
        // The job's own checkpoint storage, so a cluster checkpoints there too (not into its JobManager's memory).
        "--stateBackend=filesystem", "--stateBackendStoragePath=" + restore.folder().toUri()));
    if (from != null) {
      base.add("--savepointPath=" + from.path().toUri());
    }
    // A name of this run's own, so that the launcher watches and stops this job, not another one on a shared cluster.
    String jobName = "trainset-stream-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    beam = new ArrayList<>(beam);
    if (beam.stream().noneMatch(a -> a.startsWith("--jobName="))) {
      beam.add("--jobName=" + jobName);
    } else {
      jobName = beam.stream().filter(a -> a.startsWith("--jobName=")).findFirst().orElseThrow().substring("--jobName=".length());
    }
    // Flink keeps checkpoints in the JobManager's memory unless told otherwise, and fails a checkpoint past 5 MB
    // ("Size of the state is larger than the maximum permitted memory-backed state"): a window of a few tens of
    // thousands of records. The embedded cluster checkpoints to the stream's checkpoint folder instead.
    Files.createDirectories(restore.folder());
    Map<String, String> flink = new java.util.HashMap<>(Map.of(
        "rest.port", String.valueOf(restPort), "rest.bind-port", String.valueOf(restPort), "rest.address", "127.0.0.1",
        "rest.bind-address", "127.0.0.1", "state.checkpoints.dir", restore.folder().toUri().toString()));
    if (from != null) {
      // Beam gives --savepointPath to a cluster only; the embedded mini-cluster reads it from its configuration.
      flink.put("execution.savepoint.path", from.path().toUri().toString());
    }
    PipelineOptions pipeline = BeamOptions.from(base, beam, runnerConfig, flink);
    if (!pipeline.getRunner().getSimpleName().equals("FlinkRunner")) {
      throw new TrainsetException(TrainsetException.USAGE, "trainset stream runs on Flink (embedded or a cluster), not on " + pipeline.getRunner().getSimpleName());
    }
    FileSystems.setDefaultPipelineOptions(pipeline);
    if (out.contains("://") && !out.startsWith("file://")) {
      Storage.check(pipeline, "output.path", out, false);
    }
    String master = pipeline.as(FlinkPipelineOptions.class).getFlinkMaster();
    boolean embedded = master == null || master.equals("[local]") || master.equals("[auto]");
    FlinkJobs jobs = new FlinkJobs(embedded ? "http://127.0.0.1:" + restPort : master.startsWith("http") ? master : "http://" + master);

    try (KafkaProgress progress = new KafkaProgress(kafka)) {
      progress.check();
      String start = "trainset " + Trainset.version() + ": stream " + String.join(",", kafka.topics()) + " at " + kafka.bootstrapServers()
          + " -> " + out + " in " + cfg.window().size().toSeconds() + " s windows on " + (embedded ? "embedded Flink" : "Flink at " + master);
      lines.info(start, start);
      if (stopAt != null && stopAt.isBefore(java.time.Instant.now())) {
        throw new TrainsetException(TrainsetException.USAGE, "--stop-at " + stopAt + " has passed");
      }
      if (from != null) {
        lines.info("resuming from " + from.describe() + " of " + from.written() + " (" + restore.folder()
            + "): the records that were waiting for their window, and the positions after them; --fresh starts without it");
      }
      if (options.verbose) {
        lines.info("effective configuration: " + cfg.masked());
      }
      StopSignals signals = StopSignals.install();
      Pipeline p = Pipeline.create(pipeline);
      // A run without state continues after the windows earlier runs completed: their records are late from now on. A
      // resumed run keeps the bound its line of jobs started with, so a replay after a restore writes what it wrote.
      EarlierWindows earlier = EarlierWindows.read(out);
      if (from == null) {
        restore.startLine(earlier.closedBefore());
      } else {
        earlier = earlier.closedBefore(restore.lineStart(EarlierWindows.NONE));
      }
      if (from == null && earlier.count() > 0) {
        lines.info("continuing after " + earlier.count() + " complete window" + (earlier.count() == 1 ? "" : "s") + " (the newest "
            + earlier.newest() + "); records of those windows are rejected as late");
      }
      p.apply("Kafka", KafkaMessages.from(kafka, StreamGraph.eventTimeField(cfg), cfg.window().allowedLateness()))
          .apply("Windows", StreamGraph.after(cfg, earlier));
      long began = System.nanoTime();
      AtomicReference<Object> ended = new AtomicReference<>();
      Thread job = new Thread(() -> {
        try {
          ended.set(Jobs.runToCompletion(p, "stream"));
        } catch (RuntimeException e) {
          ended.set(e);
        }
      }, "trainset-stream-job");
      job.setDaemon(true);
      job.start();
      String id = null;
      boolean stopping = false;
      boolean savedForNextRun = false;
      boolean pruned = from == null && !fresh;
      String stopRequest = null;
      boolean caughtUp = false;
      boolean offsetsMissing = false;
      long lastReport = System.nanoTime();
      while (job.isAlive()) {
        if (!stopping && signals.await(2000) && id != null) {
          lines.info(signals.signal() + ": stopping with a savepoint (the records waiting for their window are kept for the next run)");
          stopRequest = jobs.stopWithSavepoint(id, restore.savepoints().toUri().toString(), false);
          stopping = true;
          savedForNextRun = true;
          continue;
        }
        if (signals.requested() && id == null) {
          lines.info(signals.signal() + " before the job started: nothing to save");
          return 130;
        }
        job.join(stopping ? 500 : 1);
        if (!job.isAlive()) {
          break;
        }
        if (id == null) {
          id = jobs.runningJob(jobName);
          if (id != null) {
            lines.info("job " + id + " is running"
                + (stopAfterIdle == null ? "" : "; it stops once no record has arrived for " + stopAfterIdle.toSeconds() + " s")
                + (stopAt == null ? "" : (stopAfterIdle == null ? "; it stops at " : ", or at ") + stopAt));
          }
          continue;
        }
        if (!pruned && jobs.completedCheckpoints(id) > 0) {
          // This job has a checkpoint of its own: the points it started from (and a fresh start's old ones) are behind it.
          restore.removeAllBut(id);
          pruned = true;
        }
        String failure = jobs.newFailure(id);
        if (failure != null) {
          lines.info("the job failed and restarts from its last checkpoint: " + failure);
        }
        KafkaProgress.Offsets o;
        try {
          o = progress.poll();
        } catch (Exception e) {
          // The job goes on; only the launcher's view of the topics is missing for now (and ending the launcher here
          // would end the job with it).
          if (!offsetsMissing) {
            lines.info("cannot read the topics' offsets from Kafka for now (" + e.getClass().getSimpleName() + "); the job goes on");
          }
          offsetsMissing = true;
          continue;
        }
        offsetsMissing = false;
        if (System.nanoTime() - lastReport > 10_000_000_000L && !o.caughtUp()) {
          lines.info(String.format("progress: %,d of %,d records checkpointed", o.committed(), o.ends()));
          lastReport = System.nanoTime();
        }
        if (o.caughtUp() && !caughtUp && o.ends() > 0) {
          double s = (System.nanoTime() - began) / 1e9;
          lines.info(String.format("caught up: %,d records checkpointed %.1f s after the start", o.ends(), s));
          caughtUp = true;
        }
        caughtUp &= o.caughtUp();
        boolean idle = stopAfterIdle != null && progress.idleAndCaughtUp(stopAfterIdle);
        boolean due = stopAt != null && !java.time.Instant.now().isBefore(stopAt);
        if (!stopping && (idle || due) && jobs.allRunning(id)) {
          // Only a running job can drain (not one restarting after a lost TaskManager); a refused request is asked again.
          Path savepoints = Files.createTempDirectory("trainset-savepoint-");
          try {
            jobs.stopWithSavepoint(id, savepoints.toUri().toString(), true);
            lines.info((idle ? "no record for " + stopAfterIdle.toSeconds() + " s and every record checkpointed" : "it is " + stopAt + " (--stop-at)")
                + ": draining (closing every window)");
            stopping = true;
          } catch (IOException e) {
            lines.info("the job could not drain yet (" + e.getMessage() + "); trying again");
          }
        }
      }
      if (ended.get() instanceof RuntimeException e) {
        throw e;
      }
      PipelineResult result = (PipelineResult) ended.get();
      String savedAt = null;
      if (savedForNextRun) {
        savedAt = jobs.savepoint(id, stopRequest);
        lines.info("stopped with a savepoint at " + savedAt + ": the next run with this configuration resumes from it");
      } else if (stopping) {
        // Drained: every window is written and every offset committed; nothing is left to resume from.
        restore.clear();
      }
      JsonNode latest = readLatest(out);
      long windows = latest == null ? 0 : latest.path("windows").asLong();
      long rows = latest == null ? 0 : latest.path("rows").asLong();
      long rejected = latest == null ? 0 : latest.path("rejected").asLong();
      long read = counter(result, "messagesRead");
      double seconds = (System.nanoTime() - began) / 1e9;
      lines.info(String.format("done in %.1f s: %,d messages read, %,d windows, %,d rows written, %,d rejected -> %s", seconds, read, windows, rows, rejected, out));
      ObjectNode r = JSON.createObjectNode();
      r.put("status", savedForNextRun ? "stopped" : "succeeded");
      if (savedAt != null) {
        r.put("savepoint", savedAt);
      }
      r.put("output", out);
      r.put("latest", out + "latest.json");
      r.put("windows", windows);
      r.putObject("counts").put("read", read).put("written", rows).put("rejected", rejected);
      r.put("durationSeconds", Math.round(seconds * 10) / 10.0);
      resultLine.print(spec.commandLine().getOut(), r);
      return 0;
    }
  }

  /**
   * Where the job's checkpoints and savepoints go: {@code checkpoints} in the stream file, else beside an output on
   * disk ({@code <output>/_trainset/checkpoints}), else (an output in an object store) a folder in the user's home
   * named after the output.
   */
  static Path checkpointFolder(StreamConfig cfg, String out) {
    if (cfg.checkpoints() != null) {
      return cfg.checkpoints().startsWith("file://") ? Path.of(java.net.URI.create(cfg.checkpoints())) : Path.of(cfg.checkpoints()).toAbsolutePath();
    }
    if (!out.contains("://") || out.startsWith("file://")) {
      Path dir = out.startsWith("file://") ? Path.of(java.net.URI.create(out)) : Path.of(out);
      return dir.resolve("_trainset").resolve("checkpoints").toAbsolutePath();
    }
    String id = dev.trainset.transforms.io.Sha256.hex(out).substring(0, 16);
    return Path.of(System.getProperty("user.home"), ".trainset", "checkpoints", id);
  }

  private static long counter(PipelineResult result, String name) {
    try {
      MetricQueryResults m = result.metrics().queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named(
          "dev.trainset.pipelines.stream.ParseMessages", name)).build());
      long n = 0;
      for (var c : m.getCounters()) {
        n += c.getAttempted();
      }
      return n;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static JsonNode readLatest(String out) {
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(out + "latest.json", false)))) {
      return JSON.readTree(in);
    } catch (IOException e) {
      return null; // no window was complete
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
