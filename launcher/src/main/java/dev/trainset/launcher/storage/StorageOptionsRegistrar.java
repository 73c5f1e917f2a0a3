package dev.trainset.launcher.storage;

import java.util.List;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.azure.options.BlobstoreOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/**
 * Registers {@link StorageOptions} and {@link S3Options} (Beam's own registrar registers only {@code AwsOptions}, so
 * {@code --s3ClientFactoryClass} would otherwise be an unknown flag).
 */
public final class StorageOptionsRegistrar implements PipelineOptionsRegistrar {
  @Override
  public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
    return List.of(S3Options.class, BlobstoreOptions.class, StorageOptions.class);
  }
}
