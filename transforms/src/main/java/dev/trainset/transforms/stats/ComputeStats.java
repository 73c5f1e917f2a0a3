package dev.trainset.transforms.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.coders.SummaryCoder;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.schema.SchemaJson;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * {@link TableStats} per split, by a combine (partial statistics per bundle, merged per split: no row moves). Outputs
 * one JSON object per split: {@code {"kind":"stats","split":"train",…}}.
 */
public final class ComputeStats extends PTransform<PCollection<KV<Integer, Row>>, PCollection<String>> {
  private final List<String> splits;
  private final String schemaJson;
  private final boolean hasLabel;

  private ComputeStats(List<String> splits, TableSchema schema, boolean hasLabel) {
    this.splits = List.copyOf(splits);
    this.schemaJson = SchemaJson.toJsonString(schema);
    this.hasLabel = hasLabel;
  }

  public static ComputeStats of(List<String> splits, TableSchema schema, boolean hasLabel) {
    return new ComputeStats(splits, schema, hasLabel);
  }

  @Override
  public PCollection<String> expand(PCollection<KV<Integer, Row>> rows) {
    int columns = SchemaJson.fromJsonString(schemaJson).size();
    return rows.apply("PerSplit", Combine.perKey(new StatsFn(columns, hasLabel)))
        .apply("ToJson", ParDo.of(new ToJsonFn(splits, schemaJson)))
        .setCoder(StringUtf8Coder.of());
  }

  static final class StatsFn extends Combine.CombineFn<Row, TableStats, TableStats> {
    private final int columns;
    private final boolean hasLabel;

    StatsFn(int columns, boolean hasLabel) {
      this.columns = columns;
      this.hasLabel = hasLabel;
    }

    @Override
    public TableStats createAccumulator() {
      return new TableStats(columns, hasLabel);
    }

    @Override
    public TableStats addInput(TableStats acc, Row row) {
      acc.add(row);
      return acc;
    }

    @Override
    public TableStats mergeAccumulators(Iterable<TableStats> accs) {
      TableStats out = createAccumulator();
      for (TableStats a : accs) {
        out.merge(a);
      }
      return out;
    }

    @Override
    public TableStats extractOutput(TableStats acc) {
      return acc;
    }

    @Override
    public Coder<TableStats> getAccumulatorCoder(CoderRegistry r, Coder<Row> in) {
      return SummaryCoder.of(TableStats.class);
    }

    @Override
    public Coder<TableStats> getDefaultOutputCoder(CoderRegistry r, Coder<Row> in) {
      return SummaryCoder.of(TableStats.class);
    }
  }

  static final class ToJsonFn extends DoFn<KV<Integer, TableStats>, String> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final List<String> splits;
    private final String schemaJson;

    ToJsonFn(List<String> splits, String schemaJson) {
      this.splits = splits;
      this.schemaJson = schemaJson;
    }

    @ProcessElement
    public void process(@Element KV<Integer, TableStats> e, OutputReceiver<String> out) {
      ObjectNode n = MAPPER.createObjectNode();
      n.put("kind", "stats");
      n.put("split", splits.get(e.getKey()));
      n.setAll(e.getValue().toJson(SchemaJson.fromJsonString(schemaJson), MAPPER));
      out.output(n.toString());
    }
  }
}
