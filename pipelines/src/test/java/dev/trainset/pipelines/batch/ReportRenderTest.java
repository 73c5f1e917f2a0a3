package dev.trainset.pipelines.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * report.html renders in headless Chromium (Debian's chromium package, which .ci/run installs): the screenshot has
 * content (not one flat colour) and the page logs nothing to the console (no script errors, no blocked loads).
 * Outside CI the test is skipped, saying so, when /usr/bin/chromium is absent; in CI its absence is a failure.
 */
public class ReportRenderTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final String CHROMIUM = System.getProperty("trainset.chromium", "/usr/bin/chromium");

  @Test
  public void theReportOfARunRendersWithoutConsoleMessages() throws Exception {
    boolean present = new File(CHROMIUM).canExecute();
    if (System.getenv("CI") == null) {
      assumeTrue("skipped: " + CHROMIUM + " is absent (apt-get install chromium; .ci/run installs it)", present);
    }
    assertTrue(CHROMIUM + " is required in CI", present);

    File out = tmp.newFolder("out");
    Path csv = tmp.getRoot().toPath().resolve("bad.csv");
    // A few rejected rows, so every section of the report has content.
    StringBuilder b = new StringBuilder(Files.readString(TestData.examples("heart-failure/heart_failure_clinical_records_dataset.csv")));
    b.append("1,2,3\nnot,a,row\n");
    Files.writeString(csv, b.toString());
    BatchIngest.run(
        TestData.config("input: {path: " + csv + "}\nlabel: {column: DEATH_EVENT}\nsplit: {seed: 1}\noutput: {path: " + out + "}\nmaxRejectedFraction: 0.5\n"),
        TestData.direct(),
        BatchIngest.Settings.defaults());
    File report = new File(out, "report.html");
    assertTrue(report.length() > 10_000);

    File png = new File(tmp.getRoot(), "report.png");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + tmp.newFolder("profile"), "--enable-logging=stderr", "--v=0",
                "--window-size=1200,2400", "--screenshot=" + png, report.toURI().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("chromium did not finish", p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(log, 0, p.exitValue());
    List<String> console = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.contains(":CONSOLE")) {
        console.add(line);
      }
    }
    assertEquals("console messages: " + console, List.of(), console);

    BufferedImage img = ImageIO.read(png);
    assertEquals(1200, img.getWidth());
    int first = img.getRGB(0, 0);
    long differing = 0;
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        differing += img.getRGB(x, y) != first ? 1 : 0;
      }
    }
    assertTrue("the screenshot is blank", differing > 5_000);
  }
}
