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
    Secret secret = secret(options, env);
    if (holdsSecrets(options)) {
      secret.kind().setOn(options, secret.value());
    }
    return builder(options, env);
  }

  /** The kinds of Azure storage secret, in the order trainset looks for them. */
  enum Kind {
    CONNECTION_STRING(AzureClients.CONNECTION_STRING, "the connection string in "),
    ACCOUNT_KEY(AzureClients.ACCOUNT_KEY, "the account key in "),
    SAS_TOKEN(AzureClients.SAS_TOKEN, "the SAS token in "),
    NONE(null, null);

    final String variable;
    final String description;

    Kind(String variable, String description) {
      this.variable = variable;
      this.description = description;
    }

    /** Puts the secret where Beam's file system reads it (its server-side copies need it there). */
    void setOn(BlobstoreOptions o, String value) {
      switch (this) {
        case CONNECTION_STRING -> o.setAzureConnectionString(value);
        case ACCOUNT_KEY -> o.setAccessKey(value);
        case SAS_TOKEN -> o.setSasToken(value);
        default -> {}
      }
    }
  }

  /** The secret in use: Beam's own option if given, else the environment variable; the first kind present wins. */
  record Secret(Kind kind, String value) {}

  static Secret secret(BlobstoreOptions options, Map<String, String> env) {
    String connection = first(options.getAzureConnectionString(), env.get(CONNECTION_STRING));
    if (connection != null) {
      return new Secret(Kind.CONNECTION_STRING, connection);
    }
    String key = first(options.getAccessKey(), env.get(ACCOUNT_KEY));
    if (key != null && options.getAccountName() != null) {
      return new Secret(Kind.ACCOUNT_KEY, key);
    }
    String sas = first(options.getSasToken(), env.get(SAS_TOKEN));
    return sas != null ? new Secret(Kind.SAS_TOKEN, sas) : new Secret(Kind.NONE, null);
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
    return secret(options, env).kind() != Kind.NONE;
  }

  static BlobServiceClientBuilder builder(BlobstoreOptions options, Map<String, String> env) {
    BlobServiceClientBuilder b = new BlobServiceClientBuilder();
    String account = options.getAccountName();
    Secret secret = secret(options, env);
    switch (secret.kind()) {
      case CONNECTION_STRING -> b.connectionString(secret.value());
      case ACCOUNT_KEY -> b.credential(new StorageSharedKeyCredential(account, secret.value()));
      case SAS_TOKEN -> b.sasToken(secret.value());
      default -> b.credential(new DefaultAzureCredentialBuilder().build());
    }
    // A connection string names its own endpoint; only an explicit storage.azure.endpoint replaces it.
    if (present(options.getBlobServiceEndpoint())) {
      b.endpoint(options.getBlobServiceEndpoint());
    } else if (account != null && secret.kind() != Kind.CONNECTION_STRING) {
      b.endpoint("https://" + account + ".blob.core.windows.net");
    }
    return b;
  }

  /** Which credential {@link #builder} uses, for messages (never the secret itself). */
  static String credentialSource(BlobstoreOptions options, Map<String, String> env) {
    Kind kind = secret(options, env).kind();
    return kind == Kind.NONE ? "DefaultAzureCredential" : kind.description + kind.variable;
  }

  private static String first(String a, String b) {
    return present(a) ? a : present(b) ? b : null;
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
