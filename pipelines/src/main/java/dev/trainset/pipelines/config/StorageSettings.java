package dev.trainset.pipelines.config;

/**
 * Where the object stores are and how to reach them (the {@code storage} section). Credentials are never part of it:
 * they come from the standard places (the AWS default chain; for Azure {@code AZURE_STORAGE_CONNECTION_STRING},
 * {@code AZURE_STORAGE_KEY}, {@code AZURE_STORAGE_SAS_TOKEN} or {@code DefaultAzureCredential}).
 *
 * @param s3Region the AWS region, or null for the default chain's ({@code AWS_REGION}, the profile)
 * @param s3Endpoint an S3-compatible endpoint ({@code http://127.0.0.1:9090}), or null for AWS
 * @param s3PathStyle address buckets as {@code endpoint/bucket} instead of {@code bucket.endpoint}
 * @param azureEndpoint the blob endpoint ({@code http://127.0.0.1:10000/devstoreaccount1} for Azurite), or null for
 *     {@code https://<account>.blob.core.windows.net}
 */
public record StorageSettings(String s3Region, String s3Endpoint, boolean s3PathStyle, String azureEndpoint) {
  public static final StorageSettings DEFAULTS = new StorageSettings(null, null, false, null);

  /**
   * The {@code storage} section of a configuration tree, for commands that need only it ({@code trainset export});
   * other top-level keys are ignored.
   */
  public static StorageSettings fromTree(com.fasterxml.jackson.databind.JsonNode root) {
    return from(ConfigNode.root(root).object("storage"));
  }

  static StorageSettings from(ConfigNode storage) {
    ConfigNode s3 = storage.allowOnly("s3", "azure").object("s3").allowOnly("region", "endpoint", "pathStyle");
    ConfigNode azure = storage.object("azure").allowOnly("endpoint");
    return new StorageSettings(
        s3.string("region", null),
        url(s3, "endpoint"),
        s3.bool("pathStyle", false),
        url(azure, "endpoint"));
  }

  private static String url(ConfigNode node, String name) {
    String v = node.string(name, null);
    if (v == null) {
      return null;
    }
    String t = v.trim();
    if (!t.startsWith("http://") && !t.startsWith("https://")) {
      throw TrainsetException.config(node.key() + "." + name, "expected an http:// or https:// URL, got '" + t + "'");
    }
    return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }
}
