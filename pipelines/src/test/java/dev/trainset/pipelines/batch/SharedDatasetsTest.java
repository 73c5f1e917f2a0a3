package dev.trainset.pipelines.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Every real dataset of ../shared/data ingests, and written + rejected equals the rows its SOURCE.md counts; plus the
 * quirk each file exists for. Skips, with a message, when ../shared/data is absent.
 */
public class SharedDatasetsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchIngest.Result ingest(Path input, String extraYaml) throws Exception {
    File out = tmp.newFolder();
    return BatchIngest.run(
        TestData.config("input: {path: \"" + input + "\"}\noutput: {path: " + out + "}\n" + extraYaml),
        TestData.direct(),
        BatchIngest.Settings.defaults());
  }

  /** The Parquet name of a column: the manifest's parquetName when Avro's naming rules forced one. */
  /** A column as DuckDB names it in SQL: the schema's name exactly (Parquet keeps it), quoted. */
  private static String col(BatchIngest.Result r, String name) {
    for (JsonNode c : r.manifest().toTree().at("/schema/columns")) {
      if (c.get("name").asText().equals(name)) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
      }
    }
    throw new AssertionError("no column " + name);
  }

  private static String nullCountSql(BatchIngest.Result r) {
    StringBuilder nulls = new StringBuilder("SELECT 0");
    for (JsonNode c : r.manifest().toTree().at("/schema/columns")) {
      nulls.append(" + count(*) FILTER (WHERE ").append(col(r, c.get("name").asText())).append(" IS NULL)");
    }
    return nulls + " FROM read_parquet('" + data(r) + "')";
  }

  private static String data(BatchIngest.Result r) {
    return r.output() + "data/parquet/*.parquet";
  }

  private void assertCounts(String file, long rows, long columns) throws Exception {
    BatchIngest.Result r = ingest(TestData.shared(file), "");
    assertEquals(file, rows, r.read());
    assertEquals(file, rows, r.written() + r.rejected());
    assertEquals(file + " rejects", 0, r.rejected());
    assertEquals(file, columns, r.manifest().toTree().at("/schema/columns").size());
    assertEquals(rows, (long) (Long) TestData.duckdb("SELECT count(*) FROM read_parquet('" + data(r) + "')").get(0).get(0));
  }

  @Test
  public void vertebralColumn_310RowsSevenColumnsTwoClasses() throws Exception {
    BatchIngest.Result r = ingest(TestData.shared("vertebral-column-2c/column_2C_weka.arff"), "");
    assertEquals(310, r.written());
    assertEquals(
        List.of(List.of("Abnormal", 210L), List.of("Normal", 100L)),
        TestData.duckdb("SELECT class, count(*) FROM read_parquet('" + data(r) + "') GROUP BY class ORDER BY class"));
  }

  @Test
  public void heartFailure_299Rows() throws Exception {
    assertCounts("heart-failure-clinical-records/heart_failure_clinical_records_dataset.csv", 299, 13);
  }

  @Test
  public void heartFailureBomVariant_firstColumnIsAge_andTheBlankedCellsAreNulls() throws Exception {
    BatchIngest.Result r = ingest(TestData.shared("heart-failure-bom-variant/heart_failure_clinical_records_dataset.csv"), "");
    assertEquals(299, r.written());
    assertEquals("age", r.manifest().toTree().at("/schema/columns/0/name").asText());
    assertEquals(28L, TestData.duckdb(nullCountSql(r)).get(0).get(0));
    assertEquals(
        List.of(List.of(0L, 203L), List.of(1L, 96L)),
        TestData.duckdb("SELECT DEATH_EVENT, count(*) FROM read_parquet('" + data(r) + "') GROUP BY 1 ORDER BY 1"));
  }

  @Test
  public void adult_commaSpaceSeparatorQuestionMarksAsMissing_32561Rows() throws Exception {
    BatchIngest.Result r = ingest(TestData.shared("uci-adult-census-income/adult.data"), "");
    assertEquals(32561, r.written());
    assertEquals(0, r.rejected());
    assertEquals(
        List.of(List.of("<=50K", 24720L), List.of(">50K", 7841L)),
        TestData.duckdb("SELECT Salary, count(*) FROM read_parquet('" + data(r) + "') GROUP BY 1 ORDER BY 1"));
    assertEquals(
        4262L,
        TestData.duckdb(
                "SELECT count(*) FILTER (WHERE workclass IS NULL) + count(*) FILTER (WHERE occupation IS NULL)"
                    + " + count(*) FILTER (WHERE " + col(r, "native-country") + " IS NULL) FROM read_parquet('" + data(r) + "')")
            .get(0)
            .get(0));
    assertEquals("long", r.manifest().toTree().at("/schema/columns/0/type").asText()); // age, trimmed of its leading space
  }

  @Test
  public void wineQuality_semicolonsAndCrLineEnds_1599Rows_mangledNumbersRejectedWhenDeclaredDouble() throws Exception {
    BatchIngest.Result asInferred = ingest(TestData.shared("uci-wine-quality-red/winequality-red.csv"), "");
    assertEquals(1599, asInferred.written());
    assertEquals("string", asInferred.manifest().toTree().at("/schema/columns/10/type").asText()); // alcohol: mixed -> string

    BatchIngest.Result declared =
        ingest(TestData.shared("uci-wine-quality-red/winequality-red.csv"), "schema: {columns: {alcohol: double}}\n");
    assertEquals(1599, declared.read());
    assertEquals(1593, declared.written());
    assertEquals(6, declared.rejected());
    List<String> reasons = new ArrayList<>();
    for (File f : new File(declared.output(), "rejected").listFiles()) {
      for (String line : Files.readAllLines(f.toPath())) {
        JsonNode n = JSON.readTree(line);
        assertTrue(line, n.get("line").asLong() > 1);
        reasons.add(n.get("reason").asText());
      }
    }
    assertEquals(6, reasons.size());
    assertTrue(reasons.toString(), reasons.stream().allMatch(s -> s.startsWith("column 'alcohol': expected double, got '")));
  }

  @Test
  public void movies_topLevelArray_3201Rows_numericTitlesAreText() throws Exception {
    BatchIngest.Result r = ingest(TestData.shared("vega-movies/movies.json"), "");
    assertEquals(3201, r.written());
    assertEquals("string", r.manifest().toTree().at("/schema/columns/0/type").asText());
    assertEquals(
        275L,
        TestData.duckdb("SELECT count(*) FROM read_parquet('" + data(r) + "') WHERE \"Major Genre\" IS NULL").get(0).get(0));
    assertEquals(
        1L, TestData.duckdb("SELECT count(*) FROM read_parquet('" + data(r) + "') WHERE Title = '1776'").get(0).get(0));
  }

  @Test
  public void soybean_keepsIts2337MissingValuesAsNulls() throws Exception {
    BatchIngest.Result r = ingest(TestData.shared("weka-soybean/soybean.arff"), "");
    assertEquals(683, r.written());
    assertEquals(2337L, TestData.duckdb(nullCountSql(r)).get(0).get(0));
  }

  @Test
  public void creditG_keepsQuotedValuesWithSpacesIntact() throws Exception {
    BatchIngest.Result r = ingest(TestData.shared("weka-credit-g/credit-g.arff"), "");
    assertEquals(1000, r.written());
    assertEquals(
        List.of(List.of("0<=X<200"), List.of("<0"), List.of(">=200"), List.of("no checking")),
        TestData.duckdb("SELECT DISTINCT checking_status FROM read_parquet('" + data(r) + "') ORDER BY 1"));
    assertEquals(
        List.of(List.of("bad", 300L), List.of("good", 700L)),
        TestData.duckdb("SELECT class, count(*) FROM read_parquet('" + data(r) + "') GROUP BY 1 ORDER BY 1"));
  }

  @Test
  public void reutersCorn_keepsItsLongQuotedTextsWithEscapedQuotes() throws Exception {
    BatchIngest.Result r = ingest(TestData.shared("weka-reuters-corn-train/ReutersCorn-train.arff"), "");
    assertEquals(1554, r.written());
    List<Object> stats =
        TestData.duckdb(
                "SELECT max(length(Text)), count(*) FILTER (WHERE Text LIKE '%''%'), count(*) FILTER (WHERE " + col(r, "class-att") + " = '1')"
                    + " FROM read_parquet('" + data(r) + "')")
            .get(0);
    assertTrue("long texts: " + stats, ((Number) stats.get(0)).longValue() > 2000);
    assertTrue("escaped quotes decoded: " + stats, ((Number) stats.get(1)).longValue() > 100);
    assertEquals(45L, stats.get(2));
  }

  @Test
  public void otherWekaFiles_ingestCompletely() throws Exception {
    assertCounts("weka-iris/iris.arff", 150, 5);
    assertCounts("weka-diabetes/diabetes.arff", 768, 9);
    assertCounts("weka-contact-lenses/contact-lenses.arff", 24, 5);
    assertCounts("weka-weather/weather.nominal.arff", 14, 5);
    assertCounts("weka-weather/weather.numeric.arff", 14, 5);
  }
}
