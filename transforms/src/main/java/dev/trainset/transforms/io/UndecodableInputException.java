package dev.trainset.transforms.io;

import java.io.IOException;

/** Bytes of an input that are not valid in its encoding: where they are, and what to set if the encoding is another. */
public final class UndecodableInputException extends IOException {
  private static final long serialVersionUID = 1L;
  private final long offset;

  UndecodableInputException(String path, long offset, byte[] bytes, TextEncoding encoding) {
    super(describe(path, offset, bytes, encoding));
    this.offset = offset;
  }

  /** The file offset of the first byte that could not be decoded (of the decompressed bytes, for compressed files). */
  public long offset() {
    return offset;
  }

  private static String describe(String path, long offset, byte[] bytes, TextEncoding encoding) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(hex.length() == 0 ? "" : " ").append(String.format("0x%02X", b & 0xFF));
    }
    return path + ": byte offset " + offset + ": " + hex + (bytes.length == 1 ? " is" : " are") + " not valid "
        + encoding.configName() + (encoding == TextEncoding.UTF_8
            ? "; if the file is in another encoding, set input.encoding (latin-1, windows-1252, utf-16)"
            : "; check input.encoding");
  }
}
