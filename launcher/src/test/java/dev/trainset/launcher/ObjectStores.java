package dev.trainset.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real object-store servers the storage tests run against, each a process of its own on 127.0.0.1 and a free
 * port, stopped by PID (and by a shutdown hook if the test JVM dies first):
 *
 * <ul>
 *   <li>s3proxy 2.4.1 (an S3-compatible server, from Maven; components.md §2) with its filesystem backend, checking
 *       AWS v2/v4 signatures against one key pair; its classpath is resolved from
 *       {@code launcher/src/test/servers/s3proxy/pom.xml} on first use and cached in {@code target/};
 *   <li>Azurite 3.37.0 (Microsoft's Azure Storage emulator, from npm; components.md §3), installed into
 *       {@code target/test-servers/azurite} on first use, in memory.
 * </ul>
 */
final class ObjectStores {
  static final Path PROJECT = Paths.get(System.getProperty("trainset.project.dir", "..")).toAbsolutePath();
  static final Path WORK = PROJECT.resolve("launcher/target/test-servers");
  static final String S3_ACCESS_KEY = "trainset-it-access";
  static final String S3_SECRET_KEY = "trainset-it-secret-Yq3vX9";
  /** Azurite's well-known development account (public, documented by Microsoft). */
  static final String AZURE_ACCOUNT = "devstoreaccount1";
  static final String AZURE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  static final String AZURITE_VERSION = "3.37.0";
  static final String KINESALITE_VERSION = "3.3.3";

  private ObjectStores() {}

  /** A running server; {@link #close} stops it by PID. */
  static final class Server implements AutoCloseable {
    final Process process;
    final int port;
    final Path log;
    private final Thread hook;

    Server(Process process, int port, Path log) {
      this.process = process;
      this.port = port;
      this.log = log;
      this.hook = new Thread(process::destroyForcibly);
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** s3proxy with a filesystem backend in {@code dataDir}; each of {@code buckets} is created (a folder there). */
  static Server startS3(Path dataDir, String... buckets) throws Exception {
    return startS3(dataDir, freePort(), buckets);
  }

  /** As {@link #startS3(Path, String...)} on a given port: a server restarted where the old one was. */
  static Server startS3(Path dataDir, int port, String... buckets) throws Exception {
    Path cp = WORK.resolve("s3proxy-classpath.txt");
    if (!Files.isRegularFile(cp) || Files.size(cp) == 0) {
      Files.createDirectories(WORK);
      run(List.of("mvn", "-B", "-q", "-Dstyle.color=never", "-f", PROJECT.resolve("launcher/src/test/servers/s3proxy/pom.xml").toString(),
          "dependency:build-classpath", "-Dmdep.outputFile=" + cp), 600);
    }
    for (String b : buckets) {
      Files.createDirectories(dataDir.resolve(b));
    }
    Path props = dataDir.resolveSibling(dataDir.getFileName() + "-s3proxy.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + S3_ACCESS_KEY,
            "s3proxy.credential=" + S3_SECRET_KEY,
            // Beam sends x-amz-server-side-encryption-bucket-key-enabled, which s3proxy otherwise refuses (501).
            "s3proxy.ignore-unknown-headers=true",
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + dataDir,
            ""));
    Path log = dataDir.resolveSibling(dataDir.getFileName() + "-s3proxy.log");
    Process p =
        new ProcessBuilder(
                javaBin(), "-Xmx256m",
                "-Dlogback.configurationFile=" + PROJECT.resolve("launcher/src/test/servers/s3proxy/logback.xml"),
                "-cp", Files.readString(cp).trim(), "org.gaul.s3proxy.Main", "--properties", props.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Server s = new Server(p, port, log);
    awaitHttp(s, "http://127.0.0.1:" + port + "/");
    return s;
  }

  /** Azurite's blob service, in memory; each of {@code containers} is created. */
  static Server startAzurite(Path dir, String... containers) throws Exception {
    Path home = WORK.resolve("azurite");
    Path bin = home.resolve("node_modules/azurite/dist/src/blob/main.js");
    if (!Files.isRegularFile(bin)) {
      Files.createDirectories(home);
      run(List.of("npm", "install", "--prefix", home.toString(), "--no-audit", "--no-fund", "--silent", "azurite@" + AZURITE_VERSION), 600);
    }
    int port = freePort();
    Files.createDirectories(dir);
    Path log = dir.resolve("azurite.log");
    Process p =
        new ProcessBuilder(
                "node", bin.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                "--inMemoryPersistence", "--silent")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Server s = new Server(p, port, log);
    awaitHttp(s, "http://127.0.0.1:" + port + "/" + AZURE_ACCOUNT + "?comp=list");
    BlobServiceClient blobs = azure(port);
    for (String c : containers) {
      blobs.createBlobContainerIfNotExists(c);
    }
    return s;
  }

  /**
   * kinesalite (npm, in memory) on a free loopback port (components.md §5: its command line binds every interface, so it
   * is started through its module). Kinesis clients talking to it need CBOR off ({@code aws.cborEnabled=false}).
   */
  static Server startKinesalite(Path dir) throws Exception {
    Path home = WORK.resolve("kinesalite");
    if (!Files.isDirectory(home.resolve("node_modules/kinesalite"))) {
      Files.createDirectories(home);
      run(List.of("npm", "install", "--prefix", home.toString(), "--no-audit", "--no-fund", "--silent", "kinesalite@" + KINESALITE_VERSION), 600);
    }
    Path main = home.resolve("kinesalite-loopback.js");
    Files.writeString(main, String.join("\n",
        "const kinesalite = require('kinesalite');",
        "const port = parseInt(process.argv[2], 10);",
        "const server = kinesalite({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 10});",
        "server.listen(port, '127.0.0.1', (err) => { if (err) throw err; console.log('kinesalite listening on 127.0.0.1:' + port); });",
        "process.on('SIGTERM', () => server.close(() => process.exit(0)));",
        ""));
    int port = freePort();
    Files.createDirectories(dir);
    Path log = dir.resolve("kinesalite.log");
    Process p = new ProcessBuilder("node", main.toString(), String.valueOf(port))
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    Server s = new Server(p, port, log);
    awaitHttp(s, "http://127.0.0.1:" + port + "/");
    return s;
  }

  static boolean nodeAvailable() {
    try {
      return new ProcessBuilder("node", "--version").redirectErrorStream(true).start().waitFor() == 0
          && new ProcessBuilder("npm", "--version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static S3Client s3(int port) {
    return S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3_ACCESS_KEY, S3_SECRET_KEY)))
        .build();
  }

  static String azureEndpoint(int port) {
    return "http://127.0.0.1:" + port + "/" + AZURE_ACCOUNT;
  }

  static BlobServiceClient azure(int port) {
    return new BlobServiceClientBuilder()
        .connectionString(
            "DefaultEndpointsProtocol=http;AccountName=" + AZURE_ACCOUNT + ";AccountKey=" + AZURE_KEY + ";BlobEndpoint="
                + azureEndpoint(port) + ";")
        .buildClient();
  }

  static BlobContainerClient container(int port, String name) {
    return azure(port).getBlobContainerClient(name);
  }

  /** The environment a user of the store would have: AWS keys for the default chain, the Azure account key. */
  static Map<String, String> credentials() {
    return Map.of(
        "AWS_ACCESS_KEY_ID", S3_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", S3_SECRET_KEY,
        "AWS_REGION", "us-east-1",
        "AZURE_STORAGE_KEY", AZURE_KEY);
  }

  /** The result of a {@code java -jar trainset.jar} run. */
  record Cli(int code, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }
  }

  /** Runs the runnable jar as a user would, with exactly {@code env} for credentials (none inherited). */
  static Cli trainset(Map<String, String> env, List<String> args) throws Exception {
    return trainset(env, List.of(), args);
  }

  /** As {@link #trainset(Map, List)}, with JVM options (e.g. a trust store) before {@code -jar}. */
  static Cli trainset(Map<String, String> env, List<String> jvm, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx1g"));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", System.getProperty("trainset.jar")));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile());
    Map<String, String> e = pb.environment();
    e.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("AZURE_"));
    e.putAll(env);
    File out = File.createTempFile("trainset-out", ".txt");
    File err = File.createTempFile("trainset-err", ".txt");
    try {
      Process p = pb.redirectOutput(out).redirectError(err).start();
      assertTrue("trainset did not finish within 240 s: " + args, p.waitFor(240, TimeUnit.SECONDS));
      return new Cli(
          p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8), Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      out.delete();
      err.delete();
    }
  }

  static String javaBin() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  static void run(List<String> cmd, int seconds) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(cmd + " timed out", p.waitFor(seconds, TimeUnit.SECONDS));
    assertEquals(cmd + " failed:\n" + out, 0, p.exitValue());
  }

  private static void awaitHttp(Server s, String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!s.process.isAlive()) {
        throw new IllegalStateException("server exited at start; log:\n" + Files.readString(s.log));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(500);
        c.getResponseCode();
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    s.close();
    throw new IllegalStateException("server did not answer at " + url + " within 60 s; log:\n" + Files.readString(s.log));
  }
}
