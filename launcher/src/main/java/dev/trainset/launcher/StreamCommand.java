package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.storage.Storage;
import dev.trainset.launcher.stream.FlinkJobs;
import dev.trainset.launcher.stream.KafkaProgress;
import dev.trainset.launcher.stream.KafkaSample;
import dev.trainset.launcher.stream.KinesisProgress;
import dev.trainset.launcher.stream.KinesisSample;
import dev.trainset.launcher.stream.SourceProgress;
import dev.trainset.launcher.stream.RestorePoints;
import dev.trainset.launcher.stream.StopSignals;
import dev.trainset.pipelines.batch.Jobs;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.pipelines.stream.EarlierWindows;
import dev.trainset.pipelines.stream.KafkaMessages;
import dev.trainset.pipelines.stream.KinesisMessages;
import dev.trainset.transforms.io.stream.EventTimeField;
import dev.trainset.pipelines.stream.SchemaSample;
import dev.trainset.pipelines.stream.StreamGraph;
import dev.trainset.pipelines.stream.WrittenPositions;
import dev.trainset.transforms.io.stream.Message;
import java.util.Set;
import org.apache.beam.sdk.values.PCollection;
import java.io.IOException;
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
 * {@code trainset stream}: reads a Kafka topic (or Event Hubs' Kafka endpoint) or a Kinesis stream into event-time windows of training
 * data, each with its manifest and {@code _SUCCESS}, on embedded Flink unless a runner configuration says otherwise.
 * With {@code --stop-after-idle} it drains (every window closes and is written) and ends once no record has arrived
 * for that long and every record is in a completed checkpoint.
 */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description = {
      "Turn a stream (Kafka, Event Hubs' Kafka endpoint, Amazon Kinesis) into windows of training data.",
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
      description = "Start from the consumer group's committed offsets (Kinesis: from startFrom), not from the last checkpoint or savepoint (whose waiting records are then not written).")
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
    RestorePoints restore = new RestorePoints(checkpointFolder(cfg, out));
    java.nio.channels.FileLock lock = restore.lock();
    if (lock == null) {
      throw new TrainsetException(
          TrainsetException.USAGE, "another trainset stream is running with the checkpoint folder " + restore.folder() + " (checkpoints)");
    }
    try {
      return run(lines, cfg, out, restore, beam);
    } finally {
      lock.channel().close();
    }
  }

  /** The run, with the checkpoint folder held. */
  private int run(Lines lines, StreamConfig cfg, String out, RestorePoints restore, List<String> beam) throws Exception {
    // A drain that never finished (the process was killed while it closed the windows) leaves its savepoint folder: the
    // windows it completed stay as written, so its line of jobs ends here, as the drain meant it to.
    if (restore.drainCut() && !fresh) {
      lines.info("the last run was stopped while it drained: starting without its checkpoints (the windows it completed stay as written; "
          + "records of them read again are rejected as late)");
      fresh = true;
    }
    // A restored job keeps the source, windows and schema it was started with: it resumes only the same configuration.
    String configSha = dev.trainset.transforms.io.Sha256.hex(cfg.effective().toString());
    if (!fresh && restore.newest() != null && !restore.sameConfiguration(configSha)) {
      throw TrainsetException.config(
          "checkpoints", "the checkpoints in " + restore.folder() + " were taken with another configuration (a restored job keeps its source, "
              + "windows and schema); put it back, or run with --fresh to start without them (the records waiting in them are then not written)");
    }
    if (fresh) {
      restore.clear(); // the old line of jobs is given up before the new one starts
    }
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
        "rest.bind-address", "127.0.0.1", "state.checkpoints.dir", restore.folder().toUri().toString(),
        // The job's counts, which the launcher's idle check for Kinesis reads, at most a second old (Flink's default: 10 s).
        "metrics.fetcher.update-interval", "1000"));
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
    if (!embedded && cfg.checkpoints() == null) {
      throw TrainsetException.config(
          "checkpoints", "a stream on a Flink cluster needs a checkpoint folder that this machine, the JobManager and every TaskManager reach (a shared mount)");
    }
    FlinkJobs jobs = new FlinkJobs(embedded ? "http://127.0.0.1:" + restPort : master.startsWith("http") ? master : "http://" + master);

    try (SourceProgress progress = cfg.source() instanceof StreamConfig.Kafka kafka ? new KafkaProgress(kafka)
        : new KinesisProgress((StreamConfig.Kinesis) cfg.source(), jobs)) {
      progress.check();
      String start = "trainset " + Trainset.version() + ": stream " + describe(cfg.source()) + " -> " + out + " in " + cfg.window().size().toSeconds() + " s windows on " + (embedded ? "embedded Flink" : "Flink at " + master);
      lines.info(start, start);
      if (stopAt != null && stopAt.isBefore(java.time.Instant.now())) {
        throw new TrainsetException(TrainsetException.USAGE, "--stop-at " + stopAt + " has passed");
      }
      if (cfg.schema() == null) {
        cfg = pinnedSchema(cfg, out, lines);
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
        restore.startLine(earlier.closedBefore(), configSha);
      } else {
        earlier = earlier.closedBefore(restore.lineStart(EarlierWindows.NONE));
      }
      if (from == null && earlier.count() > 0) {
        lines.info("continuing after " + earlier.count() + " complete window" + (earlier.count() == 1 ? "" : "s") + " (the newest "
            + earlier.newest() + "); records of those windows are rejected as late");
      }
      // What drained runs wrote is skipped. Kinesis keeps no group positions, so a run after a drain reads the shards
      // from the trim horizon and skips up to them, instead of starting from startFrom.
      WrittenPositions written = WrittenPositions.read(out);
      EventTimeField eventTime = StreamGraph.eventTimeField(cfg);
      PCollection<Message> messages;
      if (cfg.source() instanceof StreamConfig.Kafka kafka) {
        messages = p.apply("Kafka", KafkaMessages.from(kafka, eventTime, cfg.window().allowedLateness()));
      } else {
        StreamConfig.Kinesis kinesis = (StreamConfig.Kinesis) cfg.source();
        if (!written.isEmpty()) {
          kinesis = new StreamConfig.Kinesis(kinesis.stream(), kinesis.region(), StreamConfig.StartFrom.TRIM_HORIZON, kinesis.endpoint());
          if (from == null) {
            lines.info("continuing after the records drained runs wrote (" + written.last().size() + " shards, " + WrittenPositions.FILE
                + "): reading from the trim horizon and skipping those");
          }
        }
        messages = p.apply("Kinesis", KinesisMessages.from(kinesis, eventTime, cfg.window().allowedLateness()));
      }
      messages.apply("Windows", StreamGraph.after(cfg, earlier, written));
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
      Stop stop = null; // the stop asked of the job, while it is under way
      boolean signalled = false;
      String savedAt = null;
      boolean drained = false;
      boolean pruned = false;
      boolean caughtUp = false;
      boolean offsetsMissing = false;
      long lastReport = System.nanoTime();
      while (job.isAlive()) {
        if (!signalled && signals.await(stop == null ? 2000 : 0)) {
          signalled = true;
          if (id == null) {
            throw new TrainsetException(TrainsetException.INTERRUPTED, signals.signal() + " before the job was running: nothing to save");
          }
          lines.info(signals.signal() + ": stopping with a savepoint (the records waiting for their window are kept for the next run)");
        }
        job.join(stop != null ? 500 : signalled ? 1000 : 1); // a refused stop is asked again a second later
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
        if (stop != null) {
          // Follow the stop: where its savepoint went (asked while the job, and the embedded cluster's API, are up), or
          // that it failed, in which case the job goes on and the stop is asked again.
          try {
            String at = jobs.savepoint(id, stop.request());
            if (at != null && !stop.drain()) {
              savedAt = at;
            }
          } catch (IOException e) {
            lines.info("the " + (stop.drain() ? "drain" : "savepoint") + " failed (" + e.getMessage() + "); the job goes on, and it is asked again");
            stop = null;
          }
          continue;
        }
        if (signalled) {
          stop = requestStop(jobs, id, restore.savepoints(), false, lines, null);
          continue;
        }
        if (!pruned && restore.hasCheckpoint(id)) {
          // This job has a checkpoint of its own on disk: the points it started from are behind it.
          try {
            restore.removeAllBut(id);
          } catch (IOException | java.io.UncheckedIOException e) {
            lines.info("could not remove the older checkpoints in " + restore.folder() + " (" + e.getMessage() + "); they stay");
          }
          pruned = true;
        }
        String failure = jobs.newFailure(id);
        if (failure != null) {
          lines.info("the job failed and restarts from its last checkpoint: " + failure);
        }
        try {
          progress.poll(id);
        } catch (Exception e) {
          // The job goes on; only the launcher's view of the source is missing for now (and ending the launcher here
          // would end the job with it).
          if (!offsetsMissing) {
            lines.info("cannot read the source's positions for now (" + e.getClass().getSimpleName() + "); the job goes on");
          }
          offsetsMissing = true;
          continue;
        }
        offsetsMissing = false;
        String behind = progress.behind();
        if (System.nanoTime() - lastReport > 10_000_000_000L && behind != null) {
          lines.info("progress: " + behind);
          lastReport = System.nanoTime();
        }
        long all = progress.caughtUp();
        if (all >= 0 && !caughtUp) {
          double s = (System.nanoTime() - began) / 1e9;
          lines.info(String.format("caught up: %,d records checkpointed %.1f s after the start", all, s));
        }
        caughtUp = all >= 0;
        boolean idle = stopAfterIdle != null && progress.idleAndCaughtUp(stopAfterIdle);
        boolean due = stopAt != null && !java.time.Instant.now().isBefore(stopAt);
        if ((idle || due) && jobs.allRunning(id)) {
          // Only a running job can drain (not one restarting after a lost TaskManager); a refused request is asked again.
          stop = requestStop(jobs, id, restore.drain(), true, lines,
              (idle ? "no record for " + stopAfterIdle.toSeconds() + " s and every record checkpointed" : "it is " + stopAt + " (--stop-at)")
                  + ": draining (closing every window)");
          drained = stop != null;
        }
      }
      if (ended.get() instanceof RuntimeException e) {
        throw e;
      }
      PipelineResult result = (PipelineResult) ended.get();
      // This run's own windows and records: latest.json also lists the windows of earlier runs.
      EarlierWindows now = EarlierWindows.read(out);
      if (signalled) {
        if (savedAt == null) {
          // The job ended before its savepoint's location was read: the newest savepoint in the folder is it.
          RestorePoints.Point newest = restore.newest();
          savedAt = newest != null && newest.savepoint() ? newest.path().toUri().toString() : null;
        }
        if (savedAt == null) {
          throw new TrainsetException(TrainsetException.INTERNAL, "the job ended without the savepoint it was asked for; the next run resumes from its last checkpoint");
        }
        lines.info("stopped with a savepoint at " + savedAt + ": the next run with this configuration resumes from it");
      } else if (drained) {
        // Drained: every window is written (so is every record read, up to each partition's newest position) and every
        // offset committed; nothing is left to resume from.
        try {
          Set<String> before = Set.copyOf(earlier.folders());
          List<String> mine = now.folders().stream().filter(f -> !before.contains(f)).toList();
          written.plus(WrittenPositions.fromManifests(out, mine)).write(out);
        } catch (IOException | RuntimeException e) {
          lines.info("could not write " + out + WrittenPositions.FILE + " (" + e.getMessage() + "); a Kinesis run without state reads from startFrom");
        }
        try {
          restore.clear();
        } catch (IOException | java.io.UncheckedIOException e) {
          lines.info("could not empty the checkpoint folder " + restore.folder() + " (" + e.getMessage() + "); run the next one with --fresh");
        }
      }
      long windows = now.count() - earlier.count();
      long rows = now.rows() - earlier.rows();
      long rejected = now.rejected() - earlier.rejected();
      long read = counter(result, "messagesRead");
      double seconds = (System.nanoTime() - began) / 1e9;
      long skipped = counter(result, "messagesSkipped");
      lines.info(String.format("done in %.1f s: %,d messages read, %,d windows, %,d rows written, %,d rejected -> %s", seconds, read, windows, rows, rejected, out)
          + (skipped > 0 ? String.format(" (%,d skipped: written by earlier runs)", skipped) : ""));
      ObjectNode r = JSON.createObjectNode();
      r.put("status", signalled ? "stopped" : "succeeded");
      if (savedAt != null) {
        r.put("savepoint", savedAt);
      }
      r.put("output", out);
      r.put("latest", out + "latest.json");
      r.put("windows", windows);
      r.putObject("counts").put("read", read).put("written", rows).put("rejected", rejected).put("skipped", skipped);
      r.put("durationSeconds", Math.round(seconds * 10) / 10.0);
      resultLine.print(spec.commandLine().getOut(), r);
      return 0;
    }
  }

  /**
   * The stream's schema when the file declares none: the one pinned in {@code OUT/schema.json} by an earlier run, or one
   * inferred now from the first messages ({@code schema.inferFrom}) and pinned there, so that every window and every
   * later run types records the same way.
   */
  private static StreamConfig pinnedSchema(StreamConfig cfg, String out, Lines lines) throws IOException {
    OutputDir dir = OutputDir.of(out);
    String pinned = dir.path(PINNED_SCHEMA);
    if (dir.exists(PINNED_SCHEMA)) {
      StreamConfig c;
      try {
        c = cfg.withSchema(dev.trainset.transforms.schema.SchemaJson.fromJsonString(dir.read(PINNED_SCHEMA)), pinned);
      } catch (IllegalArgumentException e) {
        throw TrainsetException.data(pinned + " is not a schema trainset wrote (" + e.getMessage() + "); remove it to infer one again");
      }
      lines.info("schema (pinned in " + pinned + "): " + c.schema());
      return c;
    }
    List<dev.trainset.transforms.io.stream.Message> first = cfg.source() instanceof StreamConfig.Kafka kafka
        ? KafkaSample.first(kafka, cfg.inferFrom())
        : KinesisSample.first((StreamConfig.Kinesis) cfg.source(), cfg.inferFrom());
    StreamConfig c = cfg.withSchema(SchemaSample.infer(first, cfg), "the schema inferred from the first " + first.size() + " messages");
    dir.write(PINNED_SCHEMA, dev.trainset.transforms.schema.SchemaJson.toJsonString(c.schema()), "application/json");
    lines.info("schema (inferred from the first " + first.size() + " messages, pinned in " + pinned + "): " + c.schema());
    return c;
  }

  /** The source as the start line names it: {@code events at 127.0.0.1:9092}, {@code Kinesis stream events (us-east-1)}. */
  private static String describe(StreamConfig.Source source) {
    if (source instanceof StreamConfig.Kafka k) {
      return String.join(",", k.topics()) + " at " + k.bootstrapServers();
    }
    StreamConfig.Kinesis k = (StreamConfig.Kinesis) source;
    return "Kinesis stream " + k.stream() + " (" + k.region() + (k.endpoint() == null ? "" : ", " + k.endpoint()) + ")";
  }

  /** Where a stream's inferred schema is kept, in its output. */
  static final String PINNED_SCHEMA = "schema.json";

  /** A stop asked of the job: the request's id (for its savepoint's status), and whether it drains. */
  private record Stop(String request, boolean drain) {}

  /**
   * Asks the job to stop with a savepoint in {@code folder}, draining it or not; null when the request was refused (the
   * caller asks again later).
   */
  private static Stop requestStop(FlinkJobs jobs, String id, Path folder, boolean drain, Lines lines, String why) {
    try {
      String request = jobs.stopWithSavepoint(id, folder.toUri().toString(), drain);
      if (why != null) {
        lines.info(why);
      }
      return new Stop(request, drain);
    } catch (IOException e) {
      lines.info("the job could not " + (drain ? "drain" : "stop with a savepoint") + " yet (" + e.getMessage() + "); trying again");
      return null;
    }
  }

  /**
   * Where the job's checkpoints and savepoints go: {@code checkpoints} in the stream file, else a folder in the user's
   * home named after the output ({@code ~/.trainset/checkpoints/<16 hex digits of the output's sha256>}). Never inside
   * the output by default: a checkpoint holds the source's settings, Kafka credentials included, and an output is
   * read by others. Made readable by its owner only where the file system has POSIX permissions.
   */
  static Path checkpointFolder(StreamConfig cfg, String out) throws IOException {
    Path folder;
    if (cfg.checkpoints() != null) {
      folder = cfg.checkpoints().startsWith("file://") ? Path.of(java.net.URI.create(cfg.checkpoints())) : Path.of(cfg.checkpoints()).toAbsolutePath();
    } else {
      folder = Path.of(System.getProperty("user.home"), ".trainset", "checkpoints", dev.trainset.transforms.io.Sha256.hex(out).substring(0, 16));
    }
    if (!Files.isDirectory(folder)) {
      Files.createDirectories(folder);
      try {
        Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its own access rules apply
      }
    }
    return folder;
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

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
