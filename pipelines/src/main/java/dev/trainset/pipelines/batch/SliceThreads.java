package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per slice in the launcher's own threads, one per core: how both passes run when no Beam job is
 * needed. Largest slices first, so the last one to finish is a small one.
 */
public final class SliceThreads {
  private SliceThreads() {}

  /** The work on one slice. */
  public interface Task<T> {
    T run(FileSlice slice) throws Exception;
  }

  /**
   * The tasks' results, largest slice first; a task's {@link TrainsetException} is thrown as it is, anything else as an
   * internal error naming {@code what} ({@code "the first pass"}).
   */
  public static <T> List<T> run(List<FileSlice> slices, String threadName, String what, Task<T> task) {
    int threads = Math.max(1, Math.min(slices.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    try {
      List<FileSlice> order = new ArrayList<>(slices);
      order.sort(Comparator.comparingLong((FileSlice s) -> s.isWhole() ? Long.MAX_VALUE : s.end() - s.start()).reversed());
      List<Future<T>> futures = new ArrayList<>();
      for (FileSlice s : order) {
        futures.add(pool.submit(() -> task.run(s)));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainsetException(TrainsetException.INTERNAL, "interrupted during " + what, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof TrainsetException) {
        throw (TrainsetException) c;
      }
      throw new TrainsetException(TrainsetException.INTERNAL, what + " failed: " + c, c);
    } finally {
      pool.shutdownNow();
    }
  }
}
