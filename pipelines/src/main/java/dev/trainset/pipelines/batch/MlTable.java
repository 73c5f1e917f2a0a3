package dev.trainset.pipelines.batch;

/** Azure ML's {@code MLTable} file over the Parquet files of one split (paths relative to the split's folder). */
public final class MlTable {
  public static final String FILE = "MLTable";

  private MlTable() {}

  public static String over(String parquetFolder) {
    return "$schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json\n"
        + "type: mltable\n"
        + "paths:\n"
        + "  - pattern: ./" + parquetFolder + "/*.parquet\n"
        + "transformations:\n"
        + "  - read_parquet:\n"
        + "      include_path_column: false\n";
  }
}
