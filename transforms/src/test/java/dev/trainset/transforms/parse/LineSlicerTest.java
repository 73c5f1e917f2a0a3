package dev.trainset.transforms.parse;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class LineSlicerTest {
  private static List<LineSlicer.Slice> plan(String text, long target, int quote) throws IOException {
    return LineSlicer.plan(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), target, quote, -1);
  }

  @Test
  public void givenLfCrlfAndCrFiles_slicesOnLineBoundariesWithExactFirstLines() throws IOException {
    for (String eol : new String[] {"\n", "\r\n", "\r"}) {
      StringBuilder b = new StringBuilder("h1,h2" + eol);
      for (int i = 0; i < 100; i++) {
        b.append(i).append(",v").append(i).append(eol);
      }
      String text = b.toString();
      List<LineSlicer.Slice> slices = plan(text, 50, '"');
      assertTrue(slices.size() > 5);
      long expectedStart = 0;
      for (LineSlicer.Slice s : slices) {
        assertEquals(expectedStart, s.start());
        expectedStart = s.end();
        // the first line number is the number of line breaks before the slice, plus one
        String before = text.substring(0, (int) s.start());
        long breaks = before.chars().filter(c -> c == eol.charAt(eol.length() - 1)).count();
        assertEquals(breaks + 1, s.firstLine());
        if (s.start() > 0) {
          char prev = text.charAt((int) s.start() - 1);
          assertTrue("slice starts after a line break", prev == '\n' || prev == '\r');
          assertTrue("a CRLF is never cut in two", !(prev == '\r' && text.charAt((int) s.start()) == '\n'));
        }
      }
      assertEquals(text.length(), expectedStart);
    }
  }

  @Test
  public void givenQuotedLineBreak_isNotSplittable() throws IOException {
    assertEquals(List.of(), plan("a,b\n1,\"x\ny\"\n2,z\n", 4, '"'));
  }

  @Test
  public void givenQuotesThatCloseOnTheirLine_isSplittable() throws IOException {
    assertEquals(2, plan("a,b\n1,\"x,y\"\n2,\"\"\"q\"\"\"\n", 10, '"').size());
  }

  @Test
  public void givenJsonLines_quotesDoNotMatter() throws IOException {
    assertEquals(3, plan("{\"a\":\"x\"}\n{\"a\":\"y\"}\n{\"a\":\"z\"}\n", 5, -1).size());
  }

  @Test
  public void readingEverySliceGivesTheSameRecordsAsOneSequentialRead() throws IOException {
    StringBuilder b = new StringBuilder("id,name\r\n");
    for (int i = 0; i < 500; i++) {
      b.append(i).append(",\"n ").append(i).append("\"\r\n");
      if (i % 97 == 0) {
        b.append("\r\n"); // blank lines are skipped but counted
      }
    }
    String text = b.toString();
    CsvSettings csv = CsvSettings.defaults().withDelimiter(',');
    List<String> sequential = new ArrayList<>();
    try (CsvRecordReader r = CsvRecordReader.open(new StringReader(text), csv)) {
      for (SourceRecord<String[]> rec; (rec = r.next()) != null; ) {
        sequential.add(rec.position() + ":" + String.join("|", rec.values()));
      }
    }
    List<String> sliced = new ArrayList<>();
    List<LineSlicer.Slice> slices = plan(text, 700, '"');
    assertTrue(slices.size() > 3);
    for (LineSlicer.Slice s : slices) {
      String part = text.substring((int) s.start(), (int) s.end());
      CsvSettings settings = s.start() == 0 ? csv : csv.withHeader(false).withColumnNames(List.of("id", "name"));
      try (CsvRecordReader r = CsvRecordReader.open(new StringReader(part), settings, s.firstLine())) {
        for (SourceRecord<String[]> rec; (rec = r.next()) != null; ) {
          sliced.add(rec.position() + ":" + String.join("|", rec.values()));
        }
      }
    }
    assertEquals(sequential, sliced);
  }
}
