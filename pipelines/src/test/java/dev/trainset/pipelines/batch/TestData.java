package dev.trainset.pipelines.batch;

import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trainset.pipelines.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Where test data lives, how to build a run from YAML, and an independent Parquet reader (DuckDB). */
public final class TestData {
  private TestData() {}

  /** The repository's bundled example data (always present). */
  public static Path examples(String relative) {
    return Paths.get(System.getProperty("trainset.project.dir", "..")).resolve("runner-configs/examples/data").resolve(relative);
  }

  /** A file of ../shared/data; skips the test, saying why, when that folder is absent (a clone elsewhere). */
  static Path shared(String relative) {
    Path root = Paths.get(System.getProperty("trainset.shared.data", "../../shared/data"));
    Path p = root.resolve(relative);
    assumeTrue("skipped: shared dataset " + p + " is absent (../shared/data is not beside this clone)", Files.exists(p));
    return p;
  }

  public static RunConfig config(String yaml) {
    try {
      JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
      return RunConfig.from(tree);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static PipelineOptions direct() {
    return PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=2").create();
  }

  /** All rows of the Parquet files matching a glob, as DuckDB reads them, each cell a Java value. */
  public static List<List<Object>> duckdb(String sql) throws Exception {
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  static List<String> duckdbColumns(String glob) throws Exception {
    List<String> names = new ArrayList<>();
    for (List<Object> r : duckdb("DESCRIBE SELECT * FROM read_parquet('" + glob + "')")) {
      names.add(r.get(0) + ":" + r.get(1));
    }
    return names;
  }

  /** Something another process does to the input or the output. */
  public interface Intrusion {
    void run() throws java.io.IOException;
  }

  /**
   * A run's progress consumer that does {@code intrusion} once, between the first pass and the writing pass (when the
   * run reports its schema): another process acting in the middle of a run.
   */
  public static java.util.function.Consumer<String> betweenThePasses(Intrusion intrusion) {
    return line -> {
      if (line.startsWith("schema (")) {
        try {
          intrusion.run();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
  }
}
