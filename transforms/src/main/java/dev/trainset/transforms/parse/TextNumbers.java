package dev.trainset.transforms.parse;

/**
 * Recognises and parses values in a slice of a {@code char[]}, without making a String: the rules of {@link Values}
 * (which calls these), applied where a parser hands out fields as character ranges.
 *
 * <ul>
 *   <li>long: an optional sign and 1-19 decimal digits that fit in 64 bits.
 *   <li>decimal: an optional sign, digits with an optional fraction ({@code 1.5}, {@code .5}, {@code 5.}), an
 *       optional exponent; no hex, no {@code NaN}/{@code Infinity}, no type suffix.
 * </ul>
 *
 * {@link #parseDouble} checks and parses in one pass and gives the correctly rounded double: mantissas up to 2^53 with a power of ten up to 10^22 take
 * one exact multiplication or division (Clinger's fast path, correctly rounded by IEEE 754); anything else goes to
 * {@link Double#parseDouble}.
 */
public final class TextNumbers {
  private static final double[] POWERS_OF_TEN = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = p;
      p *= 10;
    }
  }

  private TextNumbers() {}

  /** The inference kind ({@code Values.KIND_*}) of a non-missing value. */
  public static int kind(char[] c, int off, int len) {
    if (len == 0) {
      return Values.KIND_STRING;
    }
    char first = c[off];
    if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.') {
      if (isLong(c, off, len)) {
        return Values.KIND_LONG;
      }
      if (isDecimal(c, off, len)) {
        return Values.KIND_DOUBLE;
      }
      if (len >= 10 && Values.parseTimestamp(new String(c, off, len)) != null) {
        return Values.KIND_TIMESTAMP;
      }
      return Values.KIND_STRING;
    }
    if ((first == 't' || first == 'T' || first == 'f' || first == 'F') && booleanValue(c, off, len, false) >= 0) {
      return Values.KIND_BOOLEAN;
    }
    return Values.KIND_STRING;
  }

  public static boolean isLong(char[] c, int off, int len) {
    int i = off;
    int end = off + len;
    if (len > 0 && (c[i] == '-' || c[i] == '+')) {
      i++;
    }
    int digits = end - i;
    if (digits <= 0 || digits > 19) {
      return false;
    }
    for (int j = i; j < end; j++) {
      char d = c[j];
      if (d < '0' || d > '9') {
        return false;
      }
    }
    if (digits < 19) {
      return true;
    }
    return fitsInLong(c, i, end, c[off] == '-');
  }

  /** 19 digits: compares with the limit digit by digit (Long.MIN_VALUE has a larger magnitude than MAX_VALUE). */
  private static boolean fitsInLong(char[] c, int from, int end, boolean negative) {
    String limit = negative ? "9223372036854775808" : "9223372036854775807";
    for (int j = from; j < end; j++) {
      char l = limit.charAt(j - from);
      if (c[j] != l) {
        return c[j] < l;
      }
    }
    return true;
  }

  /** Parses a value {@link #isLong} accepted. */
  public static long parseLong(char[] c, int off, int len) {
    int i = off;
    int end = off + len;
    boolean negative = false;
    if (c[i] == '-' || c[i] == '+') {
      negative = c[i] == '-';
      i++;
    }
    // Accumulate negatively, so Long.MIN_VALUE fits.
    long v = 0;
    for (; i < end; i++) {
      v = v * 10 - (c[i] - '0');
    }
    return negative ? v : -v;
  }

  public static boolean isDecimal(char[] c, int off, int len) {
    int i = off;
    int end = off + len;
    if (i < end && (c[i] == '-' || c[i] == '+')) {
      i++;
    }
    int digits = 0;
    while (i < end && c[i] >= '0' && c[i] <= '9') {
      i++;
      digits++;
    }
    if (i < end && c[i] == '.') {
      i++;
      while (i < end && c[i] >= '0' && c[i] <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < end && (c[i] == 'e' || c[i] == 'E')) {
      i++;
      if (i < end && (c[i] == '-' || c[i] == '+')) {
        i++;
      }
      int expDigits = 0;
      while (i < end && c[i] >= '0' && c[i] <= '9') {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return false;
      }
    }
    return i == end;
  }

  /**
   * Parses a decimal ({@link #isDecimal}'s grammar) in one pass over the characters; returns NaN when the text is
   * not one (no valid text parses to NaN).
   */
  public static double parseDouble(char[] c, int off, int len) {
    int i = off;
    int end = off + len;
    boolean negative = false;
    if (i < end && (c[i] == '-' || c[i] == '+')) {
      negative = c[i] == '-';
      i++;
    }
    long mantissa = 0;
    int scale = 0; // digits after the point that went into the mantissa
    int digits = 0;
    boolean exactMantissa = true;
    while (i < end) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      if (mantissa < 100_000_000_000_000_000L) {
        mantissa = mantissa * 10 + d;
      } else {
        exactMantissa = false;
      }
      digits++;
      i++;
    }
    if (i < end && c[i] == '.') {
      i++;
      while (i < end) {
        int d = c[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        if (mantissa < 100_000_000_000_000_000L) {
          mantissa = mantissa * 10 + d;
          scale++;
        } else {
          exactMantissa = false;
        }
        digits++;
        i++;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    long exponent = 0;
    if (i < end && (c[i] == 'e' || c[i] == 'E')) {
      i++;
      boolean negativeExponent = false;
      if (i < end && (c[i] == '-' || c[i] == '+')) {
        negativeExponent = c[i] == '-';
        i++;
      }
      int expDigits = 0;
      while (i < end && c[i] >= '0' && c[i] <= '9') {
        if (exponent < 100_000) {
          exponent = exponent * 10 + (c[i] - '0');
        }
        expDigits++;
        i++;
      }
      if (expDigits == 0) {
        return Double.NaN;
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    if (i != end) {
      return Double.NaN;
    }
    long e10 = exponent - scale;
    if (exactMantissa && mantissa <= (1L << 53) && e10 >= -22 && e10 <= 22) {
      double d = (double) mantissa;
      d = e10 < 0 ? d / POWERS_OF_TEN[(int) -e10] : d * POWERS_OF_TEN[(int) e10];
      return negative ? -d : d;
    }
    return Double.parseDouble(new String(c, off, len));
  }

  /**
   * 1 for true, 0 for false, -1 for neither. Inference accepts {@code true}/{@code false} in any case; conversion to
   * a boolean column ({@code lenient}) also {@code t/f}, {@code yes/no}, {@code y/n}, {@code 1/0}.
   */
  public static int booleanValue(char[] c, int off, int len, boolean lenient) {
    if (matches(c, off, len, "true")) {
      return 1;
    }
    if (matches(c, off, len, "false")) {
      return 0;
    }
    if (!lenient) {
      return -1;
    }
    if (matches(c, off, len, "t") || matches(c, off, len, "yes") || matches(c, off, len, "y") || matches(c, off, len, "1")) {
      return 1;
    }
    if (matches(c, off, len, "f") || matches(c, off, len, "no") || matches(c, off, len, "n") || matches(c, off, len, "0")) {
      return 0;
    }
    return -1;
  }

  /** Case-insensitive comparison with a lower-case ASCII word. */
  private static boolean matches(char[] c, int off, int len, String word) {
    if (len != word.length()) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      char x = c[off + k];
      if (x >= 'A' && x <= 'Z') {
        x = (char) (x + ('a' - 'A'));
      }
      if (x != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
