package dev.trainset.pipelines.stream;

import dev.trainset.pipelines.config.RunConfig.SplitMethod;
import dev.trainset.pipelines.config.RunConfig.SplitSettings;
import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.RowWriters;
import dev.trainset.transforms.io.csv.CsvFormat;
import dev.trainset.transforms.io.json.JsonFormat;
import dev.trainset.transforms.io.stream.EventTimeField;
import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.io.stream.StreamRecord;
import dev.trainset.transforms.io.stream.WindowFiles;
import dev.trainset.transforms.io.stream.WindowPart;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.JsonSettings;
import dev.trainset.transforms.prepare.ColumnRoles;
import dev.trainset.transforms.prepare.Preparation;
import dev.trainset.transforms.schema.SchemaJson;
import dev.trainset.transforms.slice.LabelClasses;
import dev.trainset.transforms.slice.MessageBatch;
import dev.trainset.transforms.split.HashSplit;
import dev.trainset.transforms.split.RowSplitter;
import dev.trainset.transforms.split.Unsplit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * The stream pipeline after the source: messages → {@code ParseMessages} (the batch readers, per bundle) → {@code
 * WriteWindows[split]} (held by event-time window, written when the window closes) → {@code FinishWindows}
 * (manifest, then {@code _SUCCESS}) → {@code LatestWindows} ({@code latest.json}). Any source of {@link Message}s
 * with event-time timestamps and a watermark feeds it (Kafka, Kinesis, a test stream).
 */
public final class StreamGraph extends PTransform<PCollection<Message>, PCollection<Void>> {
  private final StreamConfig cfg;
  private final EarlierWindows earlier;
  private final WrittenPositions written;

  private StreamGraph(StreamConfig cfg, EarlierWindows earlier, WrittenPositions written) {
    this.cfg = cfg;
    this.earlier = earlier;
    this.written = written;
  }

  /** A graph whose output has no complete windows yet, or that resumes from its own state. */
  public static StreamGraph of(StreamConfig cfg) {
    return new StreamGraph(cfg, EarlierWindows.none(), WrittenPositions.none());
  }

  /**
   * A graph over an output where {@code earlier} runs completed windows (records of them are late) and drained runs
   * wrote every record up to {@code written} (those are skipped).
   */
  public static StreamGraph after(StreamConfig cfg, EarlierWindows earlier, WrittenPositions written) {
    return new StreamGraph(cfg, earlier, written);
  }

  /** The output folder, ending in {@code /}. */
  public static String outputFolder(StreamConfig cfg) {
    String p = cfg.output().path();
    return p.endsWith("/") ? p : p + "/";
  }

  /** Where the source finds a message's event time, or null for the broker's timestamp. */
  public static EventTimeField eventTimeField(StreamConfig cfg) {
    String name = cfg.window().eventTime();
    if (name == null) {
      return null;
    }
    if (cfg.format() == StreamConfig.MessageFormat.JSON) {
      return EventTimeField.json(name, cfg.encoding().charset());
    }
    return EventTimeField.csv(name, cfg.schema().indexOf(name), cfg.csv().delimiter(), cfg.csv().quote(), cfg.encoding().charset());
  }

  static MessageBatch.Spec batchSpec(StreamConfig cfg) {
    Preparation prep;
    try {
      prep = Preparation.of(cfg.schema(), cfg.prepare());
    } catch (Preparation.InvalidSetting e) {
      throw TrainsetException.config(e.key(), e.problem());
    }
    FileFormat lines;
    FileFormat whole;
    if (cfg.format() == StreamConfig.MessageFormat.JSON) {
      // A field outside the declared schema does not turn a message away: it is left out and counted per window.
      lines = JsonFormat.of(new JsonSettings(null, true), cfg.encoding()).withLimits(cfg.limits()).withExtraFieldsCounted();
      whole = JsonFormat.of(new JsonSettings(null, false), cfg.encoding()).withLimits(cfg.limits()).withExtraFieldsCounted();
    } else {
      lines = CsvFormat.of(cfg.csv(), cfg.encoding()).withLimits(cfg.limits());
      whole = lines;
    }
    Map<String, ColumnType> declared = new LinkedHashMap<>();
    cfg.schema().columns().forEach(c -> declared.put(c.name(), c.type()));
    SplitSettings s = cfg.split();
    RowSplitter splitter =
        s.method() == SplitMethod.NONE ? new Unsplit(SplitSettings.UNSPLIT) : new HashSplit(s.names(), s.fractions(), s.seed(), s.key());
    String eventTime = cfg.window().eventTime();
    return new MessageBatch.Spec(
        lines,
        whole,
        cfg.format() == StreamConfig.MessageFormat.JSON,
        cfg.schema(),
        prep,
        new ColumnRoles(cfg.prepare(), declared, null),
        new LabelClasses(prep, false),
        splitter,
        eventTime == null ? -1 : cfg.schema().indexOf(eventTime),
        cfg.window().allowedLateness().toMillis());
  }

  @Override
  public PCollection<Void> expand(PCollection<Message> messages) {
    MessageBatch.Spec spec = batchSpec(cfg);
    String out = outputFolder(cfg);
    WindowFiles.Spec files =
        new WindowFiles.Spec(
            out,
            spec.splitter().splits(),
            spec.preparation().output(),
            spec.preparation().hasLabel(),
            new RowWriters(cfg.output().formats(), cfg.output().compression(), cfg.output().rowGroupBytes(), cfg.output().textGzip()));
    return messages
        .apply("ParseMessages", ParDo.of(new ParseMessages(spec, spec.splitter().splits(), cfg.window().size(), earlier.closedBefore(), written)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StreamRecord.Coder.of()))
        .apply("WriteWindows", ParDo.of(new WriteWindows(files, cfg.window().size(), cfg.window().allowedLateness())))
        .setCoder(KvCoder.of(VarLongCoder.of(), SerializableCoder.of(WindowPart.class)))
        .apply(
            "FinishWindows",
            ParDo.of(
                new FinishWindows(
                    out, cfg.window().size(), cfg.window().allowedLateness(), SchemaJson.toJsonString(spec.preparation().output()),
                    cfg.split().method().name().toLowerCase(java.util.Locale.ROOT))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(WindowDone.class)))
        .apply("LatestWindows", ParDo.of(new LatestWindows(out, earlier.complete())));
  }
}
