package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The exact split depends only on the input, the seed and the fractions: the same input gives the same files, byte for
 * byte (sha256), in every split in this process, on the DirectRunner and on embedded Flink at parallelism 1, 2 and 4;
 * the counts of every class and split are floor or ceil of their exact share; another seed gives other members with
 * the same counts.
 *
 * <p>Data: 20,000 generated rows in four CSV files of two slices each (so several workers read), five classes: 12,000
 * / 5,000 / 2,797 / 200 (1%) / 3.
 */
public class SplitDeterminismTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static final Path PROJECT = Paths.get(System.getProperty("trainset.project.dir", "..")).toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SPLITS = List.of("train", "validation", "test");
  private static final Map<String, Integer> CLASSES = new LinkedHashMap<>();
  private static File input;

  @BeforeClass
  public static void generate() throws Exception {
    CLASSES.put("alpha", 12_000);
    CLASSES.put("beta", 5_000);
    CLASSES.put("gamma", 2_797);
    CLASSES.put("delta", 200);
    CLASSES.put("epsilon", 3);
    input = TMP.newFolder("input");
    Random r = new Random(11);
    List<String> rows = new ArrayList<>();
    int id = 0;
    for (Map.Entry<String, Integer> c : CLASSES.entrySet()) {
      for (int k = 0; k < c.getValue(); k++) {
        rows.add(id++ + "," + r.nextInt(100) + "," + String.format(java.util.Locale.ROOT, "%.3f", r.nextGaussian()) + "," + c.getKey());
      }
    }
    java.util.Collections.shuffle(rows, r);
    for (int f = 0; f < 4; f++) {
      StringBuilder b = new StringBuilder("id,a,b,kind\n");
      for (int i = f; i < rows.size(); i += 4) {
        b.append(rows.get(i)).append('\n');
      }
      Files.writeString(input.toPath().resolve("part-" + f + ".csv"), b.toString());
    }
  }

  /** A run's split → sorted ids, and every data file's name → sha256. */
  private record Output(Map<String, List<Long>> ids, Map<String, String> files) {}

  /** Runs the split. */
  private static Output run(String name, long seed, String... runner) throws Exception {
    File out = new File(TMP.getRoot(), name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "run", "--input", input + "/*.csv", "--output", out.toString(), "--run-id", name,
                "--set", "label.column=kind", "--set", "split.method=stratified", "--set", "split.seed=" + seed,
                "--set", "schema.inference=sample", "--set", "input.sliceSize=64KB"));
    args.addAll(List.of(runner));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Trainset.execute(args.toArray(new String[0]), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(err.toString(StandardCharsets.UTF_8), 0, code);
    Map<String, List<Long>> ids = new LinkedHashMap<>();
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      for (String split : SPLITS) {
        List<Long> list = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT id FROM read_parquet('" + out + "/" + split + "/parquet/*.parquet') ORDER BY id")) {
          while (rs.next()) {
            list.add(rs.getLong(1));
          }
        }
        ids.put(split, list);
      }
      // Exactness, per class and split, from the files themselves.
      BigDecimal[] p = {new BigDecimal("0.8"), new BigDecimal("0.1"), new BigDecimal("0.1")};
      for (int j = 0; j < 3; j++) {
        Map<String, Long> seen = new LinkedHashMap<>();
        try (ResultSet rs = st.executeQuery("SELECT kind, count(*) FROM read_parquet('" + out + "/" + SPLITS.get(j) + "/parquet/*.parquet') GROUP BY 1")) {
          while (rs.next()) {
            seen.put(rs.getString(1), rs.getLong(2));
          }
        }
        for (Map.Entry<String, Integer> cls : CLASSES.entrySet()) {
          BigDecimal share = p[j].multiply(BigDecimal.valueOf(cls.getValue()));
          long n = seen.getOrDefault(cls.getKey(), 0L);
          assertTrue(name + " " + SPLITS.get(j) + " " + cls.getKey() + ": " + n + " vs " + share,
              n == share.setScale(0, RoundingMode.FLOOR).longValue() || n == share.setScale(0, RoundingMode.CEILING).longValue());
        }
      }
    }
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("{\"train\":16000,\"validation\":2000,\"test\":2000}", m.at("/split/totals").toString());
    Map<String, String> files = new java.util.TreeMap<>();
    for (JsonNode o : m.get("outputs")) {
      for (JsonNode f : o.get("files")) {
        String path = f.get("path").asText();
        files.put(path.substring(out.toString().length()), f.get("sha256").asText());
      }
    }
    return new Output(ids, files);
  }

  @Test
  public void sameFilesOnEveryRunnerAndParallelism_otherSeedOtherMembersSameCounts() throws Exception {
    String flink = PROJECT.resolve("runner-configs/flink-local.yaml").toString();
    Output reference = run("launcher", 42);
    assertEquals(20_000, reference.ids().values().stream().mapToInt(List::size).sum());
    assertTrue("several slices wrote every split: " + reference.files().keySet(), reference.files().size() >= 3 * 8);
    for (String[] runner :
        List.of(
            new String[] {"direct-1", "--runner=DirectRunner", "--targetParallelism=1"},
            new String[] {"direct-2", "--runner=DirectRunner", "--targetParallelism=2"},
            new String[] {"direct-4", "--runner=DirectRunner", "--targetParallelism=4"},
            new String[] {"flink-1", "--runner-config", flink, "--parallelism=1"},
            new String[] {"flink-2", "--runner-config", flink, "--parallelism=2"},
            new String[] {"flink-4", "--runner-config", flink, "--parallelism=4"})) {
      Output o = run(runner[0], 42, java.util.Arrays.copyOfRange(runner, 1, runner.length));
      assertEquals(runner[0], reference.ids(), o.ids());
      assertEquals(runner[0] + ": the same files, byte for byte", reference.files(), o.files());
    }

    Output other = run("launcher-seed-7", 7);
    for (String split : SPLITS) {
      assertEquals(reference.ids().get(split).size(), other.ids().get(split).size());
      assertNotEquals(split + " has other members with seed 7", reference.ids().get(split), other.ids().get(split));
    }
  }
}
