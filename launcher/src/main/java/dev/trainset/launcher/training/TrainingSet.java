package dev.trainset.launcher.training;

import dev.trainset.pipelines.batch.Manifest;
import dev.trainset.pipelines.batch.OutputDir;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.Sha256;
import java.io.IOException;
import java.util.List;

/**
 * A finished training set, as its manifest describes it: the only thing the training step reads, so a scheduler can
 * run ingestion and training as separate tasks.
 *
 * @param root the folder, ending with {@code /}
 * @param sha256 of the manifest's bytes (a tag on the job, and part of its name)
 */
public record TrainingSet(String root, Manifest manifest, String sha256) {
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
      String sha = Sha256.hex(text);
      return new TrainingSet(dir.root(), Manifest.parse(text), sha);
    } catch (IOException e) {
      throw TrainsetException.data("--manifest '" + uri + "': cannot read it (" + e.getMessage() + ")");
    }
  }

  public String runId() {
    return manifest.runId();
  }

  /** The label column's name (Parquet keeps it as it is), or null. */
  public String label() {
    return manifest.columns().label();
  }

  public List<String> splits() {
    return manifest.splitNames();
  }

  /** The output of a split in a format ({@code sagemaker-csv}, {@code parquet}, {@code mltable}), or null. */
  public Manifest.Output output(String split, String format) {
    return manifest.output(split, format);
  }

  /** The written columns with their types. */
  public List<Manifest.Column> columns() {
    return manifest.columns().output();
  }
}
