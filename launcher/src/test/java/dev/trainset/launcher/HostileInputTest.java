package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Input and situations that broke trainset's promise (no record vanishes, nothing half done, one clear line), each as
 * a user or a scheduler meets it on the command line (issue 14).
 */
public class HostileInputTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();

  private File write(String name, byte[] bytes) throws Exception {
    File f = new File(tmp.getRoot(), name);
    Files.write(f.toPath(), bytes);
    return f;
  }

  @Test
  public void aCsvWithAHeaderAndNoRows_exits3_withAFailedManifestAndNoSuccess() throws Exception {
    File in = write("header-only.csv", "id,x,label\n".getBytes(StandardCharsets.UTF_8));
    File out = new File(tmp.getRoot(), "out");
    TrainsetCliTest.Outcome o = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", out.toString(), "--set", "label.column=label");
    assertEquals(o.err, 3, o.exit);
    assertTrue(
        o.err,
        o.err.contains("trainset: error: input.path '" + in + "': the input has no data rows (1 file(s), 11 bytes, no record after a header)"));
    assertFalse(o.err, o.err.contains("\tat "));
    assertFalse("_SUCCESS written for an empty input", new File(out, "_SUCCESS").exists());
    JsonNode manifest = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("failed", manifest.get("status").asText());
    JsonNode r = o.result();
    assertEquals("failed", r.get("status").asText());
    assertEquals(3, r.get("exitCode").asInt());
    assertTrue(r.toString(), r.get("error").asText().contains("the input has no data rows"));
    assertEquals(out.toString(), r.get("output").asText());
    assertEquals(manifest.get("runId").asText(), r.get("runId").asText());
  }

  @Test
  public void aFailedRun_printsOneResultLine_withTheExitCodeAndTheError() throws Exception {
    File out = new File(tmp.getRoot(), "out");
    TrainsetCliTest.Outcome missing = TrainsetCliTest.cli("run", "--input", new File(tmp.getRoot(), "absent.csv").toString(), "--output", out.toString());
    assertEquals(missing.err, 3, missing.exit);
    JsonNode r = missing.result();
    assertEquals("failed", r.get("status").asText());
    assertEquals(3, r.get("exitCode").asInt());
    assertEquals("input.path '" + new File(tmp.getRoot(), "absent.csv") + "' matches no files", r.get("error").asText());

    File in = write("ok.csv", "x,label\n1,a\n".getBytes(StandardCharsets.UTF_8));
    TrainsetCliTest.Outcome config = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", out.toString(), "--set", "split.method=sideways");
    assertEquals(config.err, 2, config.exit);
    assertEquals(2, config.result().get("exitCode").asInt());
    assertEquals(
        "config key 'split.method': expected one of stratified, random, hash, none, got 'sideways'",
        config.result().get("error").asText());

    TrainsetCliTest.Outcome usage = TrainsetCliTest.cli("run", "--config");
    assertEquals(usage.err, 2, usage.exit);
    assertEquals("failed", usage.result().get("status").asText());
    assertEquals(2, usage.result().get("exitCode").asInt());
  }

  @Test
  public void randomBytesAsCsv_neverReachTheTerminalAsControlCharacters() throws Exception {
    byte[] noise = new byte[5 << 20];
    new java.util.Random(14).nextBytes(noise);
    File in = write("noise.csv", noise);
    for (boolean verbose : new boolean[] {false, true}) {
      List<String> args = new ArrayList<>(List.of("run", "--input", in.toString(), "--output", new File(tmp.getRoot(), "out-" + verbose).toString()));
      if (verbose) {
        args.add("--verbose");
      }
      TrainsetCliTest.Outcome o = TrainsetCliTest.cli(args.toArray(new String[0]));
      assertEquals(o.err, 3, o.exit);
      for (String stream : new String[] {o.out, o.err}) {
        for (int k = 0; k < stream.length(); k++) {
          char c = stream.charAt(k);
          boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F);
          assertFalse("control character U+" + Integer.toHexString(c) + " printed at " + k + ": " + stream.substring(Math.max(0, k - 40), k), control);
        }
      }
      assertTrue(o.err, o.err.contains("\\x"));
    }
  }
}
