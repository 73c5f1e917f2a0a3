package dev.trainset.launcher.stream;

import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.pipelines.config.TrainsetException;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * A Kinesis stream's progress as the job reports it. Kinesis keeps no consumer group's positions (the job's
 * checkpoints hold them), so the stream counts as idle and caught up when the job's source has read nothing new for
 * the idle time and two checkpoints have completed since it last read a record (the second began after that read).
 */
public final class KinesisProgress implements SourceProgress {
  private final StreamConfig.Kinesis kinesis;
  private final KinesisClient client;
  private final FlinkJobs jobs;
  private long read = -1;
  private long readSince = System.nanoTime();
  private long checkpointsAtRead;
  private long checkpoints;

  public KinesisProgress(StreamConfig.Kinesis kinesis, FlinkJobs jobs) {
    this.kinesis = kinesis;
    this.client = KinesisClients.of(kinesis);
    this.jobs = jobs;
  }

  @Override
  public void check() {
    String where = "region " + kinesis.region() + (kinesis.endpoint() == null ? "" : " at " + kinesis.endpoint());
    try {
      String status = client.describeStreamSummary(r -> r.streamName(kinesis.stream())).streamDescriptionSummary().streamStatusAsString();
      if (!status.equals("ACTIVE") && !status.equals("UPDATING")) {
        throw TrainsetException.data("source.kinesis.stream: the stream '" + kinesis.stream() + "' in " + where + " is " + status + ", not ACTIVE");
      }
      // One read, as the job reads: a role without kinesis:GetRecords (or kms:Decrypt on an encrypted stream) fails here
      // in one line, not in a job that reads nothing and then drains as if the stream were idle.
      String shard = client.listShards(r -> r.streamName(kinesis.stream()).maxResults(1)).shards().get(0).shardId();
      String iterator = client.getShardIterator(r -> r.streamName(kinesis.stream()).shardId(shard).shardIteratorType("LATEST")).shardIterator();
      client.getRecords(r -> r.shardIterator(iterator).limit(1));
    } catch (ResourceNotFoundException e) {
      throw TrainsetException.data("source.kinesis.stream: there is no stream '" + kinesis.stream() + "' in " + where);
    } catch (SdkException e) {
      throw TrainsetException.data("cannot read Kinesis stream '" + kinesis.stream() + "' in " + where + ": " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.split("\n")[0];
  }

  @Override
  public void poll(String job) throws Exception {
    long n = jobs.sourceRecordsOut(job);
    checkpoints = jobs.completedCheckpoints(job);
    if (n != read) {
      read = n;
      readSince = System.nanoTime();
      checkpointsAtRead = checkpoints;
    }
  }

  @Override
  public String behind() {
    return null; // how much the stream holds is not known here
  }

  @Override
  public long caughtUp() {
    return -1;
  }

  @Override
  public boolean idleAndCaughtUp(Duration idle) {
    return read >= 0 && System.nanoTime() - readSince >= idle.toNanos() && checkpoints >= checkpointsAtRead + 2;
  }

  @Override
  public void close() {
    client.close();
  }
}
