package dev.trainset.transforms.io;

import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The character encoding of text input ({@code input.encoding}). Decoding is strict: bytes that are not valid in the
 * encoding stop the read with an {@link UndecodableInputException} naming the file and byte offset, never a silent
 * replacement character.
 */
public enum TextEncoding {
  UTF_8("utf-8", StandardCharsets.UTF_8, true),
  LATIN_1("latin-1", StandardCharsets.ISO_8859_1, true),
  WINDOWS_1252("windows-1252", Charset.forName("windows-1252"), true),
  /** UTF-16 with a byte order mark (big-endian without one). */
  UTF_16("utf-16", StandardCharsets.UTF_16, false),
  UTF_16LE("utf-16le", StandardCharsets.UTF_16LE, false),
  UTF_16BE("utf-16be", StandardCharsets.UTF_16BE, false);

  private final String configName;
  private final Charset charset;
  private final boolean asciiCompatible;

  TextEncoding(String configName, Charset charset, boolean asciiCompatible) {
    this.configName = configName;
    this.charset = charset;
    this.asciiCompatible = asciiCompatible;
  }

  public String configName() {
    return configName;
  }

  public Charset charset() {
    return charset;
  }

  /**
   * Whether a line break is the byte it is in ASCII, so a file can be cut into slices at line breaks found in its
   * bytes (UTF-16 files are read whole).
   */
  public boolean asciiCompatible() {
    return asciiCompatible;
  }

  /** The text of {@code in}, which holds the bytes of {@code path} from {@code firstByte} on. */
  public Reader reader(InputStream in, String path, long firstByte) {
    return new StrictReader(in, this, path, firstByte);
  }

  /** The encoding a config value names ({@code utf-8}, {@code latin-1}, {@code iso-8859-1}, {@code cp1252}…), or null. */
  public static TextEncoding named(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    switch (n) {
      case "utf8":
        return UTF_8;
      case "latin1":
      case "iso-8859-1":
      case "iso8859-1":
        return LATIN_1;
      case "cp1252":
      case "windows1252":
        return WINDOWS_1252;
      case "utf16":
        return UTF_16;
      default:
        for (TextEncoding e : values()) {
          if (e.configName.equals(n)) {
            return e;
          }
        }
        return null;
    }
  }
}
