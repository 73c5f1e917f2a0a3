package dev.trainset.transforms.io;

import java.util.Locale;

/** Training-set file formats: configuration name, folder name under each split, file extension and content type. */
public enum OutputFormat {
  /** Parquet, label first. */
  PARQUET("parquet", "parquet", ".parquet", "application/x-parquet"),
  /** Headerless CSV, label first, every value numeric: what SageMaker's built-in algorithms read. */
  SAGEMAKER_CSV("sagemaker-csv", "csv", ".csv", "text/csv"),
  /**
   * {@link #SAGEMAKER_CSV} without the label: what a SageMaker batch transform or endpoint takes. Each file holds, line
   * for line, the rows of the file of the same name in the split's other formats.
   */
  FEATURES_CSV("features-csv", "features", ".csv", "text/csv"),
  /** One JSON object per line. */
  JSONL("jsonl", "jsonl", ".jsonl", "application/jsonlines");

  private final String configName;
  private final String folder;
  private final String extension;
  private final String contentType;

  OutputFormat(String configName, String folder, String extension, String contentType) {
    this.configName = configName;
    this.folder = folder;
    this.extension = extension;
    this.contentType = contentType;
  }

  public String configName() {
    return configName;
  }

  public String folder() {
    return folder;
  }

  public String extension() {
    return extension;
  }

  public String contentType() {
    return contentType;
  }

  /** Parses a configuration name ({@code sagemaker-csv}); null when unknown. */
  public static OutputFormat parse(String name) {
    for (OutputFormat f : values()) {
      if (f.configName.equals(name.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    return null;
  }
}
