package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * The scheduler examples of runner-configs/examples/schedulers, executed as a scheduler would: the cron wrapper
 * twice for the same date (the retry is "already complete"), and RunMain, the main class Airflow's
 * BeamRunJavaPipelineOperator calls, with only --name=value options. Airflow and Kubernetes do not run here; the
 * DAG is checked to be valid Python and the CronJob to be a CronJob that passes --date-free, retry-safe arguments.
 */
public class SchedulerExamplesIT {
  private static final Path PROJECT = Paths.get(System.getProperty("trainset.project.dir", "..")).toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERTEBRAL = PROJECT.resolve("runner-configs/examples/data/vertebral-column/column_2C_weka.arff").toString();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(240);

  record Done(int exit, String out) {}

  private Done exec(List<String> cmd, java.util.Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("timed out: " + cmd, p.waitFor(120, TimeUnit.SECONDS));
    return new Done(p.exitValue(), out);
  }

  private static JsonNode result(String out) throws Exception {
    for (String line : out.split("\n")) {
      if (line.startsWith("TRAINSET_RESULT ")) {
        return JSON.readTree(line.substring(16));
      }
    }
    throw new AssertionError("no TRAINSET_RESULT in " + out);
  }

  @Test
  public void cronWrapper_runsForTheDate_andARetryIsAlreadyComplete() throws Exception {
    Path cfg = tmp.newFile("nightly.yaml").toPath();
    Files.writeString(cfg, "input:\n  path: " + VERTEBRAL + "\noutput:\n  path: " + tmp.getRoot() + "/trainsets/{date}\n");
    File logs = tmp.newFolder("logs");
    java.util.Map<String, String> env = java.util.Map.of("TRAINSET_DATE", "2026-03-01", "TRAINSET_LOG_DIR", logs.toString());
    List<String> cmd = List.of(PROJECT.resolve("runner-configs/examples/schedulers/trainset-nightly.sh").toString(), cfg.toString());

    Done first = exec(cmd, env);
    assertEquals(first.out, 0, first.exit);
    assertEquals("succeeded", result(first.out).get("status").asText());
    assertTrue(new File(tmp.getRoot(), "trainsets/2026-03-01/_SUCCESS").exists());

    Done retry = exec(cmd, env);
    assertEquals(0, retry.exit);
    assertEquals("already-complete", result(retry.out).get("status").asText());
    assertEquals(result(first.out).get("runId"), result(retry.out).get("runId"));
    String log = Files.readString(logs.toPath().resolve("trainset-2026-03-01.log"));
    assertTrue(log, log.contains("already complete: run " + result(first.out).get("runId").asText()));
  }

  @Test
  public void cronWrapper_keepsTrainsetsExitCode() throws Exception {
    Path cfg = tmp.newFile("bad.yaml").toPath();
    Files.writeString(cfg, "input: {path: /nonexistent/*.csv}\noutput: {path: " + tmp.getRoot() + "/o}\n");
    Done d = exec(
        List.of(PROJECT.resolve("runner-configs/examples/schedulers/trainset-nightly.sh").toString(), cfg.toString()),
        java.util.Map.of("TRAINSET_LOG_DIR", tmp.newFolder("l").toString()));
    assertEquals(3, d.exit);
    assertEquals("failed", result(d.out).get("status").asText());
  }

  @Test
  public void runMain_asAirflowCallsIt_withOnlyNameValueOptions() throws Exception {
    Done d = exec(
        List.of("java", "-cp", System.getProperty("trainset.jar"), "dev.trainset.launcher.RunMain",
            "--input=" + VERTEBRAL, "--output=" + tmp.getRoot() + "/airflow/{date}", "--date=2026-03-02", "--runner=DirectRunner"),
        java.util.Map.of());
    assertEquals(d.out, 0, d.exit);
    assertEquals(310, result(d.out).at("/counts/written").asLong());
    assertTrue(new File(tmp.getRoot(), "airflow/2026-03-02/_SUCCESS").exists());
  }

  @Test
  public void airflowDagIsValidPython_andKubernetesManifestIsACronJob() throws Exception {
    Path dag = PROJECT.resolve("runner-configs/examples/schedulers/airflow_trainset_dag.py");
    Done py = exec(List.of("python3", "-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())", dag.toString()), java.util.Map.of());
    assertEquals(0, py.exit);
    JsonNode k8s =
        new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(PROJECT.resolve("runner-configs/examples/schedulers/kubernetes-cronjob.yaml").toFile());
    assertEquals("CronJob", k8s.get("kind").asText());
    JsonNode container = k8s.at("/spec/jobTemplate/spec/template/spec/containers/0");
    assertEquals("run", container.at("/args/0").asText());
    assertTrue(container.get("args").toString().contains("{date}"));
  }
}
