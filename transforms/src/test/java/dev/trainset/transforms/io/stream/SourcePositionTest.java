package dev.trainset.transforms.io.stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.errors.RejectedRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

public class SourcePositionTest {
  private static final String SEQ_A = "49590338271490256608559692538361571095921575989136588898";
  private static final String SEQ_B = "49590338271490256608559692540925702759324208523137515618";

  @Test
  public void positionsOrderAsTheSourceDoes_numbersByValueNotByText() {
    List<SourcePosition> sorted = new ArrayList<>(List.of(
        SourcePosition.kafka("t", 10, 2), SourcePosition.kafka("t", 2, 100), SourcePosition.kafka("t", 2, 9), SourcePosition.kafka("t", 2, 10)));
    sorted.sort(null);
    assertEquals(List.of("t/2@9", "t/2@10", "t/2@100", "t/10@2"), sorted.stream().map(SourcePosition::toString).toList());

    SourcePosition a = SourcePosition.kinesis("s", "shardId-000000000001", SEQ_A, 0);
    SourcePosition aSub = SourcePosition.kinesis("s", "shardId-000000000001", SEQ_A, 3);
    SourcePosition b = SourcePosition.kinesis("s", "shardId-000000000001", SEQ_B, 0);
    SourcePosition shorter = SourcePosition.kinesis("s", "shardId-000000000001", "9" + SEQ_A.substring(2), 0); // fewer digits, greater text
    assertTrue(a.compareTo(aSub) < 0);
    assertTrue(aSub.compareTo(b) < 0);
    assertTrue(shorter.compareTo(a) < 0);
    assertEquals(0, a.compareTo(SourcePosition.kinesis("s", "shardId-000000000001", SEQ_A, 0)));
  }

  @Test
  public void aRejectedRecordNamesItsPosition_anOffsetAsANumber_aSequenceAsTextWithItsSubSequence() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String kafka = RejectedRecord.toJson("t/0", SourcePosition.kafka("t", 0, 4711)::putInto, "{x", "invalid JSON", "read");
    assertEquals("{\"source\":\"t/0\",\"offset\":4711,\"reason\":\"invalid JSON\",\"raw\":\"{x\",\"stage\":\"read\"}", kafka);
    // the same fields, in the same order, as a batch run's rejected record
    assertEquals(new RejectedRecord("t/0", "offset", 4711, "{x", "invalid JSON", "read").toJson(), kafka);

    SourcePosition k = SourcePosition.kinesis("events", "shardId-000000000000", SEQ_A, 2);
    ObjectNode n = (ObjectNode) json.readTree(RejectedRecord.toJson(k.source(), k::putInto, "{x", "invalid JSON", "read"));
    assertEquals("events/shardId-000000000000", n.get("source").asText());
    assertTrue(n.get("sequence").isTextual()); // 56 digits: a JSON reader's numbers would round it
    assertEquals(SEQ_A, n.get("sequence").asText());
    assertEquals(2, n.get("subSequence").asLong());
  }

  @Test
  public void aManifestRangeGivesOffsetsAsNumbers_andSequencesAsText() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode kafka = json.createObjectNode();
    SourcePosition.putRange(kafka, SourcePosition.kafka("t", 0, 3), SourcePosition.kafka("t", 0, 99));
    assertEquals("{\"firstOffset\":3,\"lastOffset\":99}", kafka.toString());
    ObjectNode kinesis = json.createObjectNode();
    SourcePosition.putRange(kinesis, SourcePosition.kinesis("s", "shardId-0", SEQ_A, 0), SourcePosition.kinesis("s", "shardId-0", SEQ_B, 1));
    assertEquals("{\"firstSequence\":\"" + SEQ_A + "\",\"lastSequence\":\"" + SEQ_B + "\",\"lastSubSequence\":1}", kinesis.toString());
  }

  @Test
  public void theCoderKeepsEveryField() throws Exception {
    for (SourcePosition p : List.of(SourcePosition.kafka("topic", 7, Long.MAX_VALUE), SourcePosition.kinesis("s", "shardId-000000000003", SEQ_B, 12))) {
      assertEquals(p, CoderUtils.decodeFromByteArray(SourcePosition.Coder.of(), CoderUtils.encodeToByteArray(SourcePosition.Coder.of(), p)));
    }
  }
}
