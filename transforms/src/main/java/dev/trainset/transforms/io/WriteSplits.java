package dev.trainset.transforms.io;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Writes rows that carry their split index ({@code KV<split, row>}) to one folder per split and format: {@code
 * <root>/<split>/<format folder>/part-SSSSS-of-NNNNN<ext>}, with any number of formats per row. Outputs {@code
 * KV<"<split>/<format folder>", final file name>} for every file written.
 *
 * <p>Why not {@code FileIO.writeDynamic()}: with runner-determined sharding, both the DirectRunner and the Flink
 * runner turn it into a GroupByKey of every row (5 GB of heap for a 1M-row CSV on the DirectRunner, measured; see
 * BENCHMARKS.md). This keeps WriteFiles' temp-then-rename protocol without the shuffle:
 *
 * <ol>
 *   <li>{@code WriteBundles}: each bundle writes its rows to one temporary file per (split, format) it sees, under
 *       {@code <root>/.temp-trainset-<id>/}, through a {@link RowFileSink}, and emits the names when the bundle
 *       finishes. A retried bundle writes new temporary files; a failed attempt's files are never emitted.
 *   <li>{@code FinalizeFiles}: once, after all bundles: per destination, renames the emitted files in sorted order to
 *       {@code part-i-of-n}, deletes the temporary folder (with leftovers of failed attempts) and emits the final
 *       names. Renames skip missing sources, so a retried finalize completes the same way.
 * </ol>
 *
 * Counts rows in {@code trainset/written} (once per row, whatever the number of formats).
 */
public final class WriteSplits extends PTransform<PCollection<KV<Integer, Row>>, PCollection<KV<String, String>>> {
  /** A format to write: the sink and where its files go. */
  public record Target(OutputFormat format, RowFileSink sink, String extension) implements java.io.Serializable {}

  private final String root;
  private final List<String> splits;
  private final List<Target> targets;

  private WriteSplits(String root, List<String> splits, List<Target> targets) {
    this.root = root;
    this.splits = splits;
    this.targets = targets;
  }

  /** Writes under {@code root} (a folder), one subfolder per split name, in split-index order. */
  public static WriteSplits to(String root, List<String> splits) {
    return new WriteSplits(root.endsWith("/") ? root : root + "/", List.copyOf(splits), List.of());
  }

  /** Adds a format; {@code extension} is the file suffix ({@code .csv.gz}). */
  public WriteSplits withFormat(OutputFormat format, RowFileSink sink, String extension) {
    List<Target> t = new ArrayList<>(targets);
    t.add(new Target(format, sink, extension));
    return new WriteSplits(root, splits, List.copyOf(t));
  }

  /** The destination key and folder of a (split, format): {@code train/parquet}. */
  public static String destination(String split, OutputFormat format) {
    return split + "/" + format.folder();
  }

  @Override
  public PCollection<KV<String, String>> expand(PCollection<KV<Integer, Row>> rows) {
    if (targets.isEmpty()) {
      throw new IllegalStateException("WriteSplits: withFormat() is required");
    }
    String temp = root + ".temp-trainset-" + UUID.randomUUID() + "/";
    KvCoder<String, String> kv = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    return rows.apply("WriteBundles", ParDo.of(new WriteBundleFn(splits, targets, temp)))
        .setCoder(kv)
        .apply("OneKey", WithKeys.of((Void) null))
        .setCoder(KvCoder.of(VoidCoder.of(), kv))
        .apply("CollectTempFiles", GroupByKey.create())
        .apply("FinalizeFiles", ParDo.of(new FinalizeFn(root, temp, extensions())))
        .setCoder(kv);
  }

  private Map<String, String> extensions() {
    Map<String, String> m = new HashMap<>();
    for (String s : splits) {
      for (Target t : targets) {
        m.put(destination(s, t.format()), t.extension());
      }
    }
    return m;
  }

  /** Writes each bundle's rows to one temporary file per destination and emits the names when the bundle ends. */
  static final class WriteBundleFn extends DoFn<KV<Integer, Row>, KV<String, String>> {
    private final List<String> splits;
    private final List<Target> targets;
    private final String temp;
    private final Counter written = Metrics.counter(ReadRecords.METRICS_NAMESPACE, "written");
    private transient Map<Long, Open> open;

    private static final class Open {
      final String destination;
      final String file;
      final WritableByteChannel channel;
      final RowFileSink sink;

      Open(String destination, String file, WritableByteChannel channel, RowFileSink sink) {
        this.destination = destination;
        this.file = file;
        this.channel = channel;
        this.sink = sink;
      }
    }

    WriteBundleFn(List<String> splits, List<Target> targets, String temp) {
      this.splits = splits;
      this.targets = targets;
      this.temp = temp;
    }

    @StartBundle
    public void start() {
      open = new LinkedHashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<Integer, Row> e) throws IOException {
      int split = e.getKey();
      for (int t = 0; t < targets.size(); t++) {
        long key = ((long) split << 8) | t;
        Open o = open.get(key);
        if (o == null) {
          Target target = targets.get(t);
          String dest = destination(splits.get(split), target.format());
          String file = temp + dest.replace('/', '.') + "-" + UUID.randomUUID() + target.extension();
          WritableByteChannel ch =
              FileSystems.create(FileSystems.matchNewResource(file, false), target.format().contentType());
          RowFileSink sink = target.sink().copy();
          sink.open(ch);
          o = new Open(dest, file, ch, sink);
          open.put(key, o);
        }
        o.sink.write(e.getValue());
      }
      written.inc();
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws IOException {
      for (Open o : open.values()) {
        o.sink.finish();
        // Parquet's writer closes the channel itself; S3's channel must not be closed twice (a second close
        // completes the finished multipart upload again and fails).
        if (o.channel.isOpen()) {
          o.channel.close();
        }
        c.output(KV.of(o.destination, o.file), BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
      open.clear();
    }
  }

  /** Renames the temporary files to their final names and removes the temporary folder. */
  static final class FinalizeFn extends DoFn<KV<Void, Iterable<KV<String, String>>>, KV<String, String>> {
    private final String root;
    private final String temp;
    private final Map<String, String> extensions;

    FinalizeFn(String root, String temp, Map<String, String> extensions) {
      this.root = root;
      this.temp = temp;
      this.extensions = extensions;
    }

    @ProcessElement
    public void process(@Element KV<Void, Iterable<KV<String, String>>> files, OutputReceiver<KV<String, String>> out)
        throws IOException {
      TreeMap<String, List<String>> byDest = new TreeMap<>();
      for (KV<String, String> f : files.getValue()) {
        byDest.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue());
      }
      List<ResourceId> from = new ArrayList<>();
      List<ResourceId> to = new ArrayList<>();
      List<KV<String, String>> finals = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : byDest.entrySet()) {
        List<String> names = e.getValue();
        Collections.sort(names);
        for (int i = 0; i < names.size(); i++) {
          String name =
              root + e.getKey() + "/" + String.format("part-%05d-of-%05d", i, names.size()) + extensions.get(e.getKey());
          from.add(FileSystems.matchNewResource(names.get(i), false));
          to.add(FileSystems.matchNewResource(name, false));
          finals.add(KV.of(e.getKey(), name));
        }
      }
      FileSystems.rename(from, to, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      List<ResourceId> leftovers = new ArrayList<>();
      MatchResult m = FileSystems.match(temp + "*", EmptyMatchTreatment.ALLOW);
      if (m.status() == MatchResult.Status.OK) {
        m.metadata().forEach(md -> leftovers.add(md.resourceId()));
      }
      leftovers.add(FileSystems.matchNewResource(temp, true));
      FileSystems.delete(leftovers, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      finals.forEach(out::output);
    }
  }
}
