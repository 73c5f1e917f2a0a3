package dev.trainset.transforms.errors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class WriteRejectedTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final List<RejectedRecord> RECORDS =
      List.of(
          new RejectedRecord("in.csv", "line", 3, "2,c,extra", "3 fields, expected 2", "parse"),
          new RejectedRecord("in.csv", "line", 7, "x,", "column 'x': 'x' is not a long", "type"),
          new RejectedRecord("in.jsonl", "record", 1, "{", "not JSON", "parse"));

  private static List<String> filesUnder(File dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir.toPath())) {
      return s.filter(Files::isRegularFile).map(f -> dir.toPath().relativize(f).toString()).sorted().toList();
    }
  }

  @Test
  public void withTempDirectory_writesTheRecordsIntoTheFolderAndLeavesNoTemporaryFile() throws IOException {
    File out = tmp.newFolder("out");
    p.apply(Create.of(RECORDS).withCoder(RejectedRecord.Coder.of()))
        .apply(WriteRejected.to(out + "/rejected/").withTempDirectory(out + "/.temp-trainset-rejected/"));
    p.run().waitUntilFinish();

    List<String> files = filesUnder(out);
    assertTrue(files.toString(), !files.isEmpty() && files.stream().allMatch(f -> f.matches("rejected/rejected-\\d{5}-of-\\d{5}\\.jsonl")));
    List<String> lines = new ArrayList<>();
    for (String f : files) {
      lines.addAll(Files.readAllLines(out.toPath().resolve(f), StandardCharsets.UTF_8));
    }
    lines.sort(null);
    assertEquals(RECORDS.stream().map(RejectedRecord::toJson).sorted().toList(), lines);
  }
}
