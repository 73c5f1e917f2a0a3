package dev.trainset.launcher.stream;

import java.time.Duration;

/**
 * The launcher's view of a stream's source while its job runs: that the source is there, how far the job has read,
 * and whether the stream has gone idle with every record in the job's checkpointed state (for {@code
 * --stop-after-idle}).
 */
public interface SourceProgress extends AutoCloseable {
  /** Checks that the source answers and its topics or stream exist; a one-line error (exit 3) otherwise. */
  void check();

  /** Reads the source's and the job's positions now; call it every few seconds while job {@code job} runs. */
  void poll(String job) throws Exception;

  /** A progress line ({@code 1,200 of 4,000 records checkpointed}) while the job is behind, else null. */
  String behind();

  /** The records read and checkpointed, once the job has every record the source holds; else -1 (or when unknown). */
  long caughtUp();

  /** Whether, at the last {@link #poll}, no record had arrived for {@code idle} and every record was checkpointed. */
  boolean idleAndCaughtUp(Duration idle);

  @Override
  void close();
}
