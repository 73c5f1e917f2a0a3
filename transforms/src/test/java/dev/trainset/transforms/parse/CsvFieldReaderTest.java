package dev.trainset.transforms.parse;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class CsvFieldReaderTest {
  private static final CsvSettings COMMA = CsvSettings.defaults().withDelimiter(',');

  /** A record as read: its line, its values (null for missing), and, when bad, its raw text and reason. */
  private record Rec(long line, String[] values, String raw, String reason) {
    boolean bad() {
      return reason != null;
    }
  }

  private static List<Rec> readAll(String text, CsvSettings s) throws IOException {
    try (CsvFieldReader r = CsvFieldReader.open(new StringReader(text), s)) {
      return drain(r);
    }
  }

  private static List<Rec> drain(CsvFieldReader r) throws IOException {
    List<Rec> out = new ArrayList<>();
    while (r.next()) {
      out.add(current(r));
    }
    return out;
  }

  private static Rec current(CsvFieldReader r) {
    String[] v = new String[r.count()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.isMissing(i) ? null : r.text(i);
    }
    return new Rec(r.line(), v, r.isBad() ? r.raw() : null, r.badReason());
  }

  @Test
  public void givenQuotedNewlinesDelimitersAndDoubledQuotes_givesOneRecordEach_withStartLines() throws IOException {
    String csv = "id,text,n\n1,\"multi\nline, with comma\",2\n2,\"say \"\"hi\"\"\",3\n3,plain,4\n";
    List<Rec> recs = readAll(csv, COMMA);
    assertEquals(3, recs.size());
    assertArrayEquals(new String[] {"1", "multi\nline, with comma", "2"}, recs.get(0).values());
    assertEquals(2, recs.get(0).line());
    assertArrayEquals(new String[] {"2", "say \"hi\"", "3"}, recs.get(1).values());
    assertEquals(4, recs.get(1).line()); // the quoted newline moved it down one line
    assertEquals(5, recs.get(2).line());
  }

  @Test
  public void givenCrlfAndCrOnlyLineEnds_readsTheSameRecords() throws IOException {
    for (String eol : new String[] {"\n", "\r\n", "\r"}) {
      List<Rec> recs = readAll("a;b" + eol + "1;2" + eol + "3;4", CsvSettings.defaults().withDelimiter(';'));
      assertEquals(2, recs.size());
      assertArrayEquals(new String[] {"3", "4"}, recs.get(1).values());
      assertEquals("line of second record with " + eol.replace("\r", "CR").replace("\n", "LF"), 3, recs.get(1).line());
    }
  }

  @Test
  public void givenBom_firstColumnNameHasNoBom() throws IOException {
    try (CsvFieldReader r = CsvFieldReader.open(new StringReader("\uFEFFage,sex\r\n60,1\r\n"), COMMA)) {
      assertEquals(List.of("age", "sex"), r.columns());
      assertTrue(r.next());
      assertArrayEquals(new String[] {"60", "1"}, current(r).values());
    }
  }

  @Test
  public void givenMissingTokensAndSpaces_givesNullsAndTrimmedValues() throws IOException {
    List<Rec> recs = readAll("a, b, c, d, e, f\n39, ?, NA, , x y ,  \"q \"\"r\"\"\"  \n", COMMA);
    assertArrayEquals(new String[] {"39", null, null, null, "x y", "q \"r\""}, recs.get(0).values());
  }

  @Test
  public void givenConfiguredMissingTokens_onlyThoseAreMissing() throws IOException {
    List<Rec> recs = readAll("a,b\n-999,NA\n", COMMA.withMissing(java.util.Set.of("-999")));
    assertArrayEquals(new String[] {null, "NA"}, recs.get(0).values());
  }

  @Test
  public void givenTrimOff_keepsSpacesAroundValues() throws IOException {
    CsvSettings noTrim = new CsvSettings(',', '"', true, List.of(), CsvSettings.DEFAULT_MISSING, false);
    List<Rec> recs = readAll("a,b\n x , y\n", noTrim);
    assertArrayEquals(new String[] {" x ", " y"}, recs.get(0).values());
  }

  @Test
  public void givenTooManyFields_rejectsThatRecordWithItsRawTextAndLine_andReadsOn() throws IOException {
    String csv = "a,b\n1,2\n3,4,5\n\n6,7\n";
    List<Rec> recs = readAll(csv, COMMA);
    assertEquals(3, recs.size());
    Rec bad = recs.get(1);
    assertTrue(bad.bad());
    assertEquals(3, bad.line());
    assertEquals("3,4,5", bad.raw());
    assertEquals("expected 2 fields, found 3", bad.reason());
    assertFalse(recs.get(2).bad());
    assertEquals(5, recs.get(2).line()); // the blank line is skipped but counted
  }

  @Test
  public void givenBadRecordSpanningLines_rawTextKeepsItsLineBreak() throws IOException {
    List<Rec> recs = readAll("a,b\n\"x\ny\",2,3\n4,5\n", COMMA);
    assertEquals("\"x\ny\",2,3", recs.get(0).raw());
    assertEquals(2, recs.get(0).line());
    assertEquals(4, recs.get(1).line());
  }

  @Test
  public void givenBlankLinesAndTrailingBlankLine_skipsThem() throws IOException {
    List<Rec> recs = readAll("a,b\n\n1,2\n   \n3,4\n\n", COMMA);
    assertEquals(2, recs.size());
    assertEquals(3, recs.get(0).line());
    assertEquals(5, recs.get(1).line());
  }

  @Test
  public void givenNoHeader_namesColumnsC0ToCn_andKeepsFirstRecord() throws IOException {
    try (CsvFieldReader r = CsvFieldReader.open(new StringReader("1,2,3\n4,5,6\n"), COMMA.withHeader(false))) {
      assertEquals(List.of("c0", "c1", "c2"), r.columns());
      List<Rec> recs = drain(r);
      assertEquals(2, recs.size());
      assertEquals(1, recs.get(0).line());
      assertArrayEquals(new String[] {"1", "2", "3"}, recs.get(0).values());
      assertEquals(2, recs.get(1).line());
    }
  }

  @Test
  public void givenNoHeaderAndNames_usesTheNames() throws IOException {
    try (CsvFieldReader r =
        CsvFieldReader.open(new StringReader("1,2\n"), COMMA.withHeader(false).withColumnNames(List.of("x", "y")))) {
      assertEquals(List.of("x", "y"), r.columns());
    }
  }

  @Test
  public void givenDuplicateAndEmptyHeaderNames_makesThemUnique() throws IOException {
    try (CsvFieldReader r = CsvFieldReader.open(new StringReader("a,a,,b\n1,2,3,4\n"), COMMA)) {
      assertEquals(List.of("a", "a_2", "c2", "b"), r.columns());
    }
  }

  @Test
  public void givenQuoteNeverClosed_failsNamingTheLineWhereItOpened() throws IOException {
    CsvFieldReader r = CsvFieldReader.open(new StringReader("a,b\n1,2\n3,\"open\n4,5\n"), COMMA);
    assertTrue(r.next());
    assertEquals(2, r.line());
    IOException e = assertThrows(IOException.class, r::next);
    assertEquals("line 3: a quoted field opened on this line is never closed; the rest of the file was not read", e.getMessage());
  }

  @Test
  public void givenQuotedLastFieldsClosedAtTheEnd_areNotTakenForUnclosedQuotes() throws IOException {
    for (String end : new String[] {"\"x\"", "\"x\"\n", "\"x\"\"\"", "\"\"", "\"\"\"\"", "\"a\nb\"\r\n"}) {
      List<Rec> recs = readAll("a,b\n1," + end, COMMA);
      assertEquals(end, 1, recs.size());
      assertFalse(end, recs.get(0).bad());
    }
  }

  @Test
  public void givenSliceAfterTheHeader_numbersLinesFromItsFirstLine_withTheFileColumns() throws IOException {
    try (CsvFieldReader r = CsvFieldReader.openSlice(new StringReader("7,8\n9,10\n"), COMMA, List.of("a", "b"), 41, ReadLimits.DEFAULTS)) {
      assertEquals(List.of("a", "b"), r.columns());
      List<Rec> recs = drain(r);
      assertEquals(41, recs.get(0).line());
      assertEquals(42, recs.get(1).line());
      assertArrayEquals(new String[] {"7", "8"}, recs.get(0).values());
    }
  }
}
