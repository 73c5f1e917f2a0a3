package dev.trainset.pipelines.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.Test;

public class StoragePathsTest {
  @Test
  public void givenAzureUris_translatesThemToAzfs() {
    assertEquals("azfs://acct/data/sets/a/", StoragePaths.normalize("k", "abfss://data@acct.dfs.core.windows.net/sets/a/"));
    assertEquals("azfs://acct/data/sets/a.csv", StoragePaths.normalize("k", "wasbs://data@acct.blob.core.windows.net/sets/a.csv"));
    assertEquals("azfs://acct/data/", StoragePaths.normalize("k", "wasb://data@ACCT.blob.core.windows.net"));
    assertEquals("azfs://acct/data/x/*.csv", StoragePaths.normalize("k", "abfs://data@acct.dfs.core.chinacloudapi.cn/x/*.csv"));
  }

  @Test
  public void givenOtherLocations_keepsThem() {
    assertEquals("s3://bucket/p/{date}/", StoragePaths.normalize("k", "s3://bucket/p/{date}/"));
    assertEquals("azfs://a/c/p", StoragePaths.normalize("k", "azfs://a/c/p"));
    assertEquals("out/x", StoragePaths.normalize("k", " out/x "));
    assertEquals("/tmp/x", StoragePaths.normalize("k", "file:///tmp/x"));
    assertEquals(StoragePaths.Store.S3, StoragePaths.store("s3://b/k"));
    assertEquals(StoragePaths.Store.AZURE, StoragePaths.store("azfs://a/c/k"));
    assertEquals(StoragePaths.Store.LOCAL, StoragePaths.store("/tmp/k"));
    assertEquals("b", StoragePaths.first("s3://b/k/l"));
    assertEquals("c", StoragePaths.container("azfs://a/c/k"));
  }

  @Test
  public void givenAnUnsupportedOrMalformedLocation_namesTheKey() {
    TrainsetException e = assertThrows(TrainsetException.class, () -> StoragePaths.normalize("output.path", "gs://bucket/x"));
    assertEquals(
        "config key 'output.path': unsupported location 'gs://bucket/x' (expected a local path, s3://bucket/prefix, "
            + "azfs://account/container/prefix, abfss:// or wasbs://)",
        e.getMessage());
    e = assertThrows(TrainsetException.class, () -> StoragePaths.normalize("input.path", "abfss://acct.dfs.core.windows.net/x"));
    assertEquals(
        "config key 'input.path': 'abfss://acct.dfs.core.windows.net/x' is not a valid abfss:// URI (expected "
            + "abfss://container@account.dfs.core.windows.net/path)",
        e.getMessage());
  }

  @Test
  public void givenAStorageSection_readsItAndRejectsUnknownKeysAndNonUrls() throws Exception {
    ObjectMapper m = new ObjectMapper();
    StorageSettings s =
        StorageSettings.fromTree(m.readTree("{\"storage\":{\"s3\":{\"endpoint\":\"http://127.0.0.1:9090/\",\"pathStyle\":true,\"region\":\"eu-west-1\"},\"azure\":{\"endpoint\":\"http://127.0.0.1:10000/devstoreaccount1\"}}}"));
    assertEquals(new StorageSettings("eu-west-1", "http://127.0.0.1:9090", true, "http://127.0.0.1:10000/devstoreaccount1"), s);
    assertEquals(StorageSettings.DEFAULTS, StorageSettings.fromTree(m.readTree("{}")));
    TrainsetException e =
        assertThrows(TrainsetException.class, () -> StorageSettings.fromTree(m.readTree("{\"storage\":{\"s3\":{\"endpiont\":\"x\"}}}")));
    assertEquals("config key 'storage.s3.endpiont': unknown key (known keys here: endpoint, pathStyle, region)", e.getMessage());
    e = assertThrows(TrainsetException.class, () -> StorageSettings.fromTree(m.readTree("{\"storage\":{\"azure\":{\"endpoint\":\"127.0.0.1:10000\"}}}")));
    assertEquals("config key 'storage.azure.endpoint': expected an http:// or https:// URL, got '127.0.0.1:10000'", e.getMessage());
  }
}
