package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.slice.LocalProgress;
import dev.trainset.transforms.slice.SliceResult;
import dev.trainset.transforms.slice.WriteSlice;
import dev.trainset.transforms.split.CountLeakage;
import java.util.List;

/**
 * The writing pass in the launcher's own thread, for an input that is one slice: the same {@link WriteSlice} the
 * Beam job runs, without a Beam job around it (a job's start-up costs several seconds here and buys nothing for one
 * slice; measured in BENCHMARKS.md). Larger inputs go to {@link BatchGraph} on the run's runner.
 */
final class LocalWrite {
  private LocalWrite() {}

  static BatchResult run(List<FileSlice> slices, WriteSlice.Spec spec, String progressKey) {
    WriteSlice writer = new WriteSlice(spec);
    CountLeakage.Tally leaks = new CountLeakage.Tally();
    BatchResult out = new BatchResult();
    try {
      for (FileSlice s : slices) {
        SliceResult r = writer.write(s, leaks::add, (n, w, x) -> LocalProgress.add(progressKey, n, w, x));
        out.add(r);
      }
    } catch (java.io.IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot write the training set: " + e.getMessage(), e);
    }
    long[] leaked = leaks.leaked();
    out.leakedVectors = leaked[0];
    out.leakedRows = leaked[1];
    return out;
  }
}
