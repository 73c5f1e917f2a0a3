package dev.trainset.launcher.storage;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.azure.options.BlobstoreOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * Beam's S3 and Azure blob options, plus what Beam lacks. They travel with the pipeline to every worker, so they hold
 * no secrets: each worker takes its credentials from its own environment (see {@link AzureClients}).
 */
public interface StorageOptions extends S3Options, BlobstoreOptions {
  @Description("Address S3 buckets as endpoint/bucket (most S3-compatible stores need it with a host-name endpoint).")
  @Default.Boolean(false)
  boolean getS3PathStyle();

  void setS3PathStyle(boolean value);
}
