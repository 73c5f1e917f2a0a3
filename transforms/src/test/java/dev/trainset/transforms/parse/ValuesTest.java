package dev.trainset.transforms.parse;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.Test;

public class ValuesTest {
  @Test
  public void kindOf_recognisesEachKind() {
    assertEquals(Values.KIND_LONG, Values.kindOf("42"));
    assertEquals(Values.KIND_LONG, Values.kindOf("-7"));
    assertEquals(Values.KIND_DOUBLE, Values.kindOf("60.667"));
    assertEquals(Values.KIND_DOUBLE, Values.kindOf("1e-3"));
    assertEquals(Values.KIND_DOUBLE, Values.kindOf(".5"));
    assertEquals(Values.KIND_DOUBLE, Values.kindOf("99999999999999999999")); // too big for a long
    assertEquals(Values.KIND_BOOLEAN, Values.kindOf("TRUE"));
    assertEquals(Values.KIND_TIMESTAMP, Values.kindOf("2024-01-31"));
    assertEquals(Values.KIND_TIMESTAMP, Values.kindOf("2024-01-31T10:00:00Z"));
    assertEquals(Values.KIND_TIMESTAMP, Values.kindOf("2024-01-31 10:00"));
    assertEquals(Values.KIND_STRING, Values.kindOf("100.333.333.333.333"));
    assertEquals(Values.KIND_STRING, Values.kindOf("NaN"));
    assertEquals(Values.KIND_STRING, Values.kindOf("0x1F"));
    assertEquals(Values.KIND_STRING, Values.kindOf("1d"));
    assertEquals(Values.KIND_STRING, Values.kindOf("Jun 12 1998"));
  }

  @Test
  public void typeOf_widensLongToDouble_andMixedToString() {
    assertEquals(ColumnType.DOUBLE, Values.typeOf(Values.KIND_LONG | Values.KIND_DOUBLE));
    assertEquals(ColumnType.STRING, Values.typeOf(Values.KIND_LONG | Values.KIND_BOOLEAN));
    assertEquals(ColumnType.STRING, Values.typeOf(Values.KIND_TIMESTAMP | Values.KIND_LONG));
    assertEquals(ColumnType.STRING, Values.typeOf(0));
  }

  @Test
  public void convert_followsTheInferenceRules() {
    assertEquals(60.0, Values.convert("60", ColumnSpec.of("age", ColumnType.DOUBLE)));
    assertEquals(3L, Values.convert(3.0, ColumnSpec.of("n", ColumnType.LONG)));
    assertEquals("1776", Values.convert(1776L, ColumnSpec.of("Title", ColumnType.STRING)));
    assertEquals("2.5", Values.convert(2.5, ColumnSpec.of("s", ColumnType.STRING)));
    assertEquals(Boolean.TRUE, Values.convert("yes", ColumnSpec.of("b", ColumnType.BOOLEAN)));
    assertEquals(Instant.parse("2024-01-31T08:00:00Z"), Values.convert("2024-01-31T10:00:00+02:00", ColumnSpec.of("t", ColumnType.TIMESTAMP)));
    assertEquals(List.of(1.0, 2.0), Values.convert(List.of(1L, 2.0), new ColumnSpec("l", ColumnType.DOUBLE, true, true, null)));
    assertNull(Values.convert(null, ColumnSpec.of("x", ColumnType.LONG)));
  }

  @Test
  public void convert_rejectsWithAMessageNamingColumnTypeAndValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Values.convert("956.666.666.666.667", ColumnSpec.of("alcohol", ColumnType.DOUBLE)));
    assertEquals("column 'alcohol': expected double, got '956.666.666.666.667'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Values.convert("z", new ColumnSpec("c", ColumnType.STRING, false, true, List.of("x", "y"))));
    assertEquals("column 'c': value 'z' is not in the declared domain [x, y]", e.getMessage());
  }

  @Test
  public void formatDouble_hasNoExponentForOrdinaryMagnitudes() {
    assertEquals("263358.03", Values.formatDouble(263358.03));
    assertEquals("1", Values.formatDouble(1.0));
    assertEquals("0.00001", Values.formatDouble(1e-5));
  }

  @Test
  public void aJsonNumberPastDoublesRange_inAStringColumn_becomesInfinityText_notAnException() {
    // Found by fuzzing (JsonReaderFuzzTest): 111111e1111111111111555 parses to Infinity, and formatting it threw
    // NumberFormatException from BigDecimal, failing the whole slice instead of typing the value.
    assertEquals("Infinity", Values.formatDouble(Double.POSITIVE_INFINITY));
    assertEquals("-Infinity", Values.formatDouble(Double.NEGATIVE_INFINITY));
    ColumnSpec text = new ColumnSpec("a", ColumnType.STRING, false, true, null);
    assertEquals("Infinity", Values.convert(Double.parseDouble("111111e1111111111111555"), text));
  }

  @Test
  public void aDateTimeBeyondWhatMicrosecondsHold_isNotATimestamp_soItIsRejectedNotAnOverflow() {
    // Found by fuzzing (CsvReaderFuzzTest): such a value typed as a timestamp threw ArithmeticException (long overflow).
    assertEquals(null, Values.parseTimestamp("+999999999-12-31T23:59:59Z"));
    assertEquals(null, Values.parseTimestamp("-999999999-01-01T00:00:00"));
    assertEquals(java.time.Instant.parse("9999-12-31T23:59:59Z"), Values.parseTimestamp("9999-12-31T23:59:59Z"));
  }
}
