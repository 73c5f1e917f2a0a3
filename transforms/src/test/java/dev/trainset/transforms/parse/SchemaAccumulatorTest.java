package dev.trainset.transforms.parse;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class SchemaAccumulatorTest {
  private static final List<String> NAMES = List.of("age", "flag", "when", "mixed", "empty");

  @Test
  public void givenTextRecords_infersTypesWideningAndNullability() {
    SchemaAccumulator acc = new SchemaAccumulator();
    acc.addText("f", 2, NAMES, new String[] {"60", "true", "2024-01-01", "1", null});
    acc.addText("f", 3, NAMES, new String[] {"60.667", "false", "2024-01-02", "x", null});
    acc.addText("f", 4, NAMES, new String[] {"70", null, "2024-01-03", "2", null});
    TableSchema s = acc.toSchema(false);
    assertEquals("[age:double not null, flag:boolean, when:timestamp not null, mixed:string not null, empty:string]", s.toString());
    assertEquals(Long.valueOf(3), acc.nullCounts().get("empty"));
    assertEquals(3, acc.records());
  }

  @Test
  public void givenSampleInference_everyColumnIsNullable() {
    SchemaAccumulator acc = new SchemaAccumulator();
    acc.addText("f", 2, List.of("a"), new String[] {"1"});
    assertEquals("[a:long]", acc.toSchema(true).toString());
  }

  @Test
  public void givenJsonRecords_unionsKeysAndKeepsListsAndAbsentKeysAreNullable() {
    SchemaAccumulator acc = new SchemaAccumulator();
    Map<String, Object> r1 = new LinkedHashMap<>();
    r1.put("Title", "Up");
    r1.put("tags", List.of("a"));
    Map<String, Object> r2 = new LinkedHashMap<>();
    r2.put("Title", 1776L);
    r2.put("tags", List.of());
    r2.put("extra", 2.5);
    acc.addJson("f", 1, r1);
    acc.addJson("f", 2, r2);
    assertEquals("[Title:string not null, tags:list<string> not null, extra:double]", acc.toSchema(false).toString());
  }

  @Test
  public void givenAnyMergeOrder_givesTheSameSchema() {
    SchemaAccumulator a = new SchemaAccumulator();
    a.addText("s3://b/part-1.csv", 2, List.of("x", "y"), new String[] {"1", "a"});
    SchemaAccumulator b = new SchemaAccumulator();
    b.addText("s3://b/part-0.csv", 2, List.of("y", "z"), new String[] {"b", "2.5"});
    SchemaAccumulator ab = new SchemaAccumulator().merge(a).merge(b);
    SchemaAccumulator ba = new SchemaAccumulator().merge(b).merge(a);
    assertEquals(ab.toSchema(false), ba.toSchema(false));
    assertEquals("[y:string not null, z:double, x:long]", ab.toSchema(false).toString());
  }
}
