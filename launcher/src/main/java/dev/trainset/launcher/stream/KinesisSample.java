package dev.trainset.launcher.stream;

import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.io.stream.SourcePosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * The first records of a Kinesis stream, for inferring a schema: from where {@code startFrom} says (the oldest record
 * kept, or those that arrive from now on), each shard in turn, reading only.
 */
public final class KinesisSample {
  private static final AggregatorUtil AGGREGATION = new AggregatorUtil();

  private KinesisSample() {}

  /** Up to {@code n} records; fails (exit 3) when none arrives within a minute. */
  public static List<Message> first(StreamConfig.Kinesis kinesis, int n) {
    List<Message> out = new ArrayList<>();
    ShardIteratorType type = kinesis.startFrom() == StreamConfig.StartFrom.LATEST ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON;
    try (KinesisClient client = KinesisClients.of(kinesis)) {
      Map<String, String> iterators = new HashMap<>();
      for (Shard s : client.listShards(r -> r.streamName(kinesis.stream())).shards()) {
        iterators.put(
            s.shardId(), client.getShardIterator(r -> r.streamName(kinesis.stream()).shardId(s.shardId()).shardIteratorType(type)).shardIterator());
      }
      long started = System.nanoTime();
      long lastArrival = started;
      while (out.size() < n && !iterators.isEmpty()) {
        long now = System.nanoTime();
        if (out.isEmpty() ? now - started > KafkaSample.FIRST.toNanos() : now - lastArrival > KafkaSample.QUIET.toNanos()) {
          break;
        }
        boolean any = false;
        for (Map.Entry<String, String> e : List.copyOf(iterators.entrySet())) {
          GetRecordsResponse got = client.getRecords(r -> r.shardIterator(e.getValue()).limit(Math.min(n, 10_000)));
          // KPL-aggregated records hold several records each, as the job reads them.
          for (KinesisClientRecord r : AGGREGATION.deaggregate(got.records().stream().map(KinesisClientRecord::fromRecord).toList())) {
            if (out.size() < n) {
              SourcePosition at = SourcePosition.kinesis(kinesis.stream(), e.getKey(), r.sequenceNumber(), r.subSequenceNumber());
              byte[] data = new byte[r.data().remaining()];
              r.data().duplicate().get(data);
              out.add(new Message(at, r.approximateArrivalTimestamp().toEpochMilli(), data));
              any = true;
            }
          }
          if (got.nextShardIterator() == null) {
            iterators.remove(e.getKey()); // a closed shard, read to its end
          } else {
            iterators.put(e.getKey(), got.nextShardIterator());
          }
        }
        if (any) {
          lastArrival = System.nanoTime();
        } else {
          sleep(Duration.ofMillis(500));
        }
      }
    } catch (SdkException e) {
      throw TrainsetException.data(
          "cannot read the first records of Kinesis stream '" + kinesis.stream() + "' to infer the schema: " + String.valueOf(e.getMessage()).split("\n")[0]);
    }
    if (out.isEmpty()) {
      throw TrainsetException.data(
          "no record arrived on Kinesis stream '" + kinesis.stream() + "' within " + KafkaSample.FIRST.toSeconds() + " s to infer the schema from; declare schema.columns");
    }
    return out;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainsetException(TrainsetException.INTERRUPTED, "interrupted while sampling the stream");
    }
  }
}
