package dev.trainset.transforms.parse;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** Each {@code input.limits} key, on the reader it bounds: over the limit is a rejected record or a clear error. */
public class ReadLimitsTest {
  private static final CsvSettings COMMA = CsvSettings.defaults().withDelimiter(',');

  private static List<String> csvOutcomes(String text, ReadLimits limits) throws IOException {
    List<String> out = new ArrayList<>();
    try (CsvFieldReader r = CsvFieldReader.open(new StringReader(text), COMMA, limits)) {
      while (r.next()) {
        out.add(r.isBad() ? "line " + r.line() + " bad: " + r.badReason() + " | raw " + r.raw().length() : "line " + r.line() + " ok");
      }
    }
    return out;
  }

  private static List<SourceRecord<Map<String, Object>>> json(String text, JsonSettings s, ReadLimits limits)
      throws IOException {
    try (JsonRecordReader r = JsonRecordReader.open(new StringReader(text), s, 1, limits)) {
      List<SourceRecord<Map<String, Object>>> out = new ArrayList<>();
      SourceRecord<Map<String, Object>> rec;
      while ((rec = r.next()) != null) {
        out.add(rec);
      }
      return out;
    }
  }

  @Test
  public void givenACsvRecordLongerThanRecordChars_rejectsItKeepingItsFirstCharacters_andReadsOn() throws IOException {
    String big = "1," + "y".repeat(200_000) + ",x\n";
    List<String> got = csvOutcomes("a,b,label\n1,2,x\n" + big + "3,4,x\n", ReadLimits.DEFAULTS.withRecordChars(100_000));
    assertEquals(
        List.of(
            "line 2 ok",
            "line 3 bad: this record has 200004 characters, more than input.limits.recordChars (100000); the rejected"
                + " record keeps its first 10000 | raw 10000",
            "line 4 ok"),
        got);
  }

  @Test
  public void givenACsvFieldLongerThanFieldChars_rejectsTheRecordNamingTheField_andReadsOn() throws IOException {
    List<String> got = csvOutcomes("a,b\n1,2\n1,22222\n3,4\n", ReadLimits.DEFAULTS.withFieldChars(4));
    assertEquals(
        List.of("line 2 ok", "line 3 bad: field 2 has 5 characters, more than input.limits.fieldChars (4) | raw 7", "line 4 ok"),
        got);
  }

  @Test
  public void givenADataRecordFarWiderThanTheColumnLimit_countsAllItsFields_butKeepsOnlyTheFirst() throws IOException {
    String wide = "9" + ",9".repeat(499_999) + "\n";
    try (CsvFieldReader r =
        CsvFieldReader.open(new StringReader("a,b\n" + wide + "1,2\n"), COMMA, ReadLimits.DEFAULTS.withColumns(10))) {
      assertTrue(r.next());
      assertTrue(r.isBad());
      assertEquals("expected 2 fields, found 500000", r.badReason());
      assertEquals(11, r.count());
      assertTrue(r.next());
      assertFalse(r.isBad());
    }
  }

  @Test
  public void givenAHeaderWiderThanTheColumnLimit_namesOneColumnMoreThanTheLimit_soTheSchemaCheckFails() throws IOException {
    String header = "c" + ",c".repeat(99_999) + "\n";
    try (CsvFieldReader r = CsvFieldReader.open(new StringReader(header), COMMA, ReadLimits.DEFAULTS.withColumns(10))) {
      assertEquals(11, r.columns().size());
    }
  }

  @Test
  public void givenJsonLinesNestedDeeperThanJsonDepth_rejectsTheLineNamingTheKey_andReadsOn() throws IOException {
    String deep = "{\"a\":" + "[".repeat(50) + "]".repeat(50) + "}";
    List<SourceRecord<Map<String, Object>>> recs =
        json("{\"a\":1}\n" + deep + "\n{\"a\":2}\n", new JsonSettings(null, true), ReadLimits.DEFAULTS.withJson(20, 100, 10));
    assertEquals(3, recs.size());
    assertTrue(recs.get(1).isBad());
    assertEquals(
        "invalid JSON: Depth (21) exceeds the maximum allowed nesting depth (20) (input.limits.jsonDepth)",
        recs.get(1).error());
    assertEquals(deep, recs.get(1).raw());
    assertFalse(recs.get(2).isBad());
  }

  @Test
  public void givenJsonStringsAndNumbersLongerThanTheirLimits_rejectsThoseLinesNamingEachKey() throws IOException {
    String text = "{\"s\":\"" + "z".repeat(101) + "\"}\n{\"n\":" + "7".repeat(11) + "}\n{\"s\":\"ok\",\"n\":7}\n";
    List<SourceRecord<Map<String, Object>>> recs = json(text, new JsonSettings(null, true), ReadLimits.DEFAULTS.withJson(20, 100, 10));
    assertTrue(recs.get(0).error(), recs.get(0).error().endsWith("(input.limits.jsonStringChars)"));
    assertTrue(recs.get(1).error(), recs.get(1).error().endsWith("(input.limits.jsonNumberChars)"));
    assertFalse(recs.get(2).isBad());
  }

  @Test
  public void givenAJsonLineLongerThanRecordChars_rejectsItKeepingItsFirstCharacters() throws IOException {
    String line = "{\"s\":\"" + "q".repeat(100_000) + "\"}";
    List<SourceRecord<Map<String, Object>>> recs =
        json(line + "\n{\"s\":\"ok\"}\n", new JsonSettings(null, true), ReadLimits.DEFAULTS.withRecordChars(1_000));
    assertEquals(
        "this line has 100008 characters, more than input.limits.recordChars (1000); the rejected record keeps its first 1000",
        recs.get(0).error());
    assertEquals(line.substring(0, 1_000), recs.get(0).raw());
    assertFalse(recs.get(1).isBad());
  }

  @Test
  public void givenAJsonArrayElementLongerThanRecordChars_theRestOfTheFileCannotBeRead_namingTheRecordAndKey() {
    String text = "[{\"s\":\"ok\"},{\"s\":\"" + "q".repeat(100_000) + "\"},{\"s\":\"never\"}]";
    IOException e =
        assertThrows(
            IOException.class, () -> json(text, JsonSettings.detect(), ReadLimits.DEFAULTS.withRecordChars(10_000)));
    assertEquals(
        "record 2 is longer than input.limits.recordChars (10000 characters); the rest of the file was not read",
        e.getMessage());
  }

  @Test
  public void givenADeepJsonArrayElement_theRestOfTheFileCannotBeRead_namingRecordLineColumnAndKey() {
    String text = "[{\"a\":1},\n{\"a\":" + "[".repeat(30) + "]".repeat(30) + "}]";
    IOException e =
        assertThrows(IOException.class, () -> json(text, JsonSettings.detect(), ReadLimits.DEFAULTS.withJson(20, 100, 10)));
    assertTrue(e.getMessage(), e.getMessage().startsWith("invalid JSON in record 2 at line 2, column "));
    assertTrue(e.getMessage(), e.getMessage().endsWith("(input.limits.jsonDepth); the rest of the file was not read"));
  }

  @Test
  public void givenAnArffHeaderWithMoreAttributesThanTheColumnLimit_failsAtTheFirstOneTooMany() {
    StringBuilder arff = new StringBuilder("@relation r\n");
    for (int i = 0; i < 50_000; i++) {
      arff.append("@attribute a").append(i).append(" numeric\n");
    }
    arff.append("@data\n");
    ArffReader.ArffFormatException e =
        assertThrows(
            ArffReader.ArffFormatException.class,
            () -> ArffReader.open(new StringReader(arff.toString()), ReadLimits.DEFAULTS.withColumns(1_000)));
    assertEquals(1_002, e.line());
    assertTrue(e.getMessage(), e.getMessage().contains("more than input.limits.columns (1000) attributes"));
  }

  @Test
  public void givenAnArffDataLineLongerThanRecordChars_rejectsIt_andReadsOn() throws IOException {
    String arff = "@relation r\n@attribute s string\n@data\n'" + "w".repeat(5_000) + "'\nok\n";
    try (ArffReader r = ArffReader.open(new StringReader(arff), ReadLimits.DEFAULTS.withRecordChars(1_000))) {
      SourceRecord<Object[]> first = r.next();
      assertTrue(first.isBad());
      assertEquals(
          "this line has 5002 characters, more than input.limits.recordChars (1000); the rejected record keeps its first 1000",
          first.error());
      assertEquals(1_000, first.raw().length());
      assertEquals("ok", r.next().values()[0]);
    }
  }

  @Test
  public void givenAFieldLimitAboveFastCsvsOwn_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> ReadLimits.DEFAULTS.withFieldChars(ReadLimits.MAX_FIELD_CHARS + 1));
  }
}
