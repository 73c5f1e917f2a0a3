package dev.trainset.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Decodes bytes as {@link java.io.InputStreamReader} does, but reports bytes that are invalid in the encoding (with
 * their offset) where InputStreamReader puts U+FFFD in their place.
 */
final class StrictReader extends Reader {
  private static final int BUFFER = 1 << 16;
  private final InputStream in;
  private final TextEncoding encoding;
  private final String path;
  private final CharsetDecoder decoder;
  private final ByteBuffer bytes;
  private final char[] one = new char[2]; // for reads of one char, which may need two (a surrogate pair)
  private int oneLeft;
  private int onePos;
  private long bufferStart; // file offset of bytes.array()[0]
  private boolean eof;
  private boolean flushed;

  StrictReader(InputStream in, TextEncoding encoding, String path, long firstByte) {
    this.in = in;
    this.bytes = ByteBuffer.allocate(in instanceof SliceInput s ? Math.max(256, Math.min(BUFFER, s.bufferSize())) : BUFFER);
    this.encoding = encoding;
    this.path = path;
    this.bufferStart = firstByte;
    this.decoder =
        encoding.charset().newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    bytes.flip();
  }

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (oneLeft > 0) {
      cbuf[off] = one[onePos++];
      oneLeft--;
      return 1;
    }
    if (len == 1) {
      int n = decode(one, 0, 2);
      if (n <= 0) {
        return n;
      }
      cbuf[off] = one[0];
      oneLeft = n - 1;
      onePos = 1;
      return 1;
    }
    return decode(cbuf, off, len);
  }

  private int decode(char[] cbuf, int off, int len) throws IOException {
    if (flushed) {
      return -1; // the end stays the end: a decoder cannot decode after its flush (IllegalStateException)
    }
    CharBuffer out = CharBuffer.wrap(cbuf, off, len);
    while (true) {
      CoderResult r = decoder.decode(bytes, out, eof);
      if (r.isError()) {
        byte[] bad = new byte[Math.min(r.length(), bytes.remaining())];
        bytes.get(bytes.position(), bad);
        throw new UndecodableInputException(path, bufferStart + bytes.position(), bad, encoding);
      }
      if (out.position() > off) {
        return out.position() - off;
      }
      if (eof) {
        if (!flushed) {
          flushed = true;
          decoder.flush(out);
          if (out.position() > off) {
            return out.position() - off;
          }
        }
        return -1;
      }
      if (r.isUnderflow()) {
        fill();
      }
    }
  }

  private void fill() throws IOException {
    bufferStart += bytes.position();
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) {
      eof = true;
    } else {
      bytes.position(bytes.position() + n);
    }
    bytes.flip();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
