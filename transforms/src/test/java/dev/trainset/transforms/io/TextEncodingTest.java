package dev.trainset.transforms.io;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.Test;

public class TextEncodingTest {
  private static String read(Reader r) throws IOException {
    StringWriter w = new StringWriter();
    char[] buf = new char[1000];
    int n;
    while ((n = r.read(buf)) > 0) {
      w.write(buf, 0, n);
    }
    return w.toString();
  }

  @Test
  public void invalidUtf8_isReportedAtItsFileOffset_evenPastTheFirstBuffer() {
    byte[] text = new byte[200_000];
    Arrays.fill(text, (byte) 'a');
    text[150_001] = (byte) 0xFF;
    UndecodableInputException e =
        assertThrows(
            UndecodableInputException.class,
            () -> read(TextEncoding.UTF_8.reader(new ByteArrayInputStream(text), "in.csv", 1_000)));
    assertEquals(151_001, e.offset());
    assertEquals(
        "in.csv: byte offset 151001: 0xFF is not valid utf-8; if the file is in another encoding, set input.encoding"
            + " (latin-1, windows-1252, utf-16)",
        e.getMessage());
  }

  @Test
  public void validText_decodesAsInputStreamReaderWould_oneCharAtATimeToo() throws IOException {
    String s = "José, München, 中文, 😀\n".repeat(5_000);
    assertEquals(s, read(TextEncoding.UTF_8.reader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "x", 0)));
    Reader one = TextEncoding.UTF_8.reader(new ByteArrayInputStream("a😀b".getBytes(StandardCharsets.UTF_8)), "x", 0);
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = one.read()) >= 0) {
      b.append((char) c);
    }
    assertEquals("a😀b", b.toString());
    assertEquals("José", read(TextEncoding.WINDOWS_1252.reader(new ByteArrayInputStream("José".getBytes(StandardCharsets.ISO_8859_1)), "x", 0)));
  }

  @Test
  public void aSequenceCutAtTheEnd_isReported() {
    byte[] cut = Arrays.copyOf("ab€".getBytes(StandardCharsets.UTF_8), 4);
    UndecodableInputException e =
        assertThrows(UndecodableInputException.class, () -> read(TextEncoding.UTF_8.reader(new ByteArrayInputStream(cut), "x", 0)));
    assertEquals(2, e.offset());
  }

  @Test
  public void configNames() {
    assertEquals(TextEncoding.LATIN_1, TextEncoding.named("ISO-8859-1"));
    assertEquals(TextEncoding.WINDOWS_1252, TextEncoding.named("cp1252"));
    assertEquals(TextEncoding.UTF_16LE, TextEncoding.named("utf-16le"));
    assertEquals(TextEncoding.UTF_8, TextEncoding.named("UTF8"));
    assertNull(TextEncoding.named("ebcdic"));
  }

  @Test
  public void readingOnAtTheEnd_keepsSayingEnd_forEveryEncoding() throws Exception {
    // Found by fuzzing: a read after the end asked the decoder to decode after its flush (IllegalStateException).
    for (TextEncoding e : TextEncoding.values()) {
      Reader r = e.reader(new ByteArrayInputStream("ab".getBytes(e.charset())), "x", 0);
      char[] buf = new char[8];
      assertEquals(e.name(), 2, r.read(buf, 0, 8));
      assertEquals(e.name(), -1, r.read(buf, 0, 8));
      assertEquals(e.name(), -1, r.read(buf, 0, 8));
      assertEquals(e.name(), -1, r.read());
    }
  }
}
