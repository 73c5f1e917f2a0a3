package dev.trainset.pipelines.stream;

import dev.trainset.pipelines.config.StreamConfig;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.FileSlice;
import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.io.SliceInput;
import dev.trainset.transforms.io.json.JsonFormat;
import dev.trainset.transforms.io.stream.Message;
import dev.trainset.transforms.parse.JsonSettings;
import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.SchemaAccumulator;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.util.List;

/**
 * A stream's schema inferred from its first messages ({@code schema.inferFrom}), as a batch run infers one from its
 * input: each message is one JSON object read by the batch reader (nested fields named {@code a.b}), and a column's
 * type is the narrowest that holds every value seen. A message that is not a JSON object adds nothing (the run rejects
 * it when it reads it).
 */
public final class SchemaSample {
  private SchemaSample() {}

  public static TableSchema infer(List<Message> messages, StreamConfig cfg) {
    JsonFormat whole = JsonFormat.of(new JsonSettings(null, false), cfg.encoding()).withLimits(cfg.limits());
    SchemaAccumulator acc = new SchemaAccumulator();
    for (Message m : messages) {
      String source = m.position().toString();
      try (SliceInput in = SliceInput.of(m.payload(), m.payload().length, source);
          RecordSource r = whole.open(FileSlice.whole(0, source), in, null)) {
        KindCounter kinds = new KindCounter();
        if (r.next() && !r.isBad()) {
          r.countKinds(kinds, r.position());
          kinds.into(acc, source, r.names());
        }
      } catch (IOException | RuntimeException e) {
        // not one JSON object: left for the run to reject
      }
    }
    TableSchema schema = acc.records() == 0 ? null : acc.toSchema(true);
    if (schema == null || schema.names().isEmpty()) {
      throw TrainsetException.data(
          "none of the first " + messages.size() + " messages is a JSON object with fields to infer the schema from; declare schema.columns");
    }
    return schema;
  }
}
