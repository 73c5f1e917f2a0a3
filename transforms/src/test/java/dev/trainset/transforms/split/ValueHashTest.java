package dev.trainset.transforms.split;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

public class ValueHashTest {
  @Test
  public void theHashIsAFixedFunctionOfTheValue() {
    // Pinned: a change to the function changes every split membership, so it must be deliberate (and VERSION bumped).
    assertEquals(ValueHash.text("Abnormal"), ValueHash.chars("xAbnormalx".toCharArray(), 1, 8));
    assertEquals(43486915975875497L, ValueHash.text("Abnormal"));
    assertEquals(ValueHash.of(List.of(1L, "a")), ValueHash.of(Arrays.asList(1L, "a")));
  }

  @Test
  public void valuesAreTheirTypeAndText_zeroSignIsNot() {
    assertNotEquals(ValueHash.of(1L), ValueHash.of(1.0));
    assertNotEquals(ValueHash.of(1L), ValueHash.of("1"));
    assertNotEquals(ValueHash.text("1.5"), ValueHash.text("1.50"));
    assertNotEquals(ValueHash.of(true), ValueHash.of("true"));
    assertEquals(ValueHash.of(0.0), ValueHash.of(-0.0));
    assertNotEquals(ValueHash.of(Instant.EPOCH), ValueHash.of(Instant.EPOCH.plusNanos(1000)));
    assertNotEquals(ValueHash.of(Arrays.asList(1L, null)), ValueHash.of(List.of(1L)));
    assertNotEquals(ValueHash.text("ab"), ValueHash.text("ba"));
  }
}
