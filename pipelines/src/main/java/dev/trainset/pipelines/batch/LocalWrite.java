package dev.trainset.pipelines.batch;

import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.slice.LocalProgress;
import dev.trainset.transforms.slice.SliceResult;
import dev.trainset.transforms.slice.WriteSlice;
import dev.trainset.transforms.split.CountLeakage;
import java.util.List;

/**
 * The writing pass in the launcher's own threads (one per core, each writing one slice at a time): the same {@link
 * WriteSlice} that the Beam job runs, without a Beam runner around it. A local run gains nothing from a runner's
 * machinery and pays seconds for its start-up (measured in BENCHMARKS.md); a run on a cluster uses {@link BatchGraph}.
 */
final class LocalWrite {
  private LocalWrite() {}

  static BatchResult run(List<FileSlice> slices, WriteSlice.Spec spec, String progressKey) {
    WriteSlice writer = new WriteSlice(spec);
    List<Written> written = SliceThreads.run(slices, "trainset-writer", "writing the training set", s -> {
      CountLeakage.Tally leaks = new CountLeakage.Tally();
      SliceResult r = writer.write(s, leaks::add, (n, w, x) -> LocalProgress.add(progressKey, n, w, x));
      return new Written(r, leaks);
    });
    BatchResult out = new BatchResult();
    CountLeakage.Tally leaks = new CountLeakage.Tally();
    for (Written w : written) {
      out.add(w.result);
      leaks.merge(w.leaks);
    }
    long[] leaked = leaks.leaked();
    out.leakedVectors = leaked[0];
    out.leakedRows = leaked[1];
    return out;
  }

  private record Written(SliceResult result, CountLeakage.Tally leaks) {}
}
