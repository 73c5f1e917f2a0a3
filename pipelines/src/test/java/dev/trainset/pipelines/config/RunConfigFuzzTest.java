package dev.trainset.pipelines.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the configuration binder on YAML text (seeded with the example run files): a document either binds to a
 * {@link RunConfig} or is refused with a {@link TrainsetException} whose message is one line; any other exception is a
 * bug. YAML that does not parse is the loader's error (ConfigLoader turns it into one line), not the binder's.
 */
class RunConfigFuzzTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @FuzzTest
  void bindsOrRefusesInOneLine(byte[] input) {
    JsonNode tree;
    try {
      tree = YAML.readTree(new String(input, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      return;
    }
    if (tree == null || !tree.isObject()) {
      return;
    }
    try {
      RunConfig.from(tree);
    } catch (TrainsetException e) {
      if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
        throw new AssertionError("a config error that is not one line: " + e.getMessage());
      }
    }
  }
}
