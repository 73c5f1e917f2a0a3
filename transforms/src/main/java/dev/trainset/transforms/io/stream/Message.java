package dev.trainset.transforms.io.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One message of a stream as the broker gave it: where it is (its identity, which the output is de-duplicated on),
 * the broker's timestamp (Kafka's record timestamp, Kinesis' approximate arrival time), and the payload's bytes.
 */
public record Message(SourcePosition position, long brokerMillis, byte[] payload) {
  /** A Kafka record's message. */
  public static Message kafka(String topic, int partition, long offset, long brokerMillis, byte[] payload) {
    return new Message(SourcePosition.kafka(topic, partition, offset), brokerMillis, payload);
  }

  /** {@code topic/partition} or {@code stream/shardId}: the source named in rejected records and manifests. */
  public String source() {
    return position.source();
  }

  /** A deterministic coder. */
  public static final class Coder extends AtomicCoder<Message> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Message m, OutputStream out) throws IOException {
      SourcePosition.Coder.of().encode(m.position, out);
      VarLongCoder.of().encode(m.brokerMillis, out);
      ByteArrayCoder.of().encode(m.payload, out);
    }

    @Override
    public Message decode(InputStream in) throws IOException {
      return new Message(SourcePosition.Coder.of().decode(in), VarLongCoder.of().decode(in), ByteArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
