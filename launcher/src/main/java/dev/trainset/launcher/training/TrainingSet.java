package dev.trainset.launcher.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A finished training set, as its manifest describes it: the only thing the training step reads, so a scheduler can
 * run ingestion and training as separate tasks.
 *
 * @param root the folder, ending with {@code /}
 * @param sha256 of the manifest's bytes (a tag on the job, and part of its name)
 */
public record TrainingSet(String root, JsonNode manifest, String sha256) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads {@code manifest.json} of a folder (or the manifest's own URI); the folder must hold {@code _SUCCESS}. */
  public static TrainingSet read(String uri) {
    String folder = uri.endsWith("/" + OutputDir.MANIFEST) ? uri.substring(0, uri.length() - OutputDir.MANIFEST.length()) : uri;
    OutputDir dir = OutputDir.of(folder);
    if (!dir.exists(OutputDir.MANIFEST)) {
      throw TrainsetException.data("--manifest '" + uri + "': no " + OutputDir.MANIFEST + " in " + dir.root());
    }
    if (!dir.exists(OutputDir.SUCCESS)) {
      throw TrainsetException.data(
          "--manifest '" + uri + "': " + dir.root() + " has no " + OutputDir.SUCCESS + ": the run that wrote it did not finish");
    }
    try {
      String text = dir.read(OutputDir.MANIFEST);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
      return new TrainingSet(dir.root(), JSON.readTree(text), sha);
    } catch (IOException e) {
      throw TrainsetException.data("--manifest '" + uri + "': cannot read it (" + e.getMessage() + ")");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String runId() {
    return manifest.path("runId").asText();
  }

  /** The label column's name as written (the Parquet name where it differs), or null. */
  public String label() {
    JsonNode l = manifest.path("columns").path("label");
    if (l.isMissingNode() || l.isNull()) {
      return null;
    }
    for (JsonNode c : manifest.path("columns").path("output")) {
      if (c.path("name").asText().equals(l.asText()) && c.has("parquetName")) {
        return c.get("parquetName").asText();
      }
    }
    return l.asText();
  }

  public List<String> splits() {
    List<String> out = new ArrayList<>();
    manifest.path("splits").fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The output of a split in a format ({@code sagemaker-csv}, {@code parquet}, {@code mltable}), or null. */
  public JsonNode output(String split, String format) {
    for (JsonNode o : manifest.path("splits").path(split).path("outputs")) {
      if (o.path("format").asText().equals(format)) {
        return o;
      }
    }
    return null;
  }

  /** The written columns with their types. */
  public JsonNode columns() {
    return manifest.path("columns").path("output");
  }
}
