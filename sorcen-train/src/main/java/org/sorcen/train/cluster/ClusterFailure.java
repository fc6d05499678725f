package org.sorcen.train.cluster;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker lost its peers mid-run (a collective failed, or a step waited on them for the cluster
 * timeout). The message names the workers that no longer answer; every worker must be started again,
 * and the run resumes from the chief's newest checkpoint. Exit 1, like other failures outside the
 * user's input.
 */
public final class ClusterFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** TensorFlow's words when workers started with --cluster lists of different lengths meet in one group. */
  private static final Pattern GROUP_SIZES =
      Pattern.compile(
          "joining a group with size\\s*(\\d+), but that group " + "has size\\s*(\\d+)");

  public ClusterFailure(String message) {
    super(message);
  }

  /** From a failed collective step on worker {@code spec.taskIndex()}. */
  public static RuntimeException of(ClusterSpec spec, RuntimeException cause, boolean startup) {
    String full = cause.getMessage() == null ? "" : cause.getMessage();
    Matcher sizes = GROUP_SIZES.matcher(full);
    if (sizes.find()) {
      // The group is formed before any variable changes: the command line must change, whenever it
      // shows.
      return new IllegalArgumentException(
          "the workers do not run the same job: their worker count differs ("
              + sizes.group(1)
              + " and "
              + sizes.group(2)
              + " workers in their --cluster lists); start every worker "
              + "with the same --cluster");
    }
    List<Peers.Missing> gone = Peers.unreachable(spec);
    String who =
        gone.isEmpty()
            ? "a peer (all answer on their ports now; one may have restarted)"
            : names(gone);
    String what = reason(full);
    if (startup) {
      // Nothing has been trained yet: a peer that never came up is a matter of the command line.
      return new IllegalArgumentException(
          "worker "
              + spec.taskIndex()
              + " could not reach "
              + who
              + " before the cluster timeout: start every worker with the same --cluster ("
              + what
              + ")");
    }
    return new ClusterFailure(
        "worker "
            + spec.taskIndex()
            + " lost "
            + who
            + ": "
            + what
            + ". Start every worker again with the same command; the run resumes from the chief's newest checkpoint.");
  }

  /**
   * From the {@link Watchdog}: a session run of worker {@code spec.taskIndex()} waited on its peers
   * for the whole timeout; {@code gone} are the peers that do not answer now (empty: all do).
   */
  static RuntimeException overdue(
      ClusterSpec spec, List<Peers.Missing> gone, double timeoutSeconds, boolean startup) {
    String who = gone.isEmpty() ? "a peer" : names(gone);
    String what;
    if (gone.isEmpty()) {
      what =
          "no step finished within the cluster timeout of "
              + timeoutSeconds
              + " s although every worker "
              + "answers (a pause of the chief longer than the timeout, or a collective stuck in TensorFlow)";
    } else if (gone.stream().allMatch(Peers.Missing::silent)) {
      what =
          "it did not take part for the cluster timeout of "
              + timeoutSeconds
              + " s and its server does not "
              + "answer (a stopped or hung process, or an unreachable host)";
    } else if (gone.stream().noneMatch(Peers.Missing::silent)) {
      what = "no answer on its port for the cluster timeout of " + timeoutSeconds + " s";
    } else {
      what =
          "no answer for the cluster timeout of " + timeoutSeconds + " s (gone, stopped or hung)";
    }
    if (startup) {
      return new IllegalArgumentException(
          "worker "
              + spec.taskIndex()
              + " could not reach "
              + who
              + " before the cluster timeout: start every worker with the same --cluster ("
              + what
              + ")");
    }
    return new ClusterFailure(
        "worker "
            + spec.taskIndex()
            + " lost "
            + who
            + ": "
            + what
            + ". Start every worker again with the same command; the run resumes from the chief's newest checkpoint.");
  }

  private static String names(List<Peers.Missing> peers) {
    return String.join(", ", peers.stream().map(Peers.Missing::toString).toList());
  }

  /** TensorFlow's first line that says something ("From /job:...:" only says where). */
  private static String reason(String message) {
    return message
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.matches("From /job:\\S*:?"))
        .findFirst()
        .orElse("no detail from TensorFlow");
  }
}
