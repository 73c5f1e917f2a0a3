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
 * No step holds the rows: 2,000,000 rows of a single class, each with a 64-character payload (about 500 MB as Java
 * objects, more than the heap), split exactly 80/10/10 by the runnable jar in a JVM limited to 512 MB of heap, in
 * the launcher's own threads, on the DirectRunner and on embedded Flink. Memory is bounded by the slices being
 * written, whatever the size of the input.
 */
public class LargeSplitIT {
  private static final Path PROJECT = Paths.get(System.getProperty("trainset.project.dir", "..")).toAbsolutePath();
  private static final int ROWS = 2_000_000;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(600);

  @Test
  public void twoMillionRowsOfOneClass_splitExactlyWithA512MbHeap_onEveryRunner() throws Exception {
    Path csv = tmp.getRoot().toPath().resolve("one-class.csv");
    SplittableRandom r = new SplittableRandom(1);
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("id,a,payload,label\n");
      for (int i = 0; i < ROWS; i++) {
        w.write(i + "," + r.nextInt(1000) + "," + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong())
            + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()) + ",same\n");
      }
    }
    String flink = PROJECT.resolve("runner-configs/flink-local.yaml").toString();
    String direct = PROJECT.resolve("runner-configs/direct.yaml").toString();
    for (List<String> runner : List.of(List.<String>of(), List.of("--runner-config", direct), List.of("--runner-config", flink))) {
      File out = tmp.newFolder();
      File log = new File(tmp.getRoot(), "log-" + out.getName() + ".txt");
      List<String> cmd =
          new java.util.ArrayList<>(
              List.of(
                  "java", "-Xmx512m", "-jar", System.getProperty("trainset.jar"), "run", "--input", csv.toString(),
                  "--output", out.toString(), "--set", "label.column=label", "--set", "split.method=stratified",
                  "--set", "schema.inference=sample"));
      cmd.addAll(runner);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
      assertTrue(runner + ": the run did not finish", p.waitFor(240, TimeUnit.SECONDS));
      assertEquals(runner + ": " + Files.readString(log.toPath()), 0, p.exitValue());

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
        assertEquals(runner.toString(), ROWS, rs.getLong(1));
        assertEquals("every row once", ROWS, rs.getLong(2));
        assertEquals(1_600_000, rs.getLong(3));
      }
    }
  }
}
