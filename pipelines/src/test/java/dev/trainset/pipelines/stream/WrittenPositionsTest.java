package dev.trainset.pipelines.stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.stream.SourcePosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What drained runs wrote, and what a later run without state therefore skips. */
public class WrittenPositionsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String SEQ = "49590338271490256608559692538361571095921575989136588898";

  private String out() {
    return tmp.getRoot().getAbsolutePath() + "/";
  }

  @Test
  public void aRecordAtOrBeforeItsPartitionsNewestWrittenPosition_isWritten_laterOnesAndOtherPartitionsAreNot() {
    WrittenPositions w = new WrittenPositions(Map.of(
        "t/0", SourcePosition.kafka("t", 0, 100), "s/shardId-000000000001", SourcePosition.kinesis("s", "shardId-000000000001", SEQ, 2)));
    assertTrue(w.written(SourcePosition.kafka("t", 0, 100)));
    assertTrue(w.written(SourcePosition.kafka("t", 0, 99)));
    assertFalse(w.written(SourcePosition.kafka("t", 0, 101)));
    assertFalse(w.written(SourcePosition.kafka("t", 1, 5)));
    assertTrue(w.written(SourcePosition.kinesis("s", "shardId-000000000001", SEQ, 2)));
    assertFalse(w.written(SourcePosition.kinesis("s", "shardId-000000000001", SEQ, 3))); // the rest of a KPL record
    assertFalse(w.written(SourcePosition.kinesis("s", "shardId-000000000002", "1", 0)));
  }

  @Test
  public void theFileKeepsEveryPosition_andPlusKeepsTheNewerOfTwo() {
    WrittenPositions first = new WrittenPositions(Map.of(
        "t/0", SourcePosition.kafka("t", 0, 100), "s/shardId-000000000001", SourcePosition.kinesis("s", "shardId-000000000001", SEQ, 0)));
    first.write(out());
    assertEquals(first.last(), WrittenPositions.read(out()).last());
    WrittenPositions more = new WrittenPositions(Map.of("t/0", SourcePosition.kafka("t", 0, 40), "t/1", SourcePosition.kafka("t", 1, 7)));
    assertEquals(Map.of("t/0", SourcePosition.kafka("t", 0, 100), "t/1", SourcePosition.kafka("t", 1, 7),
        "s/shardId-000000000001", SourcePosition.kinesis("s", "shardId-000000000001", SEQ, 0)), first.plus(more).last());
    assertTrue(WrittenPositions.read(out() + "nothing-here/").isEmpty());
  }

  @Test
  public void theNewestPositionsOfWindows_comeFromTheirManifests() throws Exception {
    write("window=20260301T100000Z", "{\"positions\": {\"t/0\": {\"firstOffset\": 0, \"lastOffset\": 9, \"records\": 10},"
        + " \"s/shardId-0\": {\"firstSequence\": \"5\", \"lastSequence\": \"" + SEQ + "\", \"lastSubSequence\": 1, \"records\": 3}}}");
    write("window=20260301T100100Z", "{\"positions\": {\"t/0\": {\"firstOffset\": 10, \"lastOffset\": 12, \"records\": 3}}}");
    WrittenPositions w = WrittenPositions.fromManifests(out(), List.of("window=20260301T100000Z", "window=20260301T100100Z"));
    assertEquals(Map.of("t/0", SourcePosition.kafka("t", 0, 12), "s/shardId-0", SourcePosition.kinesis("s", "shardId-0", SEQ, 1)), w.last());
  }

  @Test(expected = TrainsetException.class)
  public void aFileThatIsNotOneTrainsetWrote_isADataError() throws Exception {
    Files.writeString(tmp.getRoot().toPath().resolve(WrittenPositions.FILE), "{\"positions\": {\"t/0\": {\"offset\": \"x\"}}}");
    WrittenPositions.read(out());
  }

  private void write(String window, String manifest) throws Exception {
    Path dir = tmp.getRoot().toPath().resolve(window);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("manifest.json"), manifest);
  }
}
