package dev.trainset.launcher.stream;

import dev.trainset.pipelines.config.StreamConfig;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/** The launcher's own Kinesis client (checks, schema samples): the source's region and endpoint, the AWS default chain. */
public final class KinesisClients {
  private KinesisClients() {}

  /**
   * Kinesis answers in JSON rather than CBOR for every client in this process (the job's readers too, on embedded Flink):
   * the service speaks both, and kinesalite and other stand-ins only JSON. A cluster's TaskManagers need {@code
   * CBOR_ENABLED=false} in their environment for such endpoints (README).
   */
  public static void useJson() {
    System.setProperty("aws.cborEnabled", "false");
  }

  public static KinesisClient of(StreamConfig.Kinesis kinesis) {
    useJson();
    KinesisClientBuilder b =
        KinesisClient.builder().region(Region.of(kinesis.region())).credentialsProvider(DefaultCredentialsProvider.create());
    if (kinesis.endpoint() != null) {
      b.endpointOverride(URI.create(kinesis.endpoint()));
    }
    return b.build();
  }
}
