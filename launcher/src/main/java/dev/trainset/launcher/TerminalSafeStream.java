package dev.trainset.launcher;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What trainset prints, with the control characters an input can smuggle into a message (a column name, a value, a
 * path) written as {@code \x1b}-style escapes, so a terminal never receives an escape sequence, a carriage return or a
 * bell from the data. Line feeds and tabs pass; so does any other text (UTF-8), except the C1 controls U+0080..U+009F
 * (written as {@code \u009b}), which some terminals obey as well. Works on the UTF-8 bytes, so it covers every line:
 * trainset's own, picocli's, library logs and stack traces.
 */
final class TerminalSafeStream extends FilterOutputStream {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private boolean pendingC2; // the last byte was 0xC2, the lead byte of U+0080..U+00BF

  TerminalSafeStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    b &= 0xFF;
    if (pendingC2) {
      pendingC2 = false;
      if (b >= 0x80 && b <= 0x9F) {
        escape("\\u00", b);
        return;
      }
      out.write(0xC2);
    }
    if (b == 0xC2) {
      pendingC2 = true;
    } else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) {
      escape("\\x", b);
    } else {
      out.write(b);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int plain = off; // start of the run of bytes that pass as they are
    int end = off + len;
    for (int i = off; i < end; i++) {
      int c = b[i] & 0xFF;
      if (!pendingC2 && ((c >= 0x20 && c != 0x7F && c != 0xC2) || c == '\n' || c == '\t')) {
        continue;
      }
      out.write(b, plain, i - plain);
      write(c);
      plain = i + 1;
    }
    out.write(b, plain, end - plain);
  }

  private void escape(String prefix, int b) throws IOException {
    for (int i = 0; i < prefix.length(); i++) {
      out.write(prefix.charAt(i));
    }
    out.write(HEX[b >> 4]);
    out.write(HEX[b & 0xF]);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (pendingC2) {
      pendingC2 = false;
      out.write(0xC2);
    }
    super.close();
  }
}
