package dev.trainset.transforms.split;

import java.time.Instant;
import java.util.List;

/**
 * Stable 64-bit hashes of source values, the identity the split and the leakage check use: a value as the input
 * wrote it (a CSV field's text after trimming; a JSON value with its JSON type; an ARFF value as the header types it),
 * the same on every runner, machine and run. So {@code 1.5} and {@code 1.50} in a CSV are different values here, and
 * a missing value has no hash (it adds nothing to a row's key). Version {@link #VERSION}: changing this function
 * changes split membership, so the manifest records it.
 */
public final class ValueHash {
  public static final String VERSION = "source-text-v2";

  private static final long P1 = 0x9E3779B97F4A7C15L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long TEXT = 0x51ed27L;
  private static final long LONG = 0x2545F491L;
  private static final long DOUBLE = 0x6a09e667L;
  private static final long BOOLEAN = 0x3c6ef372L;
  private static final long TIME = 0x1f83d9abL;
  private static final long LIST = 0x5be0cd19L;

  private ValueHash() {}

  /** The hash of text, as characters. */
  public static long chars(char[] c, int off, int len) {
    long h = TEXT ^ (len * P1);
    int i = off;
    int end = off + len;
    for (; i + 4 <= end; i += 4) {
      long w = c[i] | ((long) c[i + 1] << 16) | ((long) c[i + 2] << 32) | ((long) c[i + 3] << 48);
      h = Long.rotateLeft(h ^ mixWord(w), 27) * P1 + 0x52dce729L;
    }
    long w = 0;
    for (int k = 0; i < end; i++, k += 16) {
      w |= (long) c[i] << k;
    }
    return fmix(Long.rotateLeft(h ^ mixWord(w), 27) * P1 + 0x52dce729L);
  }

  public static long text(String s) {
    return chars(s.toCharArray(), 0, s.length());
  }

  /** The hash of a boxed value: String, Long, Double, Boolean, Instant, or a List of those. */
  public static long of(Object v) {
    if (v instanceof String) {
      return text((String) v);
    }
    if (v instanceof Long) {
      return fmix(mixWord((Long) v) ^ LONG);
    }
    if (v instanceof Double) {
      double d = (Double) v;
      return fmix(mixWord(d == 0.0 ? 0L : Double.doubleToLongBits(d)) ^ DOUBLE); // -0.0 is 0.0
    }
    if (v instanceof Boolean) {
      return fmix(((Boolean) v ? 1 : 2) * P2 ^ BOOLEAN);
    }
    if (v instanceof Instant) {
      Instant t = (Instant) v;
      return fmix(mixWord(t.getEpochSecond() * 1_000_000_000L + t.getNano()) ^ TIME);
    }
    if (v instanceof List) {
      long h = LIST ^ ((List<?>) v).size();
      for (Object e : (List<?>) v) {
        h = Long.rotateLeft(h ^ (e == null ? 0x5bd1e995L : of(e)), 27) * P1 + 0x52dce729L;
      }
      return fmix(h);
    }
    return text(String.valueOf(v));
  }

  private static long mixWord(long w) {
    return fmix(w * P2 + 0x165667b1L);
  }

  /** Mixes a hash with a seed into a well-spread 64-bit value. */
  public static long mix(long h, long seed) {
    return fmix(h ^ fmix(seed * P1 + P2));
  }

  /** MurmurHash3's 64-bit finaliser. */
  public static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
