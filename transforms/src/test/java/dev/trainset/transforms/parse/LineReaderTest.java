package dev.trainset.transforms.parse;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class LineReaderTest {
  private static List<String> lines(Reader in, int max) throws IOException {
    List<String> out = new ArrayList<>();
    try (LineReader r = new LineReader(in, max, 4)) {
      String s;
      while ((s = r.readLine()) != null) {
        out.add(s);
      }
    }
    return out;
  }

  /** Hands out its text a few characters per read, so that line breaks fall on buffer boundaries. */
  private static Reader trickle(String text, int step) {
    return new Reader() {
      private int at;

      @Override
      public int read(char[] buf, int off, int len) {
        if (at == text.length()) {
          return -1;
        }
        int n = Math.min(Math.min(step, len), text.length() - at);
        text.getChars(at, at + n, buf, off);
        at += n;
        return n;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  public void givenLfCrlfAndCrLineEnds_givesTheLinesBufferedReaderGives_alsoWhenABreakSpansTwoReads() throws IOException {
    String text = "a,b\r\nc\rd\n\ne\r\n\r\nlast";
    List<String> expected = new BufferedReader(new StringReader(text)).lines().toList();
    assertEquals(List.of("a,b", "c", "d", "", "e", "", "last"), expected);
    assertEquals(expected, lines(new StringReader(text), 100));
    for (int step = 1; step <= 5; step++) {
      assertEquals("step " + step, expected, lines(trickle(text, step), 100));
    }
  }

  @Test
  public void givenALineLongerThanTheLimit_keepsItsFirstCharacters_reportsItsWholeLength_andReadsOnAfterIt() throws IOException {
    String longLine = "x".repeat(100_000);
    try (LineReader r = new LineReader(trickle("ok\n" + longLine + "\r\nnext", 777), 10, 4)) {
      assertEquals("ok", r.readLine());
      assertFalse(r.tooLong());
      assertEquals("xxxx", r.readLine());
      assertTrue(r.tooLong());
      assertEquals(100_000, r.length());
      assertEquals("next", r.readLine());
      assertFalse(r.tooLong());
      assertEquals(4, r.length());
      assertNull(r.readLine());
    }
  }

  @Test
  public void givenALineOfExactlyTheLimit_returnsItWhole() throws IOException {
    try (LineReader r = new LineReader(new StringReader("0123456789\n"), 10, 4)) {
      assertEquals("0123456789", r.readLine());
      assertFalse(r.tooLong());
      assertNull(r.readLine());
    }
  }

  @Test
  public void givenAnEmptyInputOrOneLineBreak_givesNoLineOrOneEmptyLine() throws IOException {
    assertEquals(List.of(), lines(new StringReader(""), 10));
    assertEquals(List.of(""), lines(new StringReader("\n"), 10));
    assertEquals(List.of(""), lines(new StringReader("\r\n"), 10));
  }
}
