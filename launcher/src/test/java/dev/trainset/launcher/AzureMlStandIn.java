package dev.trainset.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Protocol stand-ins for Azure ML's control plane (there is no local Azure ML) and for the managed-identity token
 * endpoint {@code DefaultAzureCredential} asks in App Service ({@code IDENTITY_ENDPOINT} / {@code IDENTITY_HEADER}):
 *
 * <ul>
 *   <li>ARM: {@code PUT/GET /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.MachineLearningServices/
 *       workspaces/{ws}/jobs/{name}?api-version=2024-04-01} over HTTPS (azure-core sends bearer tokens over HTTPS
 *       only), with a self-signed certificate for 127.0.0.1 that the client JVM is told to trust through the standard
 *       {@code javax.net.ssl.trustStore}. It checks the bearer token it issued, the api-version, the workspace name
 *       pattern and the job body against the documented shape (training-apis.md: jobType, AutoML taskDetails with
 *       taskType, primaryMetric, targetColumnName and mltable inputs; Command jobs with command, environmentId and
 *       inputs of a known jobInputType), records every request, and plays a scripted status lifecycle per job.
 *   <li>Identity: {@code GET ?resource=…&api-version=2019-08-01} with the {@code X-IDENTITY-HEADER} secret, answering
 *       an access token.
 * </ul>
 */
final class AzureMlStandIn implements AutoCloseable {
  static final String API_VERSION = "2024-04-01";
  static final String TOKEN = "standin-token-" + java.util.UUID.randomUUID();
  static final String IDENTITY_SECRET = "standin-identity-header";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH =
      Pattern.compile("^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)/jobs/([^/]+)$");
  private static final Pattern WORKSPACE = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$");
  private static final Set<String> INPUT_TYPES =
      Set.of("literal", "uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model");
  private static final Set<String> CLASSIFICATION_METRICS =
      Set.of("AUCWeighted", "Accuracy", "NormMacroRecall", "AveragePrecisionScoreWeighted", "PrecisionScoreWeighted");
  private static final Set<String> REGRESSION_METRICS =
      Set.of("NormalizedRootMeanSquaredError", "R2Score", "SpearmanCorrelation", "NormalizedMeanAbsoluteError");

  record Request(String method, String path, String query, JsonNode body, String authorization) {}

  private final HttpsServer arm;
  private final HttpServer identity;
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  final List<String> tokenRequests = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, JsonNode> jobs = new LinkedHashMap<>();
  private final Map<String, Deque<String>> lifecycles = new LinkedHashMap<>();
  private List<String> nextScript = List.of("NotStarted", "Starting", "Running", "Finalizing", "Completed");

  /** Starts both servers; {@code keyStore} (PKCS12, password {@code changeit}) holds the certificate for 127.0.0.1. */
  AzureMlStandIn(Path keyStore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keyStore.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    arm = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    arm.setHttpsConfigurator(new HttpsConfigurator(ssl));
    arm.createContext("/", this::handleArm);
    arm.start();
    identity = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    identity.createContext("/", this::handleIdentity);
    identity.start();
  }

  /**
   * A self-signed certificate for 127.0.0.1 in {@code dir/standin.p12}, and a trust store with it in
   * {@code dir/trust.p12} (both PKCS12, password {@code changeit}), made with the JDK's keytool.
   */
  static void makeCertificates(Path dir) throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Path ks = dir.resolve("standin.p12");
    Path cert = dir.resolve("standin.cer");
    run(List.of(keytool, "-genkeypair", "-alias", "standin", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
        "-storepass", "changeit", "-keypass", "changeit"));
    run(List.of(keytool, "-exportcert", "-alias", "standin", "-keystore", ks.toString(), "-storepass", "changeit", "-file", cert.toString()));
    run(List.of(keytool, "-importcert", "-noprompt", "-alias", "standin", "-file", cert.toString(), "-keystore",
        dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit"));
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(cmd + " failed: " + out);
    }
  }

  String endpoint() {
    return "https://127.0.0.1:" + arm.getAddress().getPort();
  }

  String identityEndpoint() {
    return "http://127.0.0.1:" + identity.getAddress().getPort() + "/msi/token";
  }

  synchronized void script(List<String> statuses) {
    nextScript = statuses;
  }

  synchronized Map<String, JsonNode> jobs() {
    return new LinkedHashMap<>(jobs);
  }

  List<Request> requests(String method) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.method().equals(method)).toList();
    }
  }

  private void handleIdentity(HttpExchange ex) throws IOException {
    String q = String.valueOf(ex.getRequestURI().getQuery());
    tokenRequests.add(q);
    if (!IDENTITY_SECRET.equals(ex.getRequestHeaders().getFirst("X-IDENTITY-HEADER")) || !q.contains("api-version=2019-08-01")
        || !q.contains("resource=")) {
      reply(ex, 400, JSON.createObjectNode().put("error", "bad_request"));
      return;
    }
    String resource = java.net.URLDecoder.decode(q.replaceAll(".*resource=([^&]*).*", "$1"), StandardCharsets.UTF_8);
    ObjectNode t = JSON.createObjectNode();
    t.put("access_token", TOKEN);
    t.put("expires_on", String.valueOf(System.currentTimeMillis() / 1000 + 3600));
    t.put("resource", resource);
    t.put("token_type", "Bearer");
    reply(ex, 200, t);
  }

  private void handleArm(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String query = String.valueOf(ex.getRequestURI().getQuery());
    byte[] raw = ex.getRequestBody().readAllBytes();
    JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    requests.add(new Request(ex.getRequestMethod(), path, query, body, auth));
    if (!("Bearer " + TOKEN).equals(auth)) {
      reply(ex, 401, armError("InvalidAuthenticationToken", "The access token is invalid."));
      return;
    }
    if (!query.contains("api-version=" + API_VERSION)) {
      reply(ex, 400, armError("InvalidApiVersionParameter", "api-version " + query + " is not " + API_VERSION));
      return;
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      reply(ex, 404, armError("InvalidResourceType", "no such resource type: " + path));
      return;
    }
    if (!WORKSPACE.matcher(m.group(3)).matches()) {
      reply(ex, 400, armError("ValidationError", "workspace name " + m.group(3) + " is invalid"));
      return;
    }
    String name = m.group(4);
    synchronized (this) {
      switch (ex.getRequestMethod()) {
        case "GET" -> {
          JsonNode job = jobs.get(name);
          if (job == null) {
            reply(ex, 404, armError("UserError", "Not found: job " + name));
            return;
          }
          Deque<String> life = lifecycles.get(name);
          String status = life.size() > 1 ? life.poll() : life.peek();
          ObjectNode j = jobBase(path, name, job);
          ((ObjectNode) j.get("properties")).put("status", status);
          if (status.equals("Failed")) {
            ((ObjectNode) j.get("properties")).putObject("error").put("code", "UserError").put("message", "AutoML trial failed: the target column has one class");
          }
          reply(ex, 200, j);
        }
        case "PUT" -> {
          List<String> problems = validate(body);
          if (!problems.isEmpty()) {
            reply(ex, 400, armError("ValidationError", String.join("; ", problems)));
            return;
          }
          boolean existed = jobs.containsKey(name);
          jobs.put(name, body);
          lifecycles.put(name, new ArrayDeque<>(nextScript));
          ObjectNode j = jobBase(path, name, body);
          ((ObjectNode) j.get("properties")).put("status", "NotStarted");
          reply(ex, existed ? 200 : 201, j);
        }
        default -> reply(ex, 405, armError("MethodNotAllowed", ex.getRequestMethod()));
      }
    }
  }

  private ObjectNode jobBase(String path, String name, JsonNode body) {
    ObjectNode j = JSON.createObjectNode();
    j.put("id", path);
    j.put("name", name);
    j.put("type", "Microsoft.MachineLearningServices/workspaces/jobs");
    ObjectNode p = body.get("properties").deepCopy();
    p.putObject("services").putObject("Studio").put("endpoint", "https://ml.azure.com/runs/" + name);
    j.set("properties", p);
    return j;
  }

  /** The documented job body (training-apis.md). */
  static List<String> validate(JsonNode b) {
    List<String> p = new ArrayList<>();
    JsonNode props = b == null ? null : b.get("properties");
    if (props == null || !props.isObject()) {
      p.add("the body needs properties");
      return p;
    }
    String type = props.path("jobType").asText("");
    if (props.path("computeId").asText("").isEmpty()) {
      p.add("computeId is required");
    }
    if (type.equals("AutoML")) {
      JsonNode t = props.path("taskDetails");
      String task = t.path("taskType").asText("");
      if (!Set.of("Classification", "Regression").contains(task)) {
        p.add("taskDetails.taskType '" + task + "' is not a tabular task");
      }
      Set<String> metrics = task.equals("Regression") ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
      if (!metrics.contains(t.path("primaryMetric").asText())) {
        p.add("primaryMetric '" + t.path("primaryMetric").asText() + "' is not valid for " + task);
      }
      if (t.path("targetColumnName").asText("").isEmpty()) {
        p.add("taskDetails.targetColumnName is required");
      }
      for (String field : List.of("trainingData", "validationData", "testData")) {
        JsonNode in = t.path(field);
        if (field.equals("trainingData") && in.isMissingNode()) {
          p.add("taskDetails.trainingData is required");
        }
        if (!in.isMissingNode()) {
          if (!in.path("jobInputType").asText().equals("mltable")) {
            p.add(field + ".jobInputType must be mltable");
          }
          if (!validUri(in.path("uri").asText(""))) {
            p.add(field + ".uri '" + in.path("uri").asText() + "' has no supported scheme");
          }
        }
      }
    } else if (type.equals("Command")) {
      if (props.path("command").asText("").isEmpty() || props.path("environmentId").asText("").isEmpty()) {
        p.add("Command jobs need command and environmentId");
      }
      props.path("inputs").fields().forEachRemaining(e -> {
        if (!INPUT_TYPES.contains(e.getValue().path("jobInputType").asText())) {
          p.add("inputs." + e.getKey() + ".jobInputType is not one of " + INPUT_TYPES);
        }
        if (!e.getValue().path("jobInputType").asText().equals("literal") && !validUri(e.getValue().path("uri").asText(""))) {
          p.add("inputs." + e.getKey() + ".uri has no supported scheme");
        }
      });
    } else {
      p.add("jobType '" + type + "' is not AutoML or Command");
    }
    return p;
  }

  private static boolean validUri(String uri) {
    return uri.startsWith("azureml://") || uri.startsWith("https://") || uri.startsWith("wasbs://") || uri.startsWith("abfss://");
  }

  private static ObjectNode armError(String code, String message) {
    ObjectNode e = JSON.createObjectNode();
    e.putObject("error").put("code", code).put("message", message);
    return e;
  }

  private static void reply(HttpExchange ex, int code, JsonNode body) throws IOException {
    byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    arm.stop(0);
    identity.stop(0);
  }
}
