package dev.trainset.launcher.stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class RestorePointsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static void point(Path dir, Instant written) throws Exception {
    Files.createDirectories(dir);
    Path metadata = Files.writeString(dir.resolve("_metadata"), "x");
    Files.setLastModifiedTime(metadata, FileTime.from(written));
  }

  @Test
  public void theNewestCompletePointWins_checkpointOrSavepoint_andIncompleteOnesAreNotPoints() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("checkpoints");
    RestorePoints points = new RestorePoints(root);
    assertNull("no folder yet", points.newest());
    Instant t = Instant.parse("2026-12-07T10:00:00Z");
    point(root.resolve("a1b2/chk-3"), t);
    point(root.resolve("savepoints/savepoint-a1b2-0001"), t.plusSeconds(10));
    point(root.resolve("c3d4/chk-7"), t.plusSeconds(20));
    Files.createDirectories(root.resolve("c3d4/chk-8")); // being written: no _metadata yet
    Files.createDirectories(root.resolve("c3d4/shared"));
    assertEquals(root.resolve("c3d4/chk-7"), points.newest().path());
    assertEquals("checkpoint chk-7", points.newest().describe());

    point(root.resolve("savepoints/savepoint-c3d4-0002"), t.plusSeconds(30));
    assertEquals("savepoint savepoint-c3d4-0002", points.newest().describe());
    assertEquals(4, points.all().size());

    // Where the line of jobs began stays with it; once job e5f6 has a checkpoint of its own, every other point goes; after
    // a drain, everything.
    assertEquals(-1L, points.lineStart(-1L));
    assertTrue("no fingerprint yet: any configuration", points.sameConfiguration("abc"));
    points.startLine(1_767_261_600_000L, "abc");
    assertTrue(points.sameConfiguration("abc"));
    assertFalse(points.sameConfiguration("abd"));
    // A savepoint of a job is not a checkpoint of its own (Flink counts both as completed checkpoints).
    point(root.resolve("savepoints/savepoint-e5f6-0003"), t.plusSeconds(35));
    assertFalse(points.hasCheckpoint("e5f6"));
    point(root.resolve("e5f6/chk-1"), t.plusSeconds(40));
    assertTrue(points.hasCheckpoint("e5f6"));
    java.nio.channels.FileLock lock = points.lock();
    assertNull("the folder is held", points.lock());
    points.removeAllBut("e5f6");
    assertEquals(List.of(root.resolve("e5f6/chk-1")), points.all().stream().map(RestorePoints.Point::path).toList());
    assertEquals(1_767_261_600_000L, points.lineStart(-1L));
    points.clear();
    assertNull(points.newest());
    assertEquals(List.of(root.resolve("lock")), Files.list(root).toList());
    lock.channel().close();
    assertNotNull(points.lock());
  }
}
