package dev.trainset.launcher.training;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.pipelines.batch.Manifest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.pipelines.config.StoragePaths;
import dev.trainset.pipelines.config.TrainsetException;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Creates (or finds) an Azure ML job on a training set in Azure storage and follows it, over the ARM REST API
 * ({@code PUT/GET .../workspaces/{ws}/jobs/{name}}, api-version {@value #API_VERSION}) with azure-core's HTTP
 * pipeline: a bearer token from {@code DefaultAzureCredential}, 408/429/5xx and I/O failures retried with
 * exponential backoff (both requests are idempotent: a PUT of the same name, a GET).
 *
 * <p>AutoML jobs get {@code trainingData} / {@code validationData} as {@code mltable} inputs over the splits'
 * MLTable folders; command jobs get one {@code uri_folder} input per split. Data URIs are {@code wasbs://} (or
 * {@code azureml://datastores/<name>/paths/...} with {@code train.azureml.datastore}).
 */
public final class AzureMlTrainer {
  public static final String API_VERSION = "2024-04-01";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrainSettings.AzureMl s;
  private final TrainingSet set;
  private final String jobName;

  public AzureMlTrainer(TrainSettings.AzureMl settings, TrainingSet set, String jobName) {
    this.s = settings;
    this.set = set;
    this.jobName = jobName;
  }

  public String url() {
    return s.endpoint() + "/subscriptions/" + s.subscriptionId() + "/resourceGroups/" + s.resourceGroup()
        + "/providers/Microsoft.MachineLearningServices/workspaces/" + s.workspace() + "/jobs/" + jobName
        + "?api-version=" + API_VERSION;
  }

  /** The PUT body, after the checks; nothing is sent. */
  public ObjectNode body() {
    if (StoragePaths.store(set.root()) != StoragePaths.Store.AZURE) {
      throw TrainsetException.config(
          "train.target", "Azure ML reads training data from Azure storage, and the training set is at " + set.root()
              + "; copy it there: trainset export --from " + set.root() + " --to abfss://container@account.dfs.core.windows.net/...");
    }
    ObjectNode root = JSON.createObjectNode();
    ObjectNode p = root.putObject("properties");
    p.put("displayName", jobName);
    p.put("experimentName", s.experimentName());
    p.put("computeId", s.computeId());
    p.putObject("tags").put("trainset-run-id", set.runId()).put("trainset-manifest-sha256", set.sha256());
    if (s.job() == TrainSettings.JobKind.AUTOML) {
      p.put("jobType", "AutoML");
      String target = s.targetColumn() != null ? s.targetColumn() : set.label();
      if (target == null) {
        throw TrainsetException.config("train.azureml.targetColumn", "AutoML needs the label column; the training set has none");
      }
      ObjectNode task = p.putObject("taskDetails");
      task.put("taskType", s.task() == TrainSettings.Task.CLASSIFICATION ? "Classification" : "Regression");
      task.put("primaryMetric", s.primaryMetric());
      task.put("targetColumnName", target);
      List<String> channels = s.channels();
      String[] fields = {"trainingData", "validationData", "testData"};
      String[] splits = {"train", "validation", "test"};
      for (int i = 0; i < splits.length; i++) {
        if (!channels.contains(splits[i])) {
          continue;
        }
        Manifest.Output mltable = set.output(splits[i], "mltable");
        if (mltable == null) {
          throw TrainsetException.config(
              "train.azureml.channels", "AutoML reads MLTable folders, and split '" + splits[i] + "' has no MLTable; export it with: trainset export --from "
                  + set.root() + " --to ... --format mltable");
        }
        task.putObject(fields[i]).put("jobInputType", "mltable").put("uri", uri(mltable.path()));
      }
    } else {
      p.put("jobType", "Command");
      p.put("command", s.command());
      p.put("environmentId", s.environmentId());
      ObjectNode inputs = p.putObject("inputs");
      for (String split : s.channels()) {
        if (!set.splits().contains(split)) {
          throw TrainsetException.config("train.azureml.channels", "the training set has no split '" + split + "' (it has " + set.splits() + ")");
        }
        inputs.putObject(split).put("jobInputType", "uri_folder").put("uri", uri(set.root() + split + "/")).put("mode", "ReadOnlyMount");
      }
    }
    return root;
  }

  /** An {@code azfs://account/container/path} as Azure ML takes it. */
  String uri(String azfs) {
    String account = StoragePaths.first(azfs);
    String container = StoragePaths.container(azfs);
    String rest = azfs.substring(("azfs://" + account + "/" + container + "/").length());
    if (s.datastore() != null) {
      return "azureml://datastores/" + s.datastore() + "/paths/" + rest;
    }
    return "wasbs://" + container + "@" + account + ".blob.core.windows.net/" + rest;
  }

  /** Creates the job (unless one of this name exists: then it is followed, not created again). */
  public Outcome run(boolean wait, double pollSeconds, Consumer<String> report, String version) {
    ObjectNode body = body();
    String scope = s.endpoint() + "/.default";
    String url = url();
    try {
      // The token first, once: a missing or refused identity is then one error at once, not a request that the
      // pipeline's retry policy would repeat. Later requests reuse it until it expires.
      TokenCredential chain = new DefaultAzureCredentialBuilder().build();
      com.azure.core.credential.AccessToken first = chain.getTokenSync(new com.azure.core.credential.TokenRequestContext().addScopes(scope));
      TokenCredential credential = request -> first.isExpired() ? chain.getToken(request) : reactor.core.publisher.Mono.just(first);
      HttpPipeline pipeline =
          new HttpPipelineBuilder()
              .policies(new UserAgentPolicy("trainset/" + version), new RetryPolicy(), new BearerTokenAuthenticationPolicy(credential, scope))
              .build();
      JsonNode existing = send(pipeline, HttpMethod.GET, url, null, true);
      boolean created = existing == null;
      if (created) {
        send(pipeline, HttpMethod.PUT, url, body.toString(), false);
        report.accept("created Azure ML job " + jobName);
      } else {
        report.accept("Azure ML job " + jobName + " exists already (an earlier attempt); following it, not starting another");
      }
      if (!wait) {
        return new Outcome(jobName, url, created, null, null);
      }
      JsonNode[] last = new JsonNode[1];
      JobStatus end =
          Follow.until(
              () -> {
                JsonNode j = send(pipeline, HttpMethod.GET, url, null, false);
                last[0] = j;
                String st = j.path("properties").path("status").asText("Unknown");
                boolean terminal = st.equals("Completed") || st.equals("Failed") || st.equals("Canceled");
                String reason = j.path("properties").path("error").path("message").asText(null);
                return new JobStatus(st, null, terminal, st.equals("Completed"), reason);
              },
              pollSeconds,
              report);
      String studio = last[0].path("properties").path("services").path("Studio").path("endpoint").asText(null);
      return new Outcome(jobName, studio != null ? studio : url, created, end, null);
    } catch (ClientAuthenticationException e) {
      throw new TrainsetException(
          TrainsetException.USAGE,
          "no Azure credentials for Azure ML at " + s.endpoint() + " (DefaultAzureCredential: " + e.getMessage().split("\n")[0] + ")");
    }
  }

  /** One request; a 404 on a GET is null when {@code allowMissing}; any other error is one line, exit 2. */
  private JsonNode send(HttpPipeline pipeline, HttpMethod method, String url, String body, boolean allowMissing) {
    HttpRequest r = new HttpRequest(method, url);
    if (body != null) {
      r.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
      r.setBody(body);
    }
    try (HttpResponse response = pipeline.sendSync(r, com.azure.core.util.Context.NONE)) {
      int code = response.getStatusCode();
      String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
      if (code == 404 && allowMissing) {
        return null;
      }
      if (code >= 300) {
        JsonNode err = parse(text).path("error");
        throw new TrainsetException(
            TrainsetException.USAGE,
            "Azure ML " + method + " job " + jobName + " at " + s.endpoint() + ": HTTP " + code + " " + err.path("code").asText("")
                + ": " + err.path("message").asText(text.length() > 200 ? text.substring(0, 200) : text));
      }
      return parse(text);
    } catch (TrainsetException | ClientAuthenticationException e) {
      throw e;
    } catch (RuntimeException e) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      if (t instanceof ClientAuthenticationException) {
        throw (ClientAuthenticationException) t;
      }
      throw new TrainsetException(TrainsetException.USAGE, "cannot reach Azure ML at " + s.endpoint() + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")");
    }
  }

  private static JsonNode parse(String text) {
    try {
      return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
