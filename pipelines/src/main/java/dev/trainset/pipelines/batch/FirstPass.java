package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.slice.LocalProgress;
import dev.trainset.transforms.slice.SliceSummary;
import dev.trainset.transforms.slice.SummariseSlice;
import dev.trainset.transforms.slice.SummariseSlices;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Runs the first pass ({@link SummariseSlice}) over every slice and returns the summaries in slice order: in the
 * launcher's own threads when the run is local (the DirectRunner or embedded Flink run in this JVM anyway, so a Beam
 * job would only add its start-up), or as a Beam job on the run's runner when the input is read by a cluster.
 */
final class FirstPass {
  private FirstPass() {}

  /** The summaries of one job, as one value. */
  static final class Summaries implements Serializable {
    private static final long serialVersionUID = 1L;
    final ArrayList<SliceSummary> list = new ArrayList<>();
  }

  static List<SliceSummary> run(
      List<FileSlice> slices, SummariseSlice.Spec spec, boolean local, PipelineOptions options, OutputDir out, String runId,
      Progress.Out progress) {
    String key = "first-pass-" + runId + "-" + System.nanoTime();
    try (Progress p =
        local
            ? Progress.local(key, "reading", 0, progress)
            : Progress.cluster(BatchIngest.jobName("plan", runId), "reading", slices.size(), 0, progress)) {
      List<SliceSummary> out1 = local ? inThisJvm(slices, spec, key) : asJob(slices, spec, options, out, key, runId);
      List<SliceSummary> sorted = new ArrayList<>(out1);
      sorted.sort(Comparator.comparingInt(SliceSummary::slice));
      return sorted;
    }
  }

  private static List<SliceSummary> inThisJvm(List<FileSlice> slices, SummariseSlice.Spec spec, String key) {
    SummariseSlice summariser = new SummariseSlice(spec);
    return SliceThreads.run(
        slices, "trainset-first-pass", "the first pass over the input",
        s -> summariser.summarise(s, n -> LocalProgress.add(key, n, 0, 0)));
  }

  private static List<SliceSummary> asJob(
      List<FileSlice> slices, SummariseSlice.Spec spec, PipelineOptions options, OutputDir out, String key, String runId) {
    String path = out.path(OutputDir.WORK + "first-pass.b64");
    options.setJobName(BatchIngest.jobName("plan", runId));
    Pipeline p = Pipeline.create(options);
    p.apply("SummariseSlices", SummariseSlices.of(slices, spec, key))
        .apply("Collect", Combine.globally(new CollectFn()))
        .setCoder(dev.trainset.transforms.coders.SummaryCoder.of(Summaries.class))
        .apply("WriteSummaries", ResultFile.to(Summaries.class, path));
    Jobs.runToCompletion(p, "first pass");
    try {
      return ResultFile.read(Summaries.class, out.read(OutputDir.WORK + "first-pass.b64")).list;
    } catch (IOException e) {
      throw new TrainsetException(TrainsetException.INTERNAL, "cannot read the first pass's result: " + e.getMessage(), e);
    }
  }

  static final class CollectFn extends Combine.CombineFn<SliceSummary, Summaries, Summaries> {
    @Override
    public Summaries createAccumulator() {
      return new Summaries();
    }

    @Override
    public Summaries addInput(Summaries acc, SliceSummary s) {
      acc.list.add(s);
      return acc;
    }

    @Override
    public Summaries mergeAccumulators(Iterable<Summaries> accs) {
      Summaries out = new Summaries();
      accs.forEach(a -> out.list.addAll(a.list));
      return out;
    }

    @Override
    public Summaries extractOutput(Summaries acc) {
      return acc;
    }

    @Override
    public Coder<Summaries> getAccumulatorCoder(CoderRegistry r, Coder<SliceSummary> in) {
      return dev.trainset.transforms.coders.SummaryCoder.of(Summaries.class);
    }
  }
}
