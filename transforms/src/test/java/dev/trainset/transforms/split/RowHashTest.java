package dev.trainset.transforms.split;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class RowHashTest {
  private static final Schema S = Schema.builder().addNullableInt64Field("a").addNullableDoubleField("b").addNullableStringField("c").build();

  @Test
  public void theHashIsAFixedFunctionOfTheValues() {
    Row r = Row.withSchema(S).addValues(1L, 2.5, "x").build();
    // Pinned: a change to the function changes every split membership, so it must be deliberate (and RowHash.VERSION bumped).
    assertEquals(RowHash.of(r, 0, 0), RowHash.of(Row.withSchema(S).addValues(1L, 2.5, "x").build(), 0, 0));
    assertEquals(3419371667393141058L, RowHash.of(r, 0, 0));
  }

  @Test
  public void typesNullsAndPositionsMatter_zeroSignDoesNot() {
    long base = RowHash.of(Row.withSchema(S).addValues(1L, 1.0, "1").build(), 0, 0);
    assertNotEquals(base, RowHash.of(Row.withSchema(S).addValues(1L, 1.0, null).build(), 0, 0));
    assertNotEquals(base, RowHash.of(Row.withSchema(S).addValues(1L, 1.0, "01").build(), 0, 0));
    assertNotEquals(
        RowHash.of(Row.withSchema(S).addValues(null, 1.0, "x").build(), 0, 0),
        RowHash.of(Row.withSchema(S).addValues(1L, null, "x").build(), 0, 0));
    assertEquals(
        RowHash.of(Row.withSchema(S).addValues(1L, 0.0, "x").build(), 0, 0),
        RowHash.of(Row.withSchema(S).addValues(1L, -0.0, "x").build(), 0, 0));
    assertNotEquals(RowHash.of(Row.withSchema(S).addValues(1L, 1.0, "1").build(), 1, 0), base);
  }
}
