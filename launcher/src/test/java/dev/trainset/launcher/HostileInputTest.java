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
    assertEquals(o.err(), 3, o.exit());
    assertTrue(
        o.err(),
        o.err().contains("trainset: error: input.path '" + in + "': the input has no data rows (1 file(s), 11 bytes, no record after a header)"));
    assertFalse(o.err(), o.err().contains("\tat "));
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
    assertEquals(missing.err(), 3, missing.exit());
    JsonNode r = missing.result();
    assertEquals("failed", r.get("status").asText());
    assertEquals(3, r.get("exitCode").asInt());
    assertEquals("input.path '" + new File(tmp.getRoot(), "absent.csv") + "' matches no files", r.get("error").asText());

    File in = write("ok.csv", "x,label\n1,a\n".getBytes(StandardCharsets.UTF_8));
    TrainsetCliTest.Outcome config = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", out.toString(), "--set", "split.method=sideways");
    assertEquals(config.err(), 2, config.exit());
    assertEquals(2, config.result().get("exitCode").asInt());
    assertEquals(
        "config key 'split.method': expected one of stratified, random, hash, none, got 'sideways'",
        config.result().get("error").asText());

    TrainsetCliTest.Outcome usage = TrainsetCliTest.cli("run", "--config");
    assertEquals(usage.err(), 2, usage.exit());
    assertEquals("failed", usage.result().get("status").asText());
    assertEquals(2, usage.result().get("exitCode").asInt());
  }

  @Test
  public void randomBytesAsCsv_neverReachTheTerminalAsControlCharacters() throws Exception {
    byte[] noise = new byte[5 << 20];
    new java.util.Random(14).nextBytes(noise);
    File in = write("noise.csv", noise);
    // As UTF-8 the noise fails at its first invalid byte; as Latin-1 every byte is a character, control ones too.
    TrainsetCliTest.Outcome utf8 = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", new File(tmp.getRoot(), "out").toString());
    assertEquals(utf8.err(), 3, utf8.exit());
    assertTrue(utf8.err(), utf8.err().contains("trainset: error: " + in + ": byte offset "));
    for (boolean verbose : new boolean[] {false, true}) {
      List<String> args = new ArrayList<>(List.of(
          "run", "--input", in.toString(), "--output", new File(tmp.getRoot(), "out-" + verbose).toString(), "--set", "input.encoding=latin-1"));
      if (verbose) {
        args.add("--verbose");
      }
      TrainsetCliTest.Outcome o = TrainsetCliTest.cli(args.toArray(new String[0]));
      assertEquals(o.err(), 3, o.exit());
      for (String stream : new String[] {o.out(), o.err()}) {
        for (int k = 0; k < stream.length(); k++) {
          char c = stream.charAt(k);
          boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F);
          assertFalse("control character U+" + Integer.toHexString(c) + " printed at " + k + ": " + stream.substring(Math.max(0, k - 40), k), control);
        }
      }
      assertTrue(o.err(), o.err().contains("\\x"));
    }
  }

  /** {@code name,city,x,label} and rows of José, München. */
  private static String europeanCsv(int rows) {
    StringBuilder b = new StringBuilder("name,city,x,label\n");
    for (int r = 0; r < rows; r++) {
      b.append("José").append(r).append(",München,").append(r).append(',').append(r % 2 == 0 ? "b" : "a").append('\n');
    }
    return b.toString();
  }

  /** Every row of the JSON Lines files of a run's output (no split: {@code data/jsonl/}), as text. */
  private static String writtenJsonl(File out) throws Exception {
    StringBuilder all = new StringBuilder();
    File[] files = new File(out, "data/jsonl").listFiles();
    java.util.Arrays.sort(files);
    for (File f : files) {
      all.append(Files.readString(f.toPath(), StandardCharsets.UTF_8));
    }
    return all.toString();
  }

  @Test
  public void aLatin1Csv_readAsUtf8_failsNamingTheByteOffset_andReadsExactlyWithItsEncoding() throws Exception {
    File in = write("latin1.csv", europeanCsv(6000).getBytes(StandardCharsets.ISO_8859_1));
    File out = new File(tmp.getRoot(), "out");
    TrainsetCliTest.Outcome o = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", out.toString(), "--set", "label.column=label");
    assertEquals(o.err(), 3, o.exit());
    // "name,city,x,label\nJos" is 21 bytes: the é after it is 0xE9 in Latin-1, not UTF-8.
    assertTrue(o.err(), o.err().contains(
        "trainset: error: " + in + ": byte offset 21: 0xE9 is not valid utf-8; if the file is in another encoding, set input.encoding (latin-1, windows-1252, utf-16)\n"));
    assertFalse(o.out(), o.out().contains("\uFFFD"));

    for (String encoding : List.of("latin-1", "windows-1252")) {
      File ok = new File(tmp.getRoot(), "out-" + encoding);
      TrainsetCliTest.Outcome r = TrainsetCliTest.cli(
          "run", "--input", in.toString(), "--output", ok.toString(), "--set", "label.column=label", "--set", "input.encoding=" + encoding,
          "--set", "output.formats=jsonl", "--set", "input.sliceSize=64KB");
      assertEquals(r.err(), 0, r.exit());
      String rows = writtenJsonl(ok);
      assertEquals("read in three slices", 3, new File(ok, "data/jsonl").list().length);
      assertEquals(6000, rows.split("\n").length);
      assertTrue(rows, rows.contains("\"name\":\"José5999\",\"city\":\"München\""));
      assertFalse(rows, rows.contains("\uFFFD"));
    }
  }

  @Test
  public void aUtf16CsvWithItsByteOrderMark_isReadWhole_withInputEncodingUtf16() throws Exception {
    File in = write("utf16.csv", ("\uFEFF" + europeanCsv(300)).getBytes(StandardCharsets.UTF_16LE));
    File out = new File(tmp.getRoot(), "out");
    TrainsetCliTest.Outcome r = TrainsetCliTest.cli(
        "run", "--input", in.toString(), "--output", out.toString(), "--set", "label.column=label", "--set", "input.encoding=utf-16",
        "--set", "output.formats=jsonl");
    assertEquals(r.err(), 0, r.exit());
    String rows = writtenJsonl(out);
    assertEquals(300, rows.split("\n").length);
    assertTrue(rows, rows.contains("\"name\":\"José299\",\"city\":\"München\",\"x\":299"));
  }

  @Test
  public void anUnclosedQuote_failsTheRun_namingTheLineAndTheBytesNotRead_unlessAccepted() throws Exception {
    String csv = europeanCsv(2000);
    int at = csv.indexOf("José1000,");
    csv = csv.substring(0, at) + "\"Bob,Paris,1,a\n" + csv.substring(at);
    File in = write("quote.csv", csv.getBytes(StandardCharsets.UTF_8));
    long unread = csv.substring(at).getBytes(StandardCharsets.UTF_8).length;
    File out = new File(tmp.getRoot(), "out");
    TrainsetCliTest.Outcome o = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", out.toString(), "--set", "label.column=label");
    assertEquals(o.err(), 3, o.exit());
    assertTrue(o.err(), o.err().contains(
        "trainset: error: " + in + ": could not be read from line 1002 on (line 1002: a quoted field opened on this line is never closed;"
            + " the rest of the file was not read); " + unread + " bytes of it were not read. Repair or replace the file, or set"
            + " input.allowUnreadable: true to accept what could be read (no _SUCCESS written)\n"));
    assertFalse(new File(out, "_SUCCESS").exists());
    JsonNode input = JSON.readTree(new File(out, "manifest.json")).at("/inputs/0");
    assertEquals(1002, input.at("/unread/0/from").asLong());
    assertEquals(unread, input.at("/unread/0/bytesUnread").asLong());

    TrainsetCliTest.Outcome accepted = TrainsetCliTest.cli(
        "run", "--input", in.toString(), "--output", out.toString(), "--overwrite", "--set", "label.column=label",
        "--set", "input.allowUnreadable=true", "--set", "maxRejectedFraction=0.5");
    assertEquals(accepted.err(), 0, accepted.exit());
    assertTrue(new File(out, "_SUCCESS").exists());
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("{\"read\":1001,\"written\":1000,\"rejected\":1}", m.get("counts").toString());
    assertEquals(unread, m.at("/inputs/0/unread/0/bytesUnread").asLong());
  }

  @Test
  public void aTruncatedGzip_andABrokenJsonArray_failTheRun() throws Exception {
    byte[] gz;
    try (java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
      z.write(europeanCsv(20000).getBytes(StandardCharsets.UTF_8));
      z.finish();
      gz = b.toByteArray();
    }
    File in = write("cut.csv.gz", java.util.Arrays.copyOf(gz, gz.length / 2));
    TrainsetCliTest.Outcome o = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", new File(tmp.getRoot(), "gz").toString());
    assertEquals(o.err(), 3, o.exit());
    assertTrue(o.err(), o.err().matches("(?s).*trainset: error: " + java.util.regex.Pattern.quote(in.toString())
        + ": could not be read from line \\d+ on \\(truncated or corrupt compressed stream after line \\d+ \\(.+\\)\\); 0 bytes of it were not read\\..*"));

    File json = write("broken.json", "[{\"a\": 1, \"label\": \"x\"}, {\"a\": 2, \"label\": \"y\"}, {\"a\": 3, \"lab".getBytes(StandardCharsets.UTF_8));
    TrainsetCliTest.Outcome j = TrainsetCliTest.cli("run", "--input", json.toString(), "--output", new File(tmp.getRoot(), "json").toString());
    assertEquals(j.err(), 3, j.exit());
    assertTrue(j.err(), j.err().contains("trainset: error: " + json + ": could not be read from record 3 on ("));
    assertFalse(new File(tmp.getRoot(), "json/_SUCCESS").exists());
  }

  @Test
  public void aGzipOfNulBytes_failsWithTheFileAndTheFieldLimit_insteadOfFillingTheHeap() throws Exception {
    File in = new File(tmp.getRoot(), "bomb.csv.gz");
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(new java.io.FileOutputStream(in))) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 200; i++) {
        z.write(zeros); // 200 MB of NUL bytes, no line break: one field
      }
    }
    TrainsetCliTest.Outcome o = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", new File(tmp.getRoot(), "out").toString());
    assertEquals(o.err(), 3, o.exit());
    assertTrue(o.err(), o.err().contains(
        "trainset: error: no columns found: " + in + ": malformed CSV after line 1: The maximum buffer size of 16777216 is insufficient"));
  }

  @Test
  public void aRecordLongerThanRecordChars_isRejectedWithItsFirstCharacters_andTheRunReconciles() throws Exception {
    String csv = europeanCsv(999);
    int at = csv.indexOf("José500,");
    String huge = "José500," + "M".repeat(300_000) + ",5,a\n";
    csv = csv.substring(0, at) + huge + csv.substring(at);
    File in = write("long.csv", csv.getBytes(StandardCharsets.UTF_8));
    File out = new File(tmp.getRoot(), "out");
    TrainsetCliTest.Outcome o = TrainsetCliTest.cli(
        "run", "--input", in.toString(), "--output", out.toString(), "--set", "label.column=label",
        "--set", "input.limits.recordChars=100000");
    assertEquals(o.err(), 0, o.exit());
    JsonNode m = JSON.readTree(new File(out, "manifest.json"));
    assertEquals("{\"read\":1000,\"written\":999,\"rejected\":1}", m.get("counts").toString());
    File[] rejected = new File(out, "rejected").listFiles((d, n) -> n.endsWith(".jsonl"));
    StringBuilder lines = new StringBuilder();
    for (File f : rejected) {
      lines.append(java.nio.file.Files.readString(f.toPath()));
    }
    JsonNode r = JSON.readTree(lines.toString().trim());
    assertEquals(502, r.get("line").asLong());
    assertEquals(
        "this record has " + (huge.length() - 1) + " characters, more than input.limits.recordChars (100000); the rejected"
            + " record keeps its first 10000",
        r.get("reason").asText());
    assertTrue(huge.startsWith(r.get("raw").asText()));
    assertEquals(10_000, r.get("raw").asText().length());
  }

  @Test
  public void moreColumnsThanInputLimitsColumns_failsBeforeAnythingIsWritten() throws Exception {
    StringBuilder csv = new StringBuilder();
    for (int row = 0; row < 3; row++) {
      for (int c = 0; c < 10_001; c++) {
        csv.append(c == 0 ? "" : ",").append(row == 0 ? "c" + c : String.valueOf(c));
      }
      csv.append('\n');
    }
    File in = write("wide.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    File out = new File(tmp.getRoot(), "out");
    TrainsetCliTest.Outcome o = TrainsetCliTest.cli("run", "--input", in.toString(), "--output", out.toString());
    assertEquals(o.err(), 3, o.exit());
    assertTrue(o.err(), o.err().contains("trainset: error: input.path '" + in
        + "': more than input.limits.columns (10000) columns; raise the limit if the input is meant to be this wide\n"));
    assertFalse(new File(out, "data").exists());

    File narrow = write("narrow.csv", "a,b,c,label\n1,2,3,x\n".getBytes(StandardCharsets.UTF_8));
    TrainsetCliTest.Outcome limited = TrainsetCliTest.cli(
        "run", "--input", narrow.toString(), "--output", new File(tmp.getRoot(), "n1").toString(), "--set", "input.limits.columns=3");
    assertEquals(limited.err(), 3, limited.exit());
    assertTrue(limited.err(), limited.err().contains("more than input.limits.columns (3) columns"));
    TrainsetCliTest.Outcome enough = TrainsetCliTest.cli(
        "run", "--input", narrow.toString(), "--output", new File(tmp.getRoot(), "n2").toString(), "--set", "input.limits.columns=4");
    assertEquals(enough.err(), 0, enough.exit());
  }

  @Test
  public void twoRunsIntoOneOutputAtOnce_theSecondFailsNamingTheFirst_andTheOutputHoldsOnlyTheFirstRunsFiles() throws Exception {
    File in = write("big.csv", europeanCsv(400_000).getBytes(StandardCharsets.UTF_8)); // ~13 MB: a run of a few seconds
    File out = new File(tmp.getRoot(), "out");
    String[] args = {
      "run", "--input", in.toString(), "--output", out.toString(), "--overwrite", "--set", "label.column=label",
      "--set", "split.method=stratified"
    };
    java.util.concurrent.CompletableFuture<TrainsetCliTest.Outcome> first = java.util.concurrent.CompletableFuture.supplyAsync(() -> TrainsetCliTest.cli(args));
    File locks = new File(out, "_trainset/locks");
    long deadline = System.currentTimeMillis() + 60_000;
    while (!(locks.isDirectory() && locks.list().length == 1 && Files.readString(locks.listFiles()[0].toPath()).contains("\"held\":true"))) {
      assertFalse("the first run ended before the second started: " + (first.isDone() ? first.get().err() : ""), first.isDone());
      assertTrue("the first run never took the output", System.currentTimeMillis() < deadline);
      Thread.sleep(20);
    }
    String holder = JSON.readTree(locks.listFiles()[0]).get("runId").asText();
    TrainsetCliTest.Outcome second = TrainsetCliTest.cli(args);
    assertEquals(second.err(), 2, second.exit());
    assertTrue(second.err(), second.err().contains("trainset: error: output '" + out + "/' is being written by run " + holder + " ("));
    assertEquals(2, second.result().get("exitCode").asInt());

    TrainsetCliTest.Outcome done = first.get(5, java.util.concurrent.TimeUnit.MINUTES);
    assertEquals(done.err(), 0, done.exit());
    JsonNode manifest = JSON.readTree(new File(out, "manifest.json"));
    long rows = 0;
    for (String split : List.of("train", "validation", "test")) {
      java.util.Set<String> listed = new java.util.TreeSet<>();
      manifest.at("/splits/" + split + "/outputs/0/files").forEach(f -> listed.add(new File(f.get("path").asText()).getName()));
      assertEquals(split, listed, new java.util.TreeSet<>(List.of(new File(out, split + "/parquet").list())));
      rows += manifest.at("/splits/" + split + "/rows").asLong();
    }
    assertEquals(400_000, rows);
    assertFalse("the lock is given up", locks.exists() && locks.list().length > 0);
  }

  @Test
  public void aCompressedFileThatInflatesBeyondInputLimitsInflation_failsNamingTheFileAndTheKey() throws Exception {
    File in = new File(tmp.getRoot(), "inflating.csv.gz");
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(new java.io.FileOutputStream(in))) {
      z.write("x,label\n".getBytes(StandardCharsets.UTF_8));
      byte[] rows = "1,a\n".repeat(1 << 18).getBytes(StandardCharsets.UTF_8); // 1 MB
      for (int i = 0; i < 80; i++) {
        z.write(rows); // 80 MB of one repeated row: about 1,000 times its compressed size
      }
    }
    TrainsetCliTest.Outcome o = TrainsetCliTest.cli(
        "run", "--input", in.toString(), "--output", new File(tmp.getRoot(), "out").toString(), "--set", "input.limits.inflation=50");
    assertEquals(o.err(), 3, o.exit());
    assertTrue(o.err(), o.err().matches("(?s).*trainset: error: " + java.util.regex.Pattern.quote(in.toString())
        + ": could not be read from line \\d+ on \\(decompresses to more than 50 times its compressed size \\(\\d+ bytes from \\d+;"
        + " input.limits.inflation\\)\\); \\d+ bytes of it were not read\\..*"));
  }
}
