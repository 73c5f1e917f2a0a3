package dev.trainset.launcher.storage;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.trainset.pipelines.config.StorageSettings;
import dev.trainset.pipelines.config.TrainsetException;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.azure.options.BlobstoreOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

public class StorageTest {
  private static final StorageSettings LOCAL_STORES =
      new StorageSettings("eu-west-1", "http://127.0.0.1:9090", true, "http://127.0.0.1:10000/devstoreaccount1");

  @Test
  public void givenStorageSettings_makesBeamFlagsWithoutSecrets() {
    List<String> args = Storage.beamArgs(LOCAL_STORES, List.of("s3://b/in/", "azfs://acct/c/out/"));
    assertEquals(
        List.of(
            "--s3ClientFactoryClass=dev.trainset.launcher.storage.S3Clients",
            "--blobstoreClientFactoryClass=dev.trainset.launcher.storage.AzureClients",
            "--awsRegion=eu-west-1",
            "--endpoint=http://127.0.0.1:9090",
            "--s3PathStyle=true",
            "--accountName=acct",
            "--blobServiceEndpoint=http://127.0.0.1:10000/devstoreaccount1"),
        args);
    // They parse: Beam knows every flag (S3Options and StorageOptions are registered).
    StorageOptions o = PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).as(StorageOptions.class);
    assertTrue(o.getS3PathStyle());
    assertEquals("acct", o.getAccountName());
  }

  @Test
  public void givenNoS3Path_setsARegionSoBeamsUnusedS3ClientDoesNotAskTheInstanceMetadataService() {
    List<String> args = Storage.beamArgs(StorageSettings.DEFAULTS, List.of("/data/in.csv", "/data/out/"));
    assertTrue(args.toString(), args.contains("--awsRegion=us-east-1"));
  }

  @Test
  public void givenPathsInTwoAzureAccounts_refusesThem() {
    TrainsetException e =
        assertThrows(TrainsetException.class, () -> Storage.beamArgs(StorageSettings.DEFAULTS, List.of("azfs://a/c/in", "azfs://b/c/out")));
    assertEquals("config key 'storage.azure': a run reaches one Azure storage account, and these paths name a and b", e.getMessage());
  }

  @Test
  public void listPrefix_isTheObjectKeyUpToTheFirstGlobOrTemplate() {
    assertEquals("raw/", Storage.listPrefix("s3://bucket/raw/", 2));
    assertEquals("raw/day=", Storage.listPrefix("s3://bucket/raw/day=*/x.csv", 2));
    assertEquals("out/", Storage.listPrefix("s3://bucket/out/{date}/", 2));
    assertEquals("", Storage.listPrefix("s3://bucket", 2));
    assertEquals("sets/a", Storage.listPrefix("azfs://acct/container/sets/a", 3));
    assertEquals("", Storage.listPrefix("azfs://acct/container", 3));
  }

  @Test
  public void azureCredentials_comeFromTheEnvironmentInOrder_andOnlyAKeySasOrConnectionStringCanCopy() {
    BlobstoreOptions o = PipelineOptionsFactory.fromArgs("--accountName=acct").as(BlobstoreOptions.class);
    assertEquals("the connection string in AZURE_STORAGE_CONNECTION_STRING",
        AzureClients.credentialSource(o, Map.of("AZURE_STORAGE_CONNECTION_STRING", "x", "AZURE_STORAGE_KEY", "y")));
    assertEquals("the account key in AZURE_STORAGE_KEY", AzureClients.credentialSource(o, Map.of("AZURE_STORAGE_KEY", "y", "AZURE_STORAGE_SAS_TOKEN", "z")));
    assertEquals("the SAS token in AZURE_STORAGE_SAS_TOKEN", AzureClients.credentialSource(o, Map.of("AZURE_STORAGE_SAS_TOKEN", "z")));
    assertEquals("DefaultAzureCredential", AzureClients.credentialSource(o, Map.of()));
    assertFalse(AzureClients.canCopy(o, Map.of()));
    assertTrue(AzureClients.canCopy(o, Map.of("AZURE_STORAGE_SAS_TOKEN", "z")));
  }

  @Test
  public void aLauncherSubmittingToARemoteCluster_neverPutsASecretIntoTheOptions() {
    String before = System.getProperty(AzureClients.LAUNCHER_PROPERTY);
    try {
      System.setProperty(AzureClients.LAUNCHER_PROPERTY, "true");
      assertFalse(AzureClients.holdsSecrets(PipelineOptionsFactory.fromArgs("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:18081").create()));
      assertTrue(AzureClients.holdsSecrets(PipelineOptionsFactory.fromArgs("--runner=FlinkRunner", "--flinkMaster=[local]").create()));
      assertTrue(AzureClients.holdsSecrets(PipelineOptionsFactory.create()));
      System.clearProperty(AzureClients.LAUNCHER_PROPERTY);
      // A worker (no launcher property) uses its own environment's secret.
      assertTrue(AzureClients.holdsSecrets(PipelineOptionsFactory.fromArgs("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:18081").create()));
    } finally {
      if (before == null) {
        System.clearProperty(AzureClients.LAUNCHER_PROPERTY);
      } else {
        System.setProperty(AzureClients.LAUNCHER_PROPERTY, before);
      }
    }
  }
}
