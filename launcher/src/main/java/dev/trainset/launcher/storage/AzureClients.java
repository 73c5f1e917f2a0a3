package dev.trainset.launcher.storage;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import java.util.Map;
import org.apache.beam.sdk.io.azure.options.BlobstoreClientBuilderFactory;
import org.apache.beam.sdk.io.azure.options.BlobstoreOptions;

/**
 * The Azure blob client of every JVM that touches {@code azfs://} (the launcher and each worker), with credentials
 * from that JVM's environment, in this order:
 *
 * <ol>
 *   <li>{@code AZURE_STORAGE_CONNECTION_STRING}, alone (Beam's default factory would add a bearer token next to it,
 *       which the SDK refuses over http, as with Azurite: components.md §3);
 *   <li>{@code AZURE_STORAGE_KEY}: the account key of the account in the path;
 *   <li>{@code AZURE_STORAGE_SAS_TOKEN};
 *   <li>{@code DefaultAzureCredential}: environment service principal, workload identity, managed identity, Azure CLI.
 * </ol>
 *
 * Beam's own {@code --accessKey}, {@code --sasToken} and {@code --azureConnectionString} are honoured when given.
 *
 * <p>Beam's Azure file system finishes every file with a server-side copy (temporary name to final name) that it
 * authorizes with a SAS it derives from the key, SAS or connection string in the pipeline options; a token from
 * {@code DefaultAzureCredential} cannot authorize it. So, in the JVM that does the work, the secret from the
 * environment is also put into that JVM's copy of the options. It never leaves that JVM: the launcher does not do
 * it when it only submits the pipeline to a remote cluster ({@link #LAUNCHER_PROPERTY}), whose workers read their
 * own environment.
 */
public final class AzureClients implements BlobstoreClientBuilderFactory {
  public static final String CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";
  public static final String ACCOUNT_KEY = "AZURE_STORAGE_KEY";
  public static final String SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN";

  /** Set in the launcher JVM; see {@link #holdsSecrets}. */
  public static final String LAUNCHER_PROPERTY = "trainset.launcher";

  @Override
  public BlobServiceClientBuilder createBuilder(BlobstoreOptions options) {
    Map<String, String> env = System.getenv();
    if (holdsSecrets(options)) {
      if (!present(options.getAzureConnectionString()) && present(env.get(CONNECTION_STRING))) {
        options.setAzureConnectionString(env.get(CONNECTION_STRING));
      } else if (!present(options.getAccessKey()) && present(env.get(ACCOUNT_KEY))) {
        options.setAccessKey(env.get(ACCOUNT_KEY));
      } else if (!present(options.getSasToken()) && present(env.get(SAS_TOKEN))) {
        options.setSasToken(env.get(SAS_TOKEN));
      }
    }
    return builder(options, env);
  }

  /**
   * Whether these options may hold a secret: everywhere except in the launcher when the runner is a remote Flink
   * cluster, where the launcher serializes the options into the job it submits.
   */
  static boolean holdsSecrets(org.apache.beam.sdk.options.PipelineOptions options) {
    if (System.getProperty(LAUNCHER_PROPERTY) == null) {
      return true;
    }
    if (!"FlinkRunner".equals(options.getRunner().getSimpleName())) {
      return true;
    }
    String master = options.as(org.apache.beam.runners.flink.FlinkPipelineOptions.class).getFlinkMaster();
    return master == null || master.equals("[local]") || master.equals("[auto]") || master.equals("[collection]");
  }

  /** Whether writing to {@code azfs://} can work: a key, SAS or connection string is at hand (see the class comment). */
  static boolean canCopy(BlobstoreOptions options, Map<String, String> env) {
    return !credentialSource(options, env).equals("DefaultAzureCredential");
  }

  static BlobServiceClientBuilder builder(BlobstoreOptions options, Map<String, String> env) {
    BlobServiceClientBuilder b = new BlobServiceClientBuilder();
    String account = options.getAccountName();
    String endpoint =
        present(options.getBlobServiceEndpoint())
            ? options.getBlobServiceEndpoint()
            : account == null ? null : "https://" + account + ".blob.core.windows.net";
    String connection = first(options.getAzureConnectionString(), env.get(CONNECTION_STRING));
    String key = first(options.getAccessKey(), env.get(ACCOUNT_KEY));
    String sas = first(options.getSasToken(), env.get(SAS_TOKEN));
    if (connection != null) {
      b.connectionString(connection);
    } else if (key != null && account != null) {
      b.credential(new StorageSharedKeyCredential(account, key));
    } else if (sas != null) {
      b.sasToken(sas);
    } else {
      b.credential(new DefaultAzureCredentialBuilder().build());
    }
    // A connection string names its own endpoint; only an explicit storage.azure.endpoint replaces it.
    if (endpoint != null && (connection == null || present(options.getBlobServiceEndpoint()))) {
      b.endpoint(endpoint);
    }
    return b;
  }

  /** Which credential {@link #builder} uses, for messages (never the secret itself). */
  static String credentialSource(BlobstoreOptions options, Map<String, String> env) {
    if (first(options.getAzureConnectionString(), env.get(CONNECTION_STRING)) != null) {
      return "the connection string in " + CONNECTION_STRING;
    }
    if (first(options.getAccessKey(), env.get(ACCOUNT_KEY)) != null && options.getAccountName() != null) {
      return "the account key in " + ACCOUNT_KEY;
    }
    if (first(options.getSasToken(), env.get(SAS_TOKEN)) != null) {
      return "the SAS token in " + SAS_TOKEN;
    }
    return "DefaultAzureCredential";
  }

  private static String first(String a, String b) {
    return present(a) ? a : present(b) ? b : null;
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
