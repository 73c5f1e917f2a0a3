package dev.trainset.transforms.prepare;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.prepare.Preparation.Missing;
import dev.trainset.transforms.prepare.Preparation.MissingPolicy;
import dev.trainset.transforms.prepare.Preparation.Settings;
import dev.trainset.transforms.prepare.Preparation.Unmapped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class PreparationTest {
  private static final TableSchema IN =
      new TableSchema(
          List.of(
              ColumnSpec.of("id", ColumnType.LONG),
              ColumnSpec.of("age", ColumnType.DOUBLE),
              ColumnSpec.of("sex", ColumnType.STRING),
              new ColumnSpec("class", ColumnType.STRING, false, true, List.of("Abnormal", "Normal"))));

  private static Map<String, String> map() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("Abnormal", "1");
    m.put("Normal", "0");
    return m;
  }

  /** Prepares one row given as boxed values: the label first through {@link Preparation#prepareLabel}, as readers do. */
  private static Object[] apply(Preparation p, Object[] values) {
    TypedRow in = new TypedRow(p.input().size());
    for (int i = 0; i < values.length; i++) {
      in.setValue(i, p.input().column(i), values[i]);
    }
    Object label = p.hasLabel() ? p.prepareLabel(in.value(p.labelSource(), p.input().column(p.labelSource()))) : null;
    TypedRow out = new TypedRow(p.output().size());
    p.apply(in, out, label);
    return out.values(p.output()).toArray();
  }

  private static Settings settings(Unmapped unmapped, List<String> drop, Map<String, Missing> missing) {
    return new Settings("class", map(), unmapped, true, List.of(), drop, Missing.KEEP, missing);
  }

  @Test
  public void givenALabelMap_theLabelIsFirstAndMappedToLongs() {
    Preparation p = Preparation.of(IN, settings(Unmapped.REJECT, List.of("id"), Map.of()));
    assertEquals(List.of("class", "age", "sex"), p.output().names());
    assertEquals(ColumnType.LONG, p.output().column(0).type());
    assertEquals(false, p.output().column(0).nullable());
    assertArrayEquals(new Object[] {1L, 61.5, "F"}, apply(p, new Object[] {7L, 61.5, "F", "Abnormal"}));
    assertArrayEquals(new Object[] {0L, null, null}, apply(p, new Object[] {8L, null, null, "Normal"}));
  }

  @Test
  public void givenAnUnmappedOrMissingLabel_rejectsWithTheReason() {
    Preparation p = Preparation.of(IN, settings(Unmapped.REJECT, List.of(), Map.of()));
    Preparation.Rejected e = assertThrows(Preparation.Rejected.class, () -> apply(p, new Object[] {1L, 2.0, "M", "Other"}));
    assertEquals("label 'class' value 'Other' is not in label.map [Abnormal, Normal]", e.getMessage());
    e = assertThrows(Preparation.Rejected.class, () -> apply(p, new Object[] {1L, 2.0, "M", null}));
    assertEquals("label 'class' is missing", e.getMessage());
  }

  @Test
  public void givenUnmappedKeep_keepsAValueThatFitsTheMappedType_andRejectsOneThatDoesNot() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("yes", "1");
    Preparation p =
        Preparation.of(IN, new Settings("sex", m, Unmapped.KEEP, true, List.of(), List.of(), Missing.KEEP, Map.of()));
    assertEquals(1L, apply(p, new Object[] {1L, 2.0, "yes", "Normal"})[0]);
    assertEquals(0L, apply(p, new Object[] {1L, 2.0, "0", "Normal"})[0]);
    Preparation.Rejected e = assertThrows(Preparation.Rejected.class, () -> apply(p, new Object[] {1L, 2.0, "no", "Normal"}));
    assertEquals("label 'sex' value 'no' is not in label.map and is not a long (unmapped: keep)", e.getMessage());
  }

  @Test
  public void givenMissingPolicies_fillsDropsAndKeeps() {
    Map<String, Missing> missing = new LinkedHashMap<>();
    missing.put("age", new Missing(MissingPolicy.FILL, "0"));
    missing.put("sex", Missing.DROP);
    Preparation p = Preparation.of(IN, settings(Unmapped.REJECT, List.of(), missing));
    assertArrayEquals(new Object[] {1L, null, 0.0, "F"}, apply(p, new Object[] {null, null, "F", "Abnormal"}));
    Preparation.Rejected e = assertThrows(Preparation.Rejected.class, () -> apply(p, new Object[] {1L, 3.0, null, "Abnormal"}));
    assertEquals("column 'sex' is missing (missing policy: drop)", e.getMessage());
    assertEquals(false, p.output().column(2).nullable());
  }

  @Test
  public void givenSettingsThatDoNotFitTheData_namesTheKey() {
    assertEquals(
        "label.column: no column 'klass' (columns are [id, age, sex, class])",
        assertThrows(Preparation.InvalidSetting.class,
            () -> Preparation.of(IN, new Settings("klass", Map.of(), Unmapped.REJECT, true, List.of(), List.of(), Missing.KEEP, Map.of())))
            .getMessage());
    assertEquals(
        "columns.drop: cannot drop the label column 'class'",
        assertThrows(Preparation.InvalidSetting.class, () -> Preparation.of(IN, settings(Unmapped.REJECT, List.of("class"), Map.of())))
            .getMessage());
    assertEquals(
        "missing.columns.age.fill: column 'age': expected double, got 'zero'",
        assertThrows(Preparation.InvalidSetting.class,
            () -> Preparation.of(IN, settings(Unmapped.REJECT, List.of(), Map.of("age", new Missing(MissingPolicy.FILL, "zero")))))
            .getMessage());
  }

  @Test
  public void givenNoSettings_isTheIdentity() {
    Preparation p = Preparation.identity(IN);
    assertEquals(IN, p.output());
    Object[] row = {1L, 2.5, "M", "Normal"};
    assertArrayEquals(row, apply(p, row));
  }

  @Test
  public void givenOneHotAndOrdinal_textColumnsBecomeNumbers_andUnknownValuesAreRejected() {
    TableSchema in =
        new TableSchema(
            List.of(
                ColumnSpec.of("sex", ColumnType.STRING),
                new ColumnSpec("size", ColumnType.STRING, false, true, List.of("S", "M", "L")),
                ColumnSpec.of("y", ColumnType.LONG)));
    Preparation p =
        Preparation.of(
            in,
            new Settings(
                "y", Map.of(), Unmapped.REJECT, true, List.of(), List.of(), Missing.KEEP, Map.of(),
                Map.of("sex", List.of("F", "M")), Map.of("size", List.of())));
    assertEquals(List.of("y", "sex=F", "sex=M", "size"), p.output().names());
    assertEquals(ColumnType.LONG, p.output().column(1).type());
    assertArrayEquals(new Object[] {1L, 0L, 1L, 2L}, apply(p, new Object[] {"M", "L", 1L}));
    assertArrayEquals(new Object[] {0L, null, null, 0L}, apply(p, new Object[] {null, "S", 0L}));
    assertEquals(
        "column 'sex' value 'X' is not among its categories [F, M] (output.oneHot)",
        assertThrows(Preparation.Rejected.class, () -> apply(p, new Object[] {"X", "S", 0L})).getMessage());
    assertEquals(
        "output.ordinal: column 'sex' declares no categories; list them: output.ordinal: {sex: [a, b, c]}",
        assertThrows(Preparation.InvalidSetting.class,
            () -> Preparation.of(in, new Settings("y", Map.of(), Unmapped.REJECT, true, List.of(), List.of(), Missing.KEEP, Map.of(),
                Map.of(), Map.of("sex", List.of())))).getMessage());
  }
}
