package dev.trainset.transforms.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.coders.SummaryCoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * The most frequent rejection reasons, for the report: reasons are grouped by pattern (quoted values become '…',
 * digits N, so "line 12" and "line 13" count together), with one example each. Outputs one JSON line {@code
 * {"kind":"reasons","top":[{"reason":…,"example":…,"count":…}]}} (none when nothing was rejected).
 */
public final class CountReasons extends PTransform<PCollection<RejectedRecord>, PCollection<String>> {
  public static final int TOP = 10;
  private static final int MAX_PATTERNS = 1_000;

  public static CountReasons create() {
    return new CountReasons();
  }

  @Override
  public PCollection<String> expand(PCollection<RejectedRecord> rejected) {
    return rejected
        .apply("CountPatterns", Combine.globally(new PatternsFn()).withoutDefaults())
        .apply("ToJson", ParDo.of(new ToJsonFn()))
        .setCoder(StringUtf8Coder.of());
  }

  static String pattern(String reason) {
    return reason.replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N");
  }

  /** pattern → {count, example}; capped, keeping the most frequent patterns. */
  static final class PatternsFn extends Combine.CombineFn<RejectedRecord, HashMap<String, Object[]>, HashMap<String, Object[]>> {
    @Override
    public HashMap<String, Object[]> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<String, Object[]> addInput(HashMap<String, Object[]> acc, RejectedRecord r) {
      add(acc, pattern(r.reason()), 1, r.reason());
      return acc;
    }

    private static void add(HashMap<String, Object[]> acc, String pattern, long n, String example) {
      Object[] v = acc.get(pattern);
      if (v == null) {
        acc.put(pattern, new Object[] {n, example});
      } else {
        v[0] = (Long) v[0] + n;
        if (example.compareTo((String) v[1]) < 0) {
          v[1] = example; // the smallest example, so the result does not depend on the order
        }
      }
      if (acc.size() > MAX_PATTERNS) {
        List<Map.Entry<String, Object[]>> e = sorted(acc);
        acc.clear();
        e.subList(0, MAX_PATTERNS / 2).forEach(x -> acc.put(x.getKey(), x.getValue()));
      }
    }

    @Override
    public HashMap<String, Object[]> mergeAccumulators(Iterable<HashMap<String, Object[]>> accs) {
      HashMap<String, Object[]> out = new HashMap<>();
      for (HashMap<String, Object[]> a : accs) {
        a.forEach((k, v) -> add(out, k, (Long) v[0], (String) v[1]));
      }
      return out;
    }

    @Override
    public HashMap<String, Object[]> extractOutput(HashMap<String, Object[]> acc) {
      return acc;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<HashMap<String, Object[]>> getAccumulatorCoder(CoderRegistry r, Coder<RejectedRecord> in) {
      return (Coder) SummaryCoder.of(HashMap.class);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<HashMap<String, Object[]>> getDefaultOutputCoder(CoderRegistry r, Coder<RejectedRecord> in) {
      return (Coder) SummaryCoder.of(HashMap.class);
    }
  }

  static List<Map.Entry<String, Object[]>> sorted(Map<String, Object[]> m) {
    List<Map.Entry<String, Object[]>> e = new ArrayList<>(m.entrySet());
    e.sort(
        (x, y) -> {
          int c = Long.compare((Long) y.getValue()[0], (Long) x.getValue()[0]);
          return c != 0 ? c : x.getKey().compareTo(y.getKey());
        });
    return e;
  }

  static final class ToJsonFn extends DoFn<HashMap<String, Object[]>, String> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ProcessElement
    public void process(@Element HashMap<String, Object[]> acc, OutputReceiver<String> out) {
      ObjectNode n = MAPPER.createObjectNode();
      n.put("kind", "reasons");
      var top = n.putArray("top");
      List<Map.Entry<String, Object[]>> e = sorted(acc);
      for (int i = 0; i < Math.min(TOP, e.size()); i++) {
        top.addObject()
            .put("reason", e.get(i).getKey())
            .put("example", (String) e.get(i).getValue()[1])
            .put("count", (Long) e.get(i).getValue()[0]);
      }
      out.output(n.toString());
    }
  }
}
