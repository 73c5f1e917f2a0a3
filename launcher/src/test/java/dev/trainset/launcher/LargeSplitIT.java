package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * The split never holds a class in one place: 2,000,000 rows of a single class, each with a 64-character payload
 * (about 500 MB as Java objects, more than the heap), split exactly 80/10/10 by the runnable jar on embedded Flink
 * in a JVM limited to 512 MB of heap. Grouping the class to rank it would need the whole class in one iterable.
 */
public class LargeSplitIT {
  private static final Path PROJECT = Paths.get(System.getProperty("trainset.project.dir", "..")).toAbsolutePath();
  private static final int ROWS = 2_000_000;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(600);

  @Test
  public void twoMillionRowsOfOneClass_splitExactlyWithA512MbHeap() throws Exception {
    Path csv = tmp.getRoot().toPath().resolve("one-class.csv");
    SplittableRandom r = new SplittableRandom(1);
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("id,a,payload,label\n");
      for (int i = 0; i < ROWS; i++) {
        w.write(i + "," + r.nextInt(1000) + "," + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong())
            + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()) + ",same\n");
      }
    }
    File out = tmp.newFolder("out");
    File log = new File(tmp.getRoot(), "log.txt");
    Process p =
        new ProcessBuilder(
                List.of(
                    "java", "-Xmx512m", "-jar", System.getProperty("trainset.jar"), "run", "--input", csv.toString(),
                    "--output", out.toString(), "--set", "label.column=label", "--set", "split.method=stratified",
                    "--set", "schema.inference=sample", "--runner-config", PROJECT.resolve("runner-configs/flink-local.yaml").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    assertTrue("the run did not finish", p.waitFor(540, TimeUnit.SECONDS));
    assertEquals(Files.readString(log.toPath()), 0, p.exitValue());

    JsonNode m = new ObjectMapper().readTree(new File(out, "manifest.json"));
    assertEquals("{\"train\":1600000,\"validation\":200000,\"test\":200000}", m.at("/split/totals").toString());
    assertEquals("{\"same\":{\"train\":1600000,\"validation\":200000,\"test\":200000}}", m.at("/split/apportionment").toString());
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), count(DISTINCT id), sum(CASE WHEN filename LIKE '%/train/%' THEN 1 ELSE 0 END) FROM read_parquet('"
                    + out + "/*/parquet/*.parquet', filename = true)")) {
      assertTrue(rs.next());
      assertEquals(ROWS, rs.getLong(1));
      assertEquals("every row once", ROWS, rs.getLong(2));
      assertEquals(1_600_000, rs.getLong(3));
    }
  }
}
