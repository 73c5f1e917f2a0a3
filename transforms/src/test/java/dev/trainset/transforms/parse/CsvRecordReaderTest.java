package dev.trainset.transforms.parse;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class CsvRecordReaderTest {
  private static final CsvSettings COMMA = CsvSettings.defaults().withDelimiter(',');

  private static List<SourceRecord<String[]>> readAll(String text, CsvSettings s) throws IOException {
    try (CsvRecordReader r = CsvRecordReader.open(new StringReader(text), s)) {
      List<SourceRecord<String[]>> out = new ArrayList<>();
      SourceRecord<String[]> rec;
      while ((rec = r.next()) != null) {
        out.add(rec);
      }
      return out;
    }
  }

  @Test
  public void givenQuotedNewlinesDelimitersAndDoubledQuotes_givesOneRecordEach_withStartLines() throws IOException {
    String csv = "id,text,n\n1,\"multi\nline, with comma\",2\n2,\"say \"\"hi\"\"\",3\n3,plain,4\n";
    List<SourceRecord<String[]>> recs = readAll(csv, COMMA);
    assertEquals(3, recs.size());
    assertArrayEquals(new String[] {"1", "multi\nline, with comma", "2"}, recs.get(0).values());
    assertEquals(2, recs.get(0).position());
    assertArrayEquals(new String[] {"2", "say \"hi\"", "3"}, recs.get(1).values());
    assertEquals(4, recs.get(1).position()); // the quoted newline moved it down one line
    assertEquals(5, recs.get(2).position());
  }

  @Test
  public void givenCrlfAndCrOnlyLineEnds_readsTheSameRecords() throws IOException {
    for (String eol : new String[] {"\n", "\r\n", "\r"}) {
      List<SourceRecord<String[]>> recs = readAll("a;b" + eol + "1;2" + eol + "3;4", CsvSettings.defaults().withDelimiter(';'));
      assertEquals(2, recs.size());
      assertArrayEquals(new String[] {"3", "4"}, recs.get(1).values());
      assertEquals("line of second record with " + eol.replace("\r", "CR").replace("\n", "LF"), 3, recs.get(1).position());
    }
  }

  @Test
  public void givenBom_firstColumnNameHasNoBom() throws IOException {
    try (CsvRecordReader r = CsvRecordReader.open(new StringReader("\uFEFFage,sex\r\n60,1\r\n"), COMMA)) {
      assertEquals(List.of("age", "sex"), r.columns());
      assertArrayEquals(new String[] {"60", "1"}, r.next().values());
    }
  }

  @Test
  public void givenMissingTokensAndSpaces_givesNullsAndTrimmedValues() throws IOException {
    List<SourceRecord<String[]>> recs = readAll("a, b, c, d, e\n39, ?, NA, , x y \n", COMMA);
    assertArrayEquals(new String[] {"39", null, null, null, "x y"}, recs.get(0).values());
  }

  @Test
  public void givenConfiguredMissingTokens_onlyThoseAreMissing() throws IOException {
    List<SourceRecord<String[]>> recs =
        readAll("a,b\n-999,NA\n", COMMA.withMissing(java.util.Set.of("-999")));
    assertArrayEquals(new String[] {null, "NA"}, recs.get(0).values());
  }

  @Test
  public void givenTooManyFields_rejectsThatRecordWithExactRawTextAndLine_andReadsOn() throws IOException {
    String csv = "a,b\n1,2\n3,4,5\n\n6,7\n";
    List<SourceRecord<String[]>> recs = readAll(csv, COMMA);
    assertEquals(3, recs.size());
    SourceRecord<String[]> bad = recs.get(1);
    assertTrue(bad.isBad());
    assertEquals(3, bad.position());
    assertEquals("3,4,5", bad.raw());
    assertEquals("expected 2 fields, found 3", bad.error());
    assertFalse(recs.get(2).isBad());
    assertEquals(5, recs.get(2).position()); // the blank line is skipped but counted
  }

  @Test
  public void givenBadRecordSpanningLines_rawTextKeepsItsLineBreak() throws IOException {
    List<SourceRecord<String[]>> recs = readAll("a,b\n\"x\ny\",2,3\n4,5\n", COMMA);
    assertEquals("\"x\ny\",2,3", recs.get(0).raw());
    assertEquals(2, recs.get(0).position());
    assertEquals(4, recs.get(1).position());
  }

  @Test
  public void givenBlankLinesAndTrailingBlankLine_skipsThem() throws IOException {
    List<SourceRecord<String[]>> recs = readAll("a,b\n\n1,2\n   \n3,4\n\n", COMMA);
    assertEquals(2, recs.size());
    assertEquals(3, recs.get(0).position());
    assertEquals(5, recs.get(1).position());
  }

  @Test
  public void givenNoHeader_namesColumnsC0ToCn_andKeepsFirstRecord() throws IOException {
    try (CsvRecordReader r = CsvRecordReader.open(new StringReader("1,2,3\n4,5,6\n"), COMMA.withHeader(false))) {
      assertEquals(List.of("c0", "c1", "c2"), r.columns());
      SourceRecord<String[]> first = r.next();
      assertEquals(1, first.position());
      assertArrayEquals(new String[] {"1", "2", "3"}, first.values());
      assertEquals(2, r.next().position());
      assertNull(r.next());
    }
  }

  @Test
  public void givenNoHeaderAndNames_usesTheNames() throws IOException {
    try (CsvRecordReader r =
        CsvRecordReader.open(new StringReader("1,2\n"), COMMA.withHeader(false).withColumnNames(List.of("x", "y")))) {
      assertEquals(List.of("x", "y"), r.columns());
    }
  }

  @Test
  public void givenDuplicateAndEmptyHeaderNames_makesThemUnique() throws IOException {
    try (CsvRecordReader r = CsvRecordReader.open(new StringReader("a,a,,b\n1,2,3,4\n"), COMMA)) {
      assertEquals(List.of("a", "a_2", "c2", "b"), r.columns());
    }
  }

  @Test
  public void givenQuoteNeverClosed_failsNamingTheLineWhereItOpened() throws IOException {
    CsvRecordReader r = CsvRecordReader.open(new StringReader("a,b\n1,2\n3,\"open\n4,5\n"), COMMA);
    assertEquals(2, r.next().position());
    IOException e = assertThrows(IOException.class, r::next);
    assertEquals("line 3: a quoted field opened on this line is never closed; the rest of the file was not read", e.getMessage());
  }

  @Test
  public void givenTabDelimiterAndEscapeCharacter_parsesThem() throws IOException {
    List<SourceRecord<String[]>> recs =
        readAll("a\tb\nx\\\ty\tz\n", CsvSettings.defaults().withDelimiter('\t').withEscape('\\'));
    assertArrayEquals(new String[] {"x\ty", "z"}, recs.get(0).values());
  }
}
