package dev.trainset.launcher.storage;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Beam's S3 client (endpoint, region, the default credential chain), with path-style addressing when
 * {@code storage.s3.pathStyle} is set, and without aws-chunked uploads on a custom endpoint: S3-compatible stores
 * differ in how they take them (components.md §2), and plain signed uploads work on all of them.
 */
public final class S3Clients implements S3ClientBuilderFactory {
  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    S3ClientBuilder builder = new DefaultS3ClientBuilderFactory().createBuilder(options);
    boolean pathStyle = options.as(StorageOptions.class).getS3PathStyle();
    if (pathStyle || options.getEndpoint() != null) {
      builder.serviceConfiguration(
          S3Configuration.builder().pathStyleAccessEnabled(pathStyle).chunkedEncodingEnabled(options.getEndpoint() == null).build());
    }
    return builder;
  }
}
