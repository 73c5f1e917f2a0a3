package dev.trainset.transforms.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Counts and SHA-256-hashes the bytes written through it, so a file is described as it is written, not read again. */
public final class HashingOutputStream extends FilterOutputStream {
  private final MessageDigest sha;
  private long bytes;
  private boolean closed;

  public HashingOutputStream(OutputStream out) {
    super(out);
    sha = Sha256.digest();
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    sha.update((byte) b);
    bytes++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    sha.update(b, off, len);
    bytes += len;
  }

  public long bytes() {
    return bytes;
  }

  /** The hex SHA-256 of everything written; call once, after the last write. */
  public String sha256() {
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Closes once (an object store's channel must not be closed twice). */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      super.close();
    }
  }
}
