package dev.trainset.transforms.io.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One message of a stream as the broker gave it: where it is (topic, partition, offset: its identity, which the
 * output is de-duplicated on), the broker's timestamp, and the payload's bytes.
 */
public record Message(String topic, int partition, long offset, long brokerMillis, byte[] payload) {
  /** {@code topic/partition}: the source named in rejected records and manifests. */
  public String source() {
    return topic + "/" + partition;
  }

  /** A deterministic coder. */
  public static final class Coder extends AtomicCoder<Message> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Message m, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(m.topic, out);
      VarIntCoder.of().encode(m.partition, out);
      VarLongCoder.of().encode(m.offset, out);
      VarLongCoder.of().encode(m.brokerMillis, out);
      ByteArrayCoder.of().encode(m.payload, out);
    }

    @Override
    public Message decode(InputStream in) throws IOException {
      return new Message(
          StringUtf8Coder.of().decode(in),
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          ByteArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
