package dev.trainset.launcher.storage;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.trainset.pipelines.config.StoragePaths;
import dev.trainset.pipelines.config.StorageSettings;
import dev.trainset.pipelines.config.TrainsetException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.azure.options.BlobstoreOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3 and Azure storage for a run: the Beam options that point Beam's file systems at the configured stores (no
 * secrets among them), and a check, before anything is read or written, that each remote location can be reached
 * with the credentials at hand. Each failure is one line that names the location, the store and the problem.
 */
public final class Storage {
  /** Without a region anywhere, an S3-compatible endpoint is addressed as this one (such stores ignore it). */
  static final String ENDPOINT_DEFAULT_REGION = "us-east-1";

  private Storage() {}

  /** Beam flags for the stores these paths use; {@link dev.trainset.launcher.BeamOptions} puts the user's flags after them. */
  public static List<String> beamArgs(StorageSettings s, Collection<String> paths) {
    List<String> args = new ArrayList<>();
    args.add("--s3ClientFactoryClass=" + S3Clients.class.getName());
    args.add("--blobstoreClientFactoryClass=" + AzureClients.class.getName());
    boolean s3 = paths.stream().anyMatch(p -> StoragePaths.store(p) == StoragePaths.Store.S3);
    if (s.s3Region() != null) {
      args.add("--awsRegion=" + s.s3Region());
    } else if (s3) {
      String chain = chainRegion();
      if (chain != null) {
        args.add("--awsRegion=" + chain);
      } else if (s.s3Endpoint() != null) {
        args.add("--awsRegion=" + ENDPOINT_DEFAULT_REGION);
      }
    } else {
      // No S3 path: Beam still makes its S3 file system with the options, and without a region it asks the EC2
      // instance metadata service for one, which off EC2 costs about 2 s of retries. Any region will do for a client
      // that is never used.
      args.add("--awsRegion=" + ENDPOINT_DEFAULT_REGION);
    }
    if (s.s3Endpoint() != null) {
      args.add("--endpoint=" + s.s3Endpoint());
    }
    if (s.s3PathStyle()) {
      args.add("--s3PathStyle=true");
    }
    Set<String> accounts = new TreeSet<>();
    for (String p : paths) {
      if (StoragePaths.store(p) == StoragePaths.Store.AZURE) {
        accounts.add(StoragePaths.first(p));
      }
    }
    if (accounts.size() > 1) {
      throw TrainsetException.config(
          "storage.azure", "a run reaches one Azure storage account, and these paths name " + String.join(" and ", accounts));
    }
    if (!accounts.isEmpty()) {
      args.add("--accountName=" + accounts.iterator().next());
    }
    if (s.azureEndpoint() != null) {
      args.add("--blobServiceEndpoint=" + s.azureEndpoint());
    }
    return args;
  }

  private static String chainRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion().id();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Checks that a location can be listed: the bucket or container exists and the credentials are accepted.
   *
   * @param key the config key the path came from (named in errors)
   * @param input whether the run reads from it (a missing bucket is then a data error, exit 3; else exit 2)
   */
  public static void check(PipelineOptions options, String key, String path, boolean input) {
    switch (StoragePaths.store(path)) {
      case S3 -> checkS3(options.as(S3Options.class), key, path, input);
      case AZURE -> checkAzure(options.as(BlobstoreOptions.class), key, path, input);
      default -> {}
    }
  }

  private static void checkS3(S3Options o, String key, String path, boolean input) {
    String bucket = StoragePaths.first(path);
    String store = o.getEndpoint() != null ? "the S3 endpoint " + o.getEndpoint() : "AWS S3";
    if (o.getAwsRegion() == null) {
      throw TrainsetException.config(
          "storage.s3.region", "no AWS region for " + path + ": set storage.s3.region, AWS_REGION or a profile's region");
    }
    S3Client client =
        new S3Clients()
            .createBuilder(o)
            .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(30)))
            .build();
    try (client) {
      client.listObjectsV2(r -> r.bucket(bucket).prefix(listPrefix(path, 2)).maxKeys(1));
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if ("NoSuchBucket".equals(code) || e.statusCode() == 404) {
        throw missing(key, path, "bucket '" + bucket + "' does not exist at " + store, input);
      }
      if (e.statusCode() == 403 || e.statusCode() == 401) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            key + " '" + path + "': " + store + " refused the AWS credentials from the default chain (" + code
                + "); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the instance role");
      }
      throw new TrainsetException(
          TrainsetException.USAGE, key + " '" + path + "': " + store + " answered " + e.statusCode() + " " + code);
    } catch (SdkClientException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("Unable to load credentials")) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            key + " '" + path + "': no AWS credentials found (the default chain looks at AWS_ACCESS_KEY_ID / "
                + "AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, and the instance or task role)");
      }
      throw new TrainsetException(
          TrainsetException.USAGE, key + " '" + path + "': cannot reach " + store + " (" + rootCause(e) + ")");
    }
  }

  private static void checkAzure(BlobstoreOptions o, String key, String path, boolean input) {
    String account = StoragePaths.first(path);
    String container = StoragePaths.container(path);
    if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
      throw TrainsetException.config(
          key, "'" + path + "': '" + container + "' is not a valid container name (3 to 63 lower-case letters, digits"
              + " and single hyphens; expected azfs://account/container/path)");
    }
    String store = "Azure storage account '" + account + "'"
        + (o.getBlobServiceEndpoint() != null ? " at " + o.getBlobServiceEndpoint() : "");
    String credential = AzureClients.credentialSource(o, System.getenv());
    try {
      BlobContainerClient c =
          AzureClients.builder(o, System.getenv())
              .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, 30, null, null, null))
              .buildClient()
              .getBlobContainerClient(container);
      if (!c.exists()) {
        throw missing(key, path, "container '" + container + "' does not exist in " + store
            + " (trainset does not create containers)", input);
      }
      if (!input && !AzureClients.canCopy(o, System.getenv())) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            key + " '" + path + "': writing to Azure storage needs " + AzureClients.ACCOUNT_KEY + ", "
                + AzureClients.SAS_TOKEN + " or " + AzureClients.CONNECTION_STRING
                + " (Beam's Azure file system finishes each file with a server-side copy that a DefaultAzureCredential"
                + " token cannot authorize); reading works with DefaultAzureCredential");
      }
      c.listBlobs(new ListBlobsOptions().setPrefix(listPrefix(path, 3)).setMaxResultsPerPage(1), Duration.ofSeconds(30))
          .iterator()
          .hasNext();
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 403 || e.getStatusCode() == 401) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            key + " '" + path + "': " + store + " refused " + credential + " (" + e.getErrorCode() + ")");
      }
      throw new TrainsetException(
          TrainsetException.USAGE, key + " '" + path + "': " + store + " answered " + e.getStatusCode() + " " + e.getErrorCode());
    } catch (ClientAuthenticationException e) {
      throw new TrainsetException(
          TrainsetException.USAGE,
          key + " '" + path + "': no Azure credentials: set " + AzureClients.CONNECTION_STRING + ", "
              + AzureClients.ACCOUNT_KEY + " or " + AzureClients.SAS_TOKEN + ", or sign in for DefaultAzureCredential ("
              + firstLine(e.getMessage()) + ")");
    } catch (TrainsetException e) {
      throw e;
    } catch (RuntimeException e) {
      String cause = rootCause(e);
      if (cause.contains("requires https")) {
        throw new TrainsetException(
            TrainsetException.USAGE,
            key + " '" + path + "': " + store + " is plain http, where DefaultAzureCredential's tokens are refused; set "
                + AzureClients.CONNECTION_STRING + " or " + AzureClients.ACCOUNT_KEY);
      }
      throw new TrainsetException(TrainsetException.USAGE, key + " '" + path + "': cannot reach " + store + " (" + cause + ")");
    }
  }

  private static TrainsetException missing(String key, String path, String what, boolean input) {
    return new TrainsetException(input ? TrainsetException.DATA : TrainsetException.USAGE, key + " '" + path + "': " + what);
  }

  /**
   * The fixed part of a path's object key, for listing: after the bucket ({@code skip} 2: scheme and bucket) or the
   * account and container (3), up to the first glob or template character.
   */
  static String listPrefix(String path, int skip) {
    String[] parts = path.substring(path.indexOf("://") + 3).split("/", skip);
    String key = parts.length < skip ? "" : parts[skip - 1];
    int cut = key.length();
    for (char ch : new char[] {'*', '?', '[', '{'}) {
      int i = key.indexOf(ch);
      if (i >= 0) {
        cut = Math.min(cut, i);
      }
    }
    return key.substring(0, cut);
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof UnknownHostException) {
      return "unknown host " + t.getMessage();
    }
    return firstLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.split("\n", 2)[0];
  }
}
