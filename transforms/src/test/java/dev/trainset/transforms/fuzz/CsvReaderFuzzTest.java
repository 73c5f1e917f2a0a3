package dev.trainset.transforms.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.io.csv.CsvFormat;
import dev.trainset.transforms.parse.CsvSettings;
import java.io.IOException;

/** Fuzzes the CSV reader (FastCSV under trainset's dialect) for {@link ReadBothPasses}' property. */
class CsvReaderFuzzTest {
  private static final char[] DELIMITERS = {',', ';', '\t', '|'};
  private static final TextEncoding[] ENCODINGS = {TextEncoding.UTF_8, TextEncoding.LATIN_1, TextEncoding.UTF_16};

  @FuzzTest
  void bothPassesReadTheSameRecords(FuzzedDataProvider data) throws IOException {
    CsvSettings s = CsvSettings.defaults().withDelimiter(data.pickValue(DELIMITERS)).withHeader(data.consumeBoolean());
    s = new CsvSettings(s.delimiter(), data.consumeBoolean() ? '"' : '\'', s.header(), s.columnNames(), s.missing(), data.consumeBoolean());
    ReadBothPasses.check(CsvFormat.of(s, data.pickValue(ENCODINGS)), data);
  }
}
