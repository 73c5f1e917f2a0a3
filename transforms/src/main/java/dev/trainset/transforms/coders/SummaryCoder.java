package dev.trainset.transforms.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * Java serialization for small summary values (histograms, statistics, plans) that are combined or broadcast, never
 * used as keys and never compared: {@code SerializableCoder} would warn about {@code equals} on every run. Not
 * deterministic, so never use it for a GroupByKey or Combine key.
 */
public final class SummaryCoder<T extends Serializable> extends CustomCoder<T> {
  private final Class<T> type;

  private SummaryCoder(Class<T> type) {
    this.type = type;
  }

  public static <T extends Serializable> SummaryCoder<T> of(Class<T> type) {
    return new SummaryCoder<>(type);
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(buf)) {
      o.writeObject(value);
    }
    VarInt.encode(buf.size(), out);
    buf.writeTo(out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    int n = VarInt.decodeInt(in);
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new java.io.EOFException("truncated " + type.getSimpleName());
    }
    try (ObjectInputStream o = new ObjectInputStream(new java.io.ByteArrayInputStream(b))) {
      return type.cast(o.readObject());
    } catch (ClassNotFoundException e) {
      throw new IOException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SummaryCoder && ((SummaryCoder<?>) o).type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "SummaryCoder<" + type.getSimpleName() + ">";
  }
}
