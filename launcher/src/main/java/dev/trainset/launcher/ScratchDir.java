package dev.trainset.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary folder for commands that must write nothing where the user looks (schema, validate); removed on close. */
final class ScratchDir implements AutoCloseable {
  private final Path path;

  ScratchDir(String prefix) throws IOException {
    this.path = Files.createTempDirectory(prefix);
  }

  Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
