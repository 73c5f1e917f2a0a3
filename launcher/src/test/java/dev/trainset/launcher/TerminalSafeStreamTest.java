package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class TerminalSafeStreamTest {
  private static String through(String text) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (PrintStream p = new PrintStream(new TerminalSafeStream(b), true, StandardCharsets.UTF_8)) {
      p.print(text);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Test
  public void controlCharacters_areEscaped_lineFeedsTabsAndOtherTextPass() {
    assertEquals("a\\x1b[31mred\\x07\\x0d\\x00\n\tJosé München °C 中文 😀", through("a\u001b[31mred\u0007\r\u0000\n\tJosé München °C 中文 😀"));
    assertEquals("del \\x7f", through("del \u007f"));
  }

  @Test
  public void c1Controls_areEscaped_evenWhenTheirTwoBytesArriveInTwoWrites() throws Exception {
    assertEquals("csi \\u009b2J nbsp \u00a0", through("csi \u009b2J nbsp \u00a0"));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    TerminalSafeStream s = new TerminalSafeStream(b);
    s.write(new byte[] {'x', (byte) 0xC2}, 0, 2);
    s.write(new byte[] {(byte) 0x9B, '\n', (byte) 0xC2}, 0, 3);
    s.write((byte) 0xB0);
    s.close();
    assertEquals("x\\u009b\n°", b.toString(StandardCharsets.UTF_8));
  }
}
