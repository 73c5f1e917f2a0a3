package dev.trainset.pipelines.stream;

import static org.junit.Assert.assertEquals;

import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.junit.Test;

/** A Kinesis shard's watermark: its newest event time; the wall clock only when it is idle at the stream's tip. */
public class ShardClockTest {
  private static final long MIN = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
  private static final long T0 = 1_800_000_000_000L;

  @Test
  public void theWatermarkIsTheNewestEventTimeRead() {
    KinesisMessages.ShardClock c = new KinesisMessages.ShardClock(T0);
    assertEquals(MIN, c.watermark(T0 + 1000));
    c.read(5_000, T0, T0 + 1000);
    c.read(4_000, T0, T0 + 1100); // an older one does not move it back
    assertEquals(5_000, c.watermark(T0 + 1200));
  }

  @Test
  public void aShardIdleAtTheTip_followsTheWallClock_afterTheIdleTime() {
    KinesisMessages.ShardClock c = new KinesisMessages.ShardClock(T0);
    c.read(T0, T0, T0 + 500); // read half a second after it arrived: at the tip
    assertEquals(T0, c.watermark(T0 + 500 + KinesisMessages.ShardClock.IDLE));
    assertEquals(T0 + 1001, c.watermark(T0 + 1001 + KinesisMessages.ShardClock.IDLE));
  }

  @Test
  public void aShardWorkingThroughABacklog_isNotIdle_whenItPauses() {
    KinesisMessages.ShardClock c = new KinesisMessages.ShardClock(T0);
    long arrived = T0 - 3_600_000; // an hour before it was read
    c.read(arrived, arrived, T0);
    assertEquals(arrived, c.watermark(T0 + KinesisMessages.ShardClock.STALL));
  }

  @Test
  public void aShardQuietForLong_isIdle_howeverLateItsLastRecordWasRead() {
    KinesisMessages.ShardClock c = new KinesisMessages.ShardClock(T0);
    long arrived = T0 - 3_600_000;
    c.read(arrived, arrived, T0); // read an hour late (after a restart), then nothing
    long now = T0 + KinesisMessages.ShardClock.STALL + 1;
    assertEquals(now - KinesisMessages.ShardClock.IDLE, c.watermark(now));
  }

  @Test
  public void aShardThatHasGivenNothing_holdsTheWatermarkForItsFirstReads_thenFollowsTheWallClock() {
    KinesisMessages.ShardClock c = new KinesisMessages.ShardClock(T0);
    assertEquals(MIN, c.watermark(T0 + KinesisMessages.ShardClock.FIRST));
    assertEquals(T0 + KinesisMessages.ShardClock.FIRST + 1 - KinesisMessages.ShardClock.IDLE, c.watermark(T0 + KinesisMessages.ShardClock.FIRST + 1));
  }
}
