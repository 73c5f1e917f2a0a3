package dev.trainset.transforms.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.io.arff.ArffFormat;
import java.io.IOException;

/**
 * Fuzzes trainset's own ARFF parser for {@link ReadBothPasses}' property; the schema is the header's (declared), and
 * a header it cannot read is a documented error (an IOException).
 */
class ArffReaderFuzzTest {
  @FuzzTest
  void bothPassesReadTheSameRecords(FuzzedDataProvider data) throws IOException {
    TextEncoding encoding = data.consumeBoolean() ? TextEncoding.UTF_8 : TextEncoding.LATIN_1;
    ReadBothPasses.check(ArffFormat.of(encoding), data);
  }
}
