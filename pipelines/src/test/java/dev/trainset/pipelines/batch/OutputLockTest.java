package dev.trainset.pipelines.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.trainset.pipelines.config.TrainsetException;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class OutputLockTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** A lock object's number: {@code <millis>-<hex>-<number>.json}. */
  private static int seq(String name) {
    return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1, name.length() - ".json".length()));
  }

  private File locks(OutputDir out) {
    return new File(out.path(OutputLock.FOLDER));
  }

  /** The lock objects in an output (its folder goes once empty). */
  private int count(OutputDir out) {
    String[] names = locks(out).list();
    return names == null ? 0 : names.length;
  }

  @Test
  public void aSecondRun_failsAtOnce_namingTheRunThatHoldsTheOutput_andGetsItOnceReleased() throws Exception {
    OutputDir out = OutputDir.of(tmp.getRoot().toString());
    OutputLock first = OutputLock.acquire(out, "run-1", Duration.ZERO);
    TrainsetException e = assertThrows(TrainsetException.class, () -> OutputLock.acquire(out, "run-2", Duration.ZERO));
    assertEquals(TrainsetException.USAGE, e.exitCode());
    assertTrue(e.getMessage(), e.getMessage().startsWith("output '" + out.root() + "' is being written by run run-1 ("));
    assertTrue(e.getMessage(), e.getMessage().endsWith(
        "); only one run writes an output at a time: try again once it is done (trainset run --wait-for-output DURATION waits for it)"));
    assertEquals("the loser's lock is gone", 1, count(out));
    first.close();
    assertEquals(0, count(out));
    assertFalse("nothing left of it on a local disk", new File(out.path(OutputDir.WORK)).exists());
    try (OutputLock second = OutputLock.acquire(out, "run-2", Duration.ZERO)) {
      assertEquals(1, count(out));
    }
  }

  @Test
  public void aRunThatWaits_getsTheOutputWhenTheHolderIsDone() throws Exception {
    OutputDir out = OutputDir.of(tmp.getRoot().toString());
    OutputLock first = OutputLock.acquire(out, "run-1", Duration.ZERO);
    CompletableFuture<OutputLock> second = CompletableFuture.supplyAsync(() -> OutputLock.acquire(out, "run-2", Duration.ofMinutes(1)));
    Thread.sleep(1_000);
    assertFalse("it waits while the first holds the output", second.isDone());
    first.close();
    try (OutputLock got = second.get(30, TimeUnit.SECONDS)) {
      String held = Files.readString(locks(out).listFiles()[0].toPath());
      assertTrue(held, held.contains("\"runId\":\"run-2\"") && held.contains("\"held\":true"));
    }
  }

  @Test
  public void aLockNotRewrittenForLong_isTheLockOfARunThatDied_andIsTakenOver() throws Exception {
    OutputDir out = OutputDir.of(tmp.getRoot().toString());
    File dead = new File(locks(out), "0000000000001-deadbeef-000001.json");
    dead.getParentFile().mkdirs();
    Files.writeString(dead.toPath(), "{\"runId\":\"crashed\",\"held\":true}\n");
    assertTrue(dead.setLastModified(System.currentTimeMillis() - OutputLock.STALE.toMillis() - 60_000));
    try (OutputLock lock = OutputLock.acquire(out, "run-2", Duration.ZERO)) {
      assertFalse("the dead run's lock is removed", dead.exists());
    }
    // A fresh lock of a run that holds the output is not stale.
    dead.getParentFile().mkdirs();
    Files.writeString(dead.toPath(), "{\"runId\":\"alive\",\"held\":true}\n");
    TrainsetException e = assertThrows(TrainsetException.class, () -> OutputLock.acquire(out, "run-3", Duration.ZERO));
    assertTrue(e.getMessage(), e.getMessage().contains("is being written by run alive ("));
  }

  @Test
  public void aHeldLockIsRewrittenEveryHeartbeat_oneObjectAtATime_andStaysHeld() throws Exception {
    OutputDir out = OutputDir.of(tmp.getRoot().toString());
    OutputLock.beatEvery = Duration.ofMillis(50);
    try (OutputLock lock = OutputLock.acquire(out, "long-run", Duration.ZERO)) {
      File folder = locks(out);
      String first = folder.list()[0];
      long deadline = System.currentTimeMillis() + 10_000;
      String[] now = folder.list();
      while (System.currentTimeMillis() < deadline && (now.length != 1 || seq(now[0]) < 3)) {
        Thread.sleep(10);
        now = folder.list();
      }
      // The lock moved on to later objects (the same token, the next numbers), each replacing the one before.
      assertEquals(1, now.length);
      assertEquals(first.substring(0, first.lastIndexOf('-')), now[0].substring(0, now[0].lastIndexOf('-')));
      assertTrue(first + " then " + now[0], seq(now[0]) >= 3 && seq(now[0]) > seq(first));
      assertTrue(Files.readString(new File(folder, now[0]).toPath()).contains("\"runId\":\"long-run\""));
      TrainsetException e = assertThrows(TrainsetException.class, () -> OutputLock.acquire(out, "other", Duration.ZERO));
      assertTrue(e.getMessage(), e.getMessage().contains("is being written by run long-run ("));
    } finally {
      OutputLock.beatEvery = OutputLock.HEARTBEAT;
    }
    assertEquals(0, locks(out).exists() ? locks(out).list().length : 0);
  }

  @Test
  public void theLockOfAKilledProcessOnThisMachine_isTakenOverAtOnce() throws Exception {
    OutputDir out = OutputDir.of(tmp.getRoot().toString());
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    File dead = new File(locks(out), "9999999999999-0a0a0a0a-000001.json");
    dead.getParentFile().mkdirs();
    String lock = "{\"runId\":\"killed\",\"held\":true,\"pid\":" + gone.pid() + ",\"processes\":"
        + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(OutputLock.processesHere()) + "}\n";
    Files.writeString(dead.toPath(), lock);
    try (OutputLock mine = OutputLock.acquire(out, "retry", Duration.ZERO)) {
      assertFalse("the killed run's lock is removed", dead.exists());
    }
    // The same lock from a process of another machine (or container) waits for its heartbeat to stop.
    dead.getParentFile().mkdirs();
    Files.writeString(dead.toPath(), lock.replace("\"processes\":", "\"processes\":\"elsewhere\",\"was\":"));
    TrainsetException e = assertThrows(TrainsetException.class, () -> OutputLock.acquire(out, "retry", Duration.ZERO));
    assertTrue(e.getMessage(), e.getMessage().contains("is being written by run killed ("));
  }

  @Test
  public void locksAreNotOutput_anEmptyFolderWithALockIsEmpty() throws Exception {
    OutputDir out = OutputDir.of(tmp.getRoot().toString());
    try (OutputLock lock = OutputLock.acquire(out, "run-1", Duration.ZERO)) {
      assertEquals(0, out.list().size());
      out.prepare(false); // no "already exists and is not empty"
      assertEquals(1, count(out));
    }
  }

  @Test
  public void aFileAnotherWriterPutsIntoAnOutputFolder_failsTheRunWithoutSuccess() throws Exception {
    File in = tmp.newFile("in.csv");
    Files.writeString(in.toPath(), "x,label\n1,a\n2,b\n3,a\n4,b\n");
    File out = new File(tmp.getRoot(), "out");
    // The progress line after planning stands in for another writer that ignores the lock (an older trainset, a user).
    java.util.function.Consumer<String> intruder = TestData.betweenThePasses(() -> {
      File stray = new File(out, "data/parquet/part-99999.parquet");
      stray.getParentFile().mkdirs();
      Files.writeString(stray.toPath(), "not ours");
    });
    TrainsetException e =
        assertThrows(
            TrainsetException.class,
            () -> BatchIngest.run(
                TestData.config("input: {path: " + in + "}\nlabel: {column: label}\noutput: {path: " + out + "}\n"), null,
                new BatchIngest.Settings(false, null, java.time.LocalDate.of(2026, 12, 1), "test", intruder, BatchIngest.Execution.LAUNCHER,
                    null, Duration.ZERO)));
    assertEquals(TrainsetException.USAGE, e.exitCode());
    assertEquals(
        out + "/data/parquet/ holds 1 file(s) this run did not write: part-99999.parquet (did another run write into the same output?)"
            + " (output " + out + "/ left without _SUCCESS)",
        e.getMessage());
    assertFalse(new File(out, "_SUCCESS").exists());
    assertEquals("the lock is given up however the run ends", 0, count(OutputDir.of(out.toString())));
  }
}
