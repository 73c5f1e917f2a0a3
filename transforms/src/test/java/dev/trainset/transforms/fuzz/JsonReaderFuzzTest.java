package dev.trainset.transforms.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.io.json.JsonFormat;
import dev.trainset.transforms.parse.JsonSettings;
import java.io.IOException;

/** Fuzzes the JSON reader (JSON Lines, a top-level array, records under a path) for {@link ReadBothPasses}' property. */
class JsonReaderFuzzTest {
  private static final JsonSettings[] LAYOUTS = {
    new JsonSettings(null, true), new JsonSettings(null, false), new JsonSettings("features", false), new JsonSettings("a.b", false)
  };

  @FuzzTest
  void bothPassesReadTheSameRecords(FuzzedDataProvider data) throws IOException {
    TextEncoding encoding = data.consumeBoolean() ? TextEncoding.UTF_8 : TextEncoding.UTF_16;
    ReadBothPasses.check(JsonFormat.of(data.pickValue(LAYOUTS), encoding), data);
  }
}
