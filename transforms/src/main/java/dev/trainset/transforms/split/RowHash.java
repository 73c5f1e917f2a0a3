package dev.trainset.transforms.split;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * Stable 64-bit hashes of row content, the identity the split uses. Two rows with the same values have the same
 * hash on every runner, machine and run; the value types are part of the hash ({@code 1} long ≠ {@code 1.0} double ≠
 * {@code "1"}). Version 1 of the function: changing it changes every split membership, so it is recorded in the
 * manifest as {@code split.rowHash}.
 */
public final class RowHash {
  public static final String VERSION = "content-v1";

  private static final long P1 = 0x9E3779B97F4A7C15L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;

  private RowHash() {}

  /** The hash of fields {@code from..n-1} of a row, with a salt that makes independent hash families. */
  public static long of(Row row, int from, long salt) {
    long h = salt ^ P2;
    int n = row.getFieldCount();
    for (int i = from; i < n; i++) {
      h = add(h, row.getValue(i));
    }
    return fmix(h ^ (n - from));
  }

  /** The hash of one value. */
  public static long ofValue(Object v, long salt) {
    return fmix(add(salt ^ P2, v));
  }

  /** A text's hash (class keys, group keys, split names). */
  public static long ofText(String s, long salt) {
    return fmix(addBytes(salt ^ P1, s.getBytes(StandardCharsets.UTF_8), 5));
  }

  /** Mixes a hash with a seed into a well-spread 64-bit value. */
  public static long mix(long h, long seed) {
    return fmix(h ^ fmix(seed * P1 + P2));
  }

  private static long add(long h, Object v) {
    if (v == null) {
      return word(h, 0x5bd1e995L, 0);
    }
    if (v instanceof Long) {
      return word(h, (Long) v, 1);
    }
    if (v instanceof Double) {
      double d = (Double) v;
      return word(h, d == 0.0 ? 0L : Double.doubleToLongBits(d), 2); // -0.0 and 0.0 are the same value
    }
    if (v instanceof Boolean) {
      return word(h, (Boolean) v ? 1 : 0, 3);
    }
    if (v instanceof String) {
      return addBytes(h, ((String) v).getBytes(StandardCharsets.UTF_8), 4);
    }
    if (v instanceof ReadableInstant) {
      return word(h, ((ReadableInstant) v).getMillis(), 6);
    }
    if (v instanceof List) {
      List<?> l = (List<?>) v;
      h = word(h, l.size(), 7);
      for (Object e : l) {
        h = add(h, e);
      }
      return h;
    }
    return addBytes(h, v.toString().getBytes(StandardCharsets.UTF_8), 8);
  }

  private static long addBytes(long h, byte[] b, int tag) {
    h = word(h, b.length, tag);
    int i = 0;
    for (; i + 8 <= b.length; i += 8) {
      long w = 0;
      for (int k = 0; k < 8; k++) {
        w |= (b[i + k] & 0xFFL) << (8 * k);
      }
      h = word(h, w, 0);
    }
    long w = 0;
    for (int k = 0; i + k < b.length; k++) {
      w |= (b[i + k] & 0xFFL) << (8 * k);
    }
    return word(h, w, 0);
  }

  private static long word(long h, long w, int tag) {
    long k = fmix(w * P2 + tag);
    h ^= k;
    return Long.rotateLeft(h, 27) * P1 + 0x52dce729L;
  }

  /** MurmurHash3's 64-bit finaliser. */
  static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
