package org.sorcen.train.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The workers of a data-parallel run and which one this process is: from {@code --cluster
 * HOST:PORT,...} with {@code --task-index I}, or from {@code TF_CONFIG} as Kubeflow's TFJob sets
 * it. Task 0 is the chief. Malformed input is an {@link IllegalArgumentException} with one line
 * saying what to change (exit 2).
 */
public record ClusterSpec(List<String> workers, int taskIndex) {
  public ClusterSpec {
    workers = List.copyOf(workers);
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("the cluster lists no worker");
    }
    for (String w : workers) {
      checkAddress(w);
    }
    if (workers.stream().distinct().count() != workers.size()) {
      throw new IllegalArgumentException(
          "the cluster lists a worker address twice: " + String.join(",", workers));
    }
    if (taskIndex < 0 || taskIndex >= workers.size()) {
      throw new IllegalArgumentException(
          "task index "
              + taskIndex
              + " is outside the "
              + workers.size()
              + " workers of the cluster: use 0.."
              + (workers.size() - 1));
    }
  }

  public int size() {
    return workers.size();
  }

  public boolean isChief() {
    return taskIndex == 0;
  }

  public String self() {
    return workers.get(taskIndex);
  }

  /** The port this worker's server listens on. */
  public int port() {
    String s = self();
    return Integer.parseInt(s.substring(s.lastIndexOf(':') + 1));
  }

  /** {@code --cluster host:port,host:port} and {@code --task-index}. */
  public static ClusterSpec fromFlags(String cluster, Integer taskIndex) {
    if (taskIndex == null) {
      throw new IllegalArgumentException(
          "--cluster needs --task-index I (this worker's place in the list, 0 = chief)");
    }
    List<String> workers = new ArrayList<>();
    for (String w : cluster.split(",", -1)) {
      workers.add(w.strip());
    }
    return new ClusterSpec(workers, taskIndex);
  }

  /** {@code {"cluster": {"worker": [...]}, "task": {"type": "worker", "index": I}}}. */
  public static ClusterSpec fromTfConfig(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("TF_CONFIG is not JSON: " + firstLine(e.getMessage()));
    }
    JsonNode list = root == null ? null : root.path("cluster").get("worker");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException(
          "TF_CONFIG needs \"cluster\": {\"worker\": [\"host:port\", ...]}");
    }
    JsonNode task = root.path("task");
    if (!task.path("type").asText("").equals("worker")) {
      throw new IllegalArgumentException(
          "TF_CONFIG task.type must be \"worker\" (chief, ps and evaluator tasks are "
              + "not used: worker 0 is the chief), got "
              + task.path("type"));
    }
    if (!task.path("index").canConvertToInt() || !task.path("index").isIntegralNumber()) {
      throw new IllegalArgumentException(
          "TF_CONFIG needs \"task\": {\"type\": \"worker\", \"index\": I}");
    }
    for (var it = root.path("cluster").fieldNames(); it.hasNext(); ) {
      String job = it.next();
      if (!job.equals("worker")) {
        throw new IllegalArgumentException(
            "TF_CONFIG cluster job \""
                + job
                + "\" is not used: list every process "
                + "under \"worker\"");
      }
    }
    List<String> workers = new ArrayList<>();
    list.forEach(n -> workers.add(n.asText()));
    return new ClusterSpec(workers, task.path("index").asInt());
  }

  private static void checkAddress(String w) {
    int colon = w.lastIndexOf(':');
    String host = colon > 0 ? w.substring(0, colon) : "";
    String port = colon > 0 ? w.substring(colon + 1) : "";
    boolean ok =
        !host.isEmpty()
            && !host.contains(",")
            && !host.contains(" ")
            && port.matches("\\d{1,5}")
            && Integer.parseInt(port) > 0
            && Integer.parseInt(port) < 65536;
    if (!ok) {
      throw new IllegalArgumentException(
          "worker address \"" + w + "\" is not HOST:PORT (port 1-65535)");
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
