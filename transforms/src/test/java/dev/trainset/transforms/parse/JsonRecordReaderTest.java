package dev.trainset.transforms.parse;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class JsonRecordReaderTest {
  private static List<SourceRecord<Map<String, Object>>> readAll(String text, JsonSettings s) throws IOException {
    try (JsonRecordReader r = JsonRecordReader.open(new StringReader(text), s)) {
      List<SourceRecord<Map<String, Object>>> out = new ArrayList<>();
      SourceRecord<Map<String, Object>> rec;
      while ((rec = r.next()) != null) {
        out.add(rec);
      }
      return out;
    }
  }

  @Test
  public void givenJsonLinesWithAnInvalidLine_rejectsItWithLineAndReason_andReadsOn() throws IOException {
    String jsonl = "{\"a\":1}\n{\"a\": oops}\n\n[1,2]\n{\"a\":3}\n";
    List<SourceRecord<Map<String, Object>>> recs = readAll(jsonl, JsonSettings.detect());
    assertEquals(4, recs.size());
    assertEquals(1L, recs.get(0).values().get("a"));
    assertTrue(recs.get(1).isBad());
    assertEquals(2, recs.get(1).position());
    assertEquals("{\"a\": oops}", recs.get(1).raw());
    assertTrue(recs.get(1).error().startsWith("invalid JSON: Unrecognized token 'oops'"));
    assertEquals("expected a JSON object, found ARRAY", recs.get(2).error());
    assertEquals(4, recs.get(2).position());
    assertEquals(5, recs.get(3).position());
  }

  @Test
  public void givenTopLevelArray_readsRecordsByIndex_flatteningNestedObjects() throws IOException {
    String json = " [ {\"Title\": 1776, \"r\": {\"imdb\": 7.5, \"votes\": null}, \"tags\": [\"a\", \"b\"]},\n"
        + "{\"Title\": \"Up\", \"nested\": [{\"x\":1}]} ]";
    List<SourceRecord<Map<String, Object>>> recs = readAll(json, JsonSettings.detect());
    assertEquals(2, recs.size());
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("Title", 1776L);
    first.put("r.imdb", 7.5);
    first.put("r.votes", null);
    first.put("tags", Arrays.asList("a", "b"));
    assertEquals(first, recs.get(0).values());
    assertEquals(2, recs.get(1).position());
    assertEquals("[{\"x\":1}]", recs.get(1).values().get("nested"));
  }

  @Test
  public void givenRecordsPath_readsTheArrayThere() throws IOException {
    String geo = "{\"type\":\"FeatureCollection\",\"meta\":{\"n\":2},\"features\":[{\"id\":1},{\"id\":2}]}";
    List<SourceRecord<Map<String, Object>>> recs = readAll(geo, new JsonSettings("features", false));
    assertEquals(2, recs.size());
    assertEquals(2L, recs.get(1).values().get("id"));
  }

  @Test
  public void givenMissingRecordsPath_failsNamingThePath() {
    IOException e = assertThrows(IOException.class, () -> readAll("{\"a\":[]}", new JsonSettings("features", false)));
    assertEquals("no array of records at 'features' (input.json.recordsPath)", e.getMessage());
  }

  @Test
  public void givenBrokenArray_failsNamingTheRecord() throws IOException {
    JsonRecordReader r = JsonRecordReader.open(new StringReader("[{\"a\":1},{\"a\":,}]"), JsonSettings.detect());
    assertEquals(1L, r.next().values().get("a"));
    IOException e = assertThrows(IOException.class, r::next);
    assertTrue(e.getMessage(), e.getMessage().startsWith("invalid JSON in record 2 at line 1"));
  }

  @Test
  public void givenEmptyInput_hasNoRecords() throws IOException {
    try (JsonRecordReader r = JsonRecordReader.open(new StringReader("  \n"), JsonSettings.detect())) {
      assertNull(r.next());
    }
  }
}
