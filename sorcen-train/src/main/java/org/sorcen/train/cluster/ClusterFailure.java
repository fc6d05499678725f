package org.sorcen.train.cluster;

import java.util.List;

/**
 * A worker lost its peers mid-run (a collective timed out or was aborted). The message names the
 * workers that no longer answer; every worker must be started again, and the run resumes from the
 * chief's newest checkpoint. Exit 1, like other failures outside the user's input.
 */
public final class ClusterFailure extends RuntimeException {
  public ClusterFailure(String message) {
    super(message);
  }

  /** From a failed collective step on worker {@code spec.taskIndex()}. */
  public static RuntimeException of(ClusterSpec spec, RuntimeException cause, boolean startup) {
    List<String> gone = Peers.unreachable(spec);
    String who = gone.isEmpty() ? "a peer (all answer on their ports now; one may have restarted)"
        : String.join(", ", gone);
    String what = firstLine(cause.getMessage());
    if (startup) {
      // Nothing has been trained yet: a peer that never came up is a matter of the command line.
      return new IllegalArgumentException("worker " + spec.taskIndex() + " could not reach " + who
          + " before the cluster timeout: start every worker with the same --cluster (" + what + ")");
    }
    return new ClusterFailure("worker " + spec.taskIndex() + " lost " + who + ": " + what
        + ". Start every worker again with the same command; the run resumes from the chief's newest checkpoint.");
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").strip();
  }
}
