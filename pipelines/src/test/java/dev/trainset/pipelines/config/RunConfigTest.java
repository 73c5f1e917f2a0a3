package dev.trainset.pipelines.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trainset.transforms.io.parquet.ParquetRowWriter.Codec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.ReadLimits;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class RunConfigTest {
  private static RunConfig parse(String yaml) throws Exception {
    return RunConfig.from(new ObjectMapper(new YAMLFactory()).readTree(yaml));
  }

  private static String error(String yaml) {
    return assertThrows(TrainsetException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  public void givenTheDocumentedExample_bindsEveryKey() throws Exception {
    RunConfig c =
        parse(
            "input:\n  path: data/column_2C_weka.arff\n  format: arff\n"
                + "  csv: {delimiter: \";\", header: false, quote: \"'\", missing: [\"\", \"-\"], columns: [a, b]}\n"
                + "  json: {recordsPath: features}\n"
                + "schema: {inference: sample, sampleRows: 500, columns: {age: double, n: int}}\n"
                + "output: {path: out/v, formats: [parquet], compression: zstd, rowGroupSize: 16MB}\n"
                + "maxRejectedFraction: 0.05\n");
    assertEquals("data/column_2C_weka.arff", c.input().path());
    assertEquals(RunConfig.Format.ARFF, c.input().format());
    assertEquals(Character.valueOf(';'), c.input().csv().delimiter());
    assertEquals(false, c.input().csv().header());
    assertEquals('\'', c.input().csv().quote());
    assertEquals(java.util.Set.of("", "-"), c.input().csv().missing());
    assertEquals(List.of("a", "b"), c.input().csv().columnNames());
    assertEquals("features", c.input().json().recordsPath());
    assertEquals(RunConfig.Inference.SAMPLE, c.schema().inference());
    assertEquals(500, c.schema().sampleRows());
    assertEquals(Map.of("age", ColumnType.DOUBLE, "n", ColumnType.LONG), c.schema().columns());
    assertEquals(Codec.ZSTD, c.output().compression());
    assertEquals(16L * 1024 * 1024, c.output().rowGroupBytes());
    assertEquals(0.05, c.maxRejectedFraction(), 0);
  }

  @Test
  public void givenOnlyPaths_usesTheDefaults() throws Exception {
    RunConfig c = parse("input: {path: in.csv}\noutput: {path: out}\n");
    assertNull(c.input().format());
    assertNull(c.input().csv().delimiter()); // sniffed
    assertEquals(java.util.Set.of("", "?", "NA", "null"), c.input().csv().missing());
    assertEquals(RunConfig.Inference.FULL, c.schema().inference());
    assertEquals(Codec.SNAPPY, c.output().compression());
    assertEquals(0.01, c.maxRejectedFraction(), 0);
  }

  @Test
  public void errorsNameTheKeyAndWhatWasExpected() {
    assertEquals("config key 'input.path': is required", error("output: {path: o}\n"));
    assertEquals("config key 'output.path': is required", error("input: {path: i}\n"));
    assertEquals(
        "config key 'output.compression': expected one of snappy, zstd, gzip, none, got 'lz4'",
        error("input: {path: i}\noutput: {path: o, compression: lz4}\n"));
    assertEquals(
        "config key 'input.format': expected one of csv, arff, json, jsonl, got 'xlsx'",
        error("input: {path: i, format: xlsx}\noutput: {path: o}\n"));
    assertEquals(
        "config key 'maxRejectedFraction': expected a number between 0 and 1, got 1.5",
        error("input: {path: i}\noutput: {path: o}\nmaxRejectedFraction: 1.5\n"));
    assertEquals(
        "config key 'input.csv.delimiter': expected one character such as , ; | or tab (or auto), got ', '",
        error("input: {path: i, csv: {delimiter: \", \"}}\noutput: {path: o}\n"));
    assertEquals(
        "config key 'schema.columns.age': unknown column type 'decimal' (expected boolean, long, double, timestamp or string)",
        error("input: {path: i}\nschema: {columns: {age: decimal}}\noutput: {path: o}\n"));
    assertEquals(
        "config key 'output.formats': unknown format 'orc' (expected parquet, sagemaker-csv, features-csv, jsonl or mltable)",
        error("input: {path: i}\noutput: {path: o, formats: [orc]}\n"));
  }

  @Test
  public void givenATypo_failsInsteadOfIgnoringIt() {
    assertEquals(
        "config key 'output.compresion': unknown key (known keys here: compression, formats, oneHot, ordinal, path, rowGroupSize, textCompression)",
        error("input: {path: i}\noutput: {path: o, compresion: zstd}\n"));
    assertEquals(
        "config key 'inptu': unknown key (known keys here: columns, evaluate, input, label, maxRejectedFraction, missing, output, schema, split, storage, train)",
        error("inptu: {path: i}\n"));
  }

  @Test
  public void maskedConfigHidesSecretLookingValues() throws Exception {
    com.fasterxml.jackson.databind.JsonNode masked =
        RunConfig.mask(new ObjectMapper(new YAMLFactory()).readTree("a: {accessKey: AKIA123, sasToken: s, name: ok, list: [{password: p}]}\n"));
    assertEquals("{\"a\":{\"accessKey\":\"***\",\"sasToken\":\"***\",\"name\":\"ok\",\"list\":[{\"password\":\"***\"}]}}", masked.toString());
  }

  @Test
  public void givenInputLimits_bindsEachKey_andDefaultsTheRest() throws Exception {
    RunConfig c =
        parse(
            "input:\n  path: in.csv\n  limits: {columns: 50, inflation: 0, recordChars: 4096, fieldChars: 1024,"
                + " jsonDepth: 8, jsonStringChars: 2000, jsonNumberChars: 30}\noutput: {path: out}\n");
    assertEquals(new ReadLimits(50, 0, 4096, 1024, 8, 2000, 30), c.input().limits());
    assertEquals(ReadLimits.DEFAULTS, parse("input: {path: in.csv}\noutput: {path: out}\n").input().limits());
    assertEquals(
        ReadLimits.DEFAULTS.withRecordChars(100),
        parse("input: {path: in.csv, limits: {recordChars: 100}}\noutput: {path: out}\n").input().limits());
  }

  @Test
  public void givenALimitOutOfItsRange_namesTheKeyAndTheBound() {
    assertEquals(
        "config key 'input.limits.fieldChars': expected a number <= 16777216, got 16777217",
        error("input: {path: i, limits: {fieldChars: 16777217}}\noutput: {path: o}\n"));
    assertEquals(
        "config key 'input.limits.recordChars': expected a number >= 1, got 0",
        error("input: {path: i, limits: {recordChars: 0}}\noutput: {path: o}\n"));
    assertEquals(
        "config key 'input.limits.maxDepth': unknown key (known keys here: columns, fieldChars, inflation, jsonDepth,"
            + " jsonNumberChars, jsonStringChars, recordChars)",
        error("input: {path: i, limits: {maxDepth: 3}}\noutput: {path: o}\n"));
  }

  @Test
  public void givenAValueWithLineBreaks_theErrorStaysOneLine() {
    // Found by fuzzing (RunConfigFuzzTest): the error quoted the value with its line breaks, so it printed as several.
    assertEquals(
        "config key 'input': expected a mapping of keys, got 'a\\nb\\tc\\u001b'",
        error("input: \"a\\nb\\tc\\e\"\noutput: {path: o}\n"));
  }
}
