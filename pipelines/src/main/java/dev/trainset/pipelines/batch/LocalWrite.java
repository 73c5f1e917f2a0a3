package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.slice.LocalProgress;
import dev.trainset.transforms.slice.SliceResult;
import dev.trainset.transforms.slice.WriteSlice;
import dev.trainset.transforms.split.CountLeakage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The writing pass in the launcher's own threads (one per core, each writing one slice at a time): the same {@link
 * WriteSlice} that the Beam job runs, without a Beam runner around it. A local run gains nothing from a runner's
 * machinery and pays seconds for its start-up (measured in BENCHMARKS.md); a run on a cluster uses {@link BatchGraph}.
 */
final class LocalWrite {
  private LocalWrite() {}

  static BatchResult run(List<FileSlice> slices, WriteSlice.Spec spec, String progressKey) {
    int threads = Math.max(1, Math.min(slices.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "trainset-writer");
      t.setDaemon(true);
      return t;
    });
    WriteSlice writer = new WriteSlice(spec);
    try {
      // Largest slices first, so the last one to finish is a small one.
      List<FileSlice> order = new ArrayList<>(slices);
      order.sort(Comparator.comparingLong((FileSlice s) -> s.isWhole() ? Long.MAX_VALUE : s.end() - s.start()).reversed());
      List<Future<Written>> futures = new ArrayList<>();
      for (FileSlice s : order) {
        futures.add(pool.submit(() -> {
          CountLeakage.Tally leaks = new CountLeakage.Tally();
          SliceResult r = writer.write(s, leaks::add, (n, w, x) -> LocalProgress.add(progressKey, n, w, x));
          return new Written(r, leaks);
        }));
      }
      BatchResult out = new BatchResult();
      CountLeakage.Tally leaks = new CountLeakage.Tally();
      for (Future<Written> f : futures) {
        Written w = f.get();
        out.add(w.result);
        leaks.merge(w.leaks);
      }
      long[] leaked = leaks.leaked();
      out.leakedVectors = leaked[0];
      out.leakedRows = leaked[1];
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainsetException(TrainsetException.INTERNAL, "interrupted while writing the training set", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof TrainsetException) {
        throw (TrainsetException) c;
      }
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot write the training set: " + c, c);
    } finally {
      pool.shutdownNow();
    }
  }

  private record Written(SliceResult result, CountLeakage.Tally leaks) {}
}
