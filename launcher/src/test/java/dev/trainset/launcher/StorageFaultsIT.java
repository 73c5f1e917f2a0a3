package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 server stops while a run writes its output, and comes back (issue 14): a real s3proxy, stopped once the run
 * has planned and is writing, then restarted on the same port and data. The run must fail with one clear line (exit
 * 5), write no {@code _SUCCESS} and nothing at a final path, and the same command must then complete exactly.
 */
public class StorageFaultsIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(480);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "faults";

  private static Map<String, Long> objects(S3Client s3, String prefix) {
    Map<String, Long> out = new TreeMap<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()) {
      if (!o.key().endsWith("/")) {
        out.put(o.key().substring(prefix.length()), o.size());
      }
    }
    return out;
  }

  @Test
  public void theS3ServerStoppedMidWrite_failsWithExit5AndNoSuccess_andTheSameCommandCompletesOnceItIsBack() throws Exception {
    File in = tmp.newFile("big.csv");
    try (BufferedWriter w = Files.newBufferedWriter(in.toPath(), StandardCharsets.UTF_8)) {
      w.write("id,a,b,label\n");
      for (int i = 0; i < 600_000; i++) {
        w.write(i + "," + (i % 997) * 0.5 + "," + (i * 7919L % 10007) + "," + (i % 3 == 0 ? "Normal" : "Abnormal") + "\n");
      }
    }
    Path data = tmp.newFolder("s3").toPath();
    int port = ObjectStores.freePort();
    String output = "s3://" + BUCKET + "/runs/faulty/";
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar", System.getProperty("trainset.jar"),
        "run", "--input", in.toString(), "--output", output, "--set", "label.column=label", "--run-id", "fault-1",
        "--storage.s3.endpoint=http://127.0.0.1:" + port));
    ObjectStores.Server s3 = ObjectStores.startS3(data, port, BUCKET);
    File err = tmp.newFile("err.txt");
    File out = tmp.newFile("out.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err).redirectOutput(out);
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("AZURE_"));
    pb.environment().putAll(ObjectStores.credentials());
    Process run = pb.start();
    try {
      long deadline = System.currentTimeMillis() + 180_000;
      while (!Files.readString(err.toPath()).contains("trainset: schema (") && run.isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertTrue("the run reached its writing pass: " + Files.readString(err.toPath()), run.isAlive());
    } finally {
      s3.close(); // the server goes away mid-run
    }
    assertTrue("the run ended after its store went away", run.waitFor(240, TimeUnit.SECONDS));
    String said = Files.readString(err.toPath());
    assertEquals(said, 5, run.exitValue());
    assertTrue(said, said.contains("trainset: error: cannot write the output " + output + ": "));
    assertTrue(said, said.contains("; no _SUCCESS was written and nothing is at the final paths ("));
    assertEquals(1, said.split("trainset: error: ", -1).length - 1);
    JsonNode result = null;
    for (String line : Files.readString(out.toPath()).split("\n")) {
      if (line.startsWith("TRAINSET_RESULT ")) {
        result = JSON.readTree(line.substring("TRAINSET_RESULT ".length()));
      }
    }
    assertEquals("failed", result.get("status").asText());
    assertEquals(5, result.get("exitCode").asInt());

    try (ObjectStores.Server back = ObjectStores.startS3(data, port, BUCKET); S3Client client = ObjectStores.s3(port)) {
      Map<String, Long> left = objects(client, "runs/faulty/");
      assertFalse(left.toString(), left.containsKey("_SUCCESS"));
      assertTrue(left.toString(), left.keySet().stream().allMatch(k -> k.startsWith("_trainset/") || k.startsWith(".temp-trainset-")));

      ObjectStores.Cli retry = ObjectStores.trainset(ObjectStores.credentials(), cmd.subList(4, cmd.size()));
      assertEquals(retry.all(), 0, retry.code());
      JsonNode manifest = JSON.readTree(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("runs/faulty/manifest.json")).asByteArray());
      assertEquals("{\"read\":600000,\"written\":600000,\"rejected\":0}", manifest.get("counts").toString());
      Map<String, Long> after = objects(client, "runs/faulty/");
      long rows = 0;
      for (JsonNode o : manifest.get("outputs")) {
        for (JsonNode f : o.get("files")) {
          rows += f.path("rows").asLong(0);
          String name = f.get("path").asText().substring(output.length());
          assertEquals(name, f.get("bytes").asLong(), (long) after.getOrDefault(name, -1L));
        }
      }
      assertEquals(600_000, rows);
      assertTrue(after.toString(), after.containsKey("_SUCCESS"));
      assertFalse(after.toString(), after.keySet().stream().anyMatch(k -> k.startsWith(".temp-trainset-")));
    }
  }
}
