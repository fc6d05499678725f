package org.sorcen.train.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.sorcen.export.io.DirectoryLock;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.cluster.ClusterFailure;
import org.sorcen.train.data.DataException;
import org.sorcen.train.run.TrainingStopped;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;

/**
 * The one error policy of every command, as exit codes:
 * <ul>
 *   <li>2: the input must change (config, flag, file, a run directory in use): one line saying what;
 *   <li>1: reading or writing failed (disk full, permissions): one line naming the path and cause; a
 *       data-parallel worker lost a peer: one line naming it;
 *   <li>3: the run diverged: the step, the loss terms and the last good checkpoint;
 *   <li>130 / 143: a training command stopped by SIGINT / SIGTERM after its checkpoint, returned by
 *       the command itself ({@code StopRequest.exitCode});
 *   <li>anything else is a bug, and its stack trace is printed.
 * </ul>
 */
final class ErrorPolicy implements IExecutionExceptionHandler {
  static final int IO_ERROR = 1;
  static final int USAGE_ERROR = 2;
  static final int DIVERGED = 3;

  /** Not an exit code: a bug, whose stack trace picocli prints. */
  private static final int BUG = -1;

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed)
      throws Exception {
    int code = report(ex, cmd.getErr());
    if (code == BUG) {
      throw ex;
    }
    return code;
  }

  /** Held by the one thread that reports a data-parallel worker's failure and ends the JVM. */
  private static final Object HALTING = new Object();

  /**
   * For a data-parallel worker's failure, found by its watchdog while the main thread is blocked in
   * native code, or by the main thread: prints it as {@link #handleExecutionException} would and ends
   * the JVM with its exit code (a TensorFlow server cannot be stopped otherwise). Both threads may
   * find the same loss at once; the first one reports, the other waits here for the end.
   */
  static void halt(RuntimeException ex) {
    synchronized (HALTING) {
      printAndHalt(ex);
    }
  }

  private static void printAndHalt(RuntimeException ex) {
    PrintWriter err = new PrintWriter(System.err, true);
    int code = report(ex, err);
    if (code == BUG) {
      ex.printStackTrace(err);
    }
    err.flush();
    System.out.flush();
    Runtime.getRuntime().halt(code == BUG ? IO_ERROR : code);
  }

  /** Prints {@code ex}'s line and returns its exit code, or {@link #BUG} when it is none of ours. */
  private static int report(Exception ex, PrintWriter err) {
    if (ex instanceof ConfigException
        || ex instanceof WeightsException
        || ex instanceof DataException
        || ex instanceof IllegalArgumentException
        || ex instanceof DirectoryLock.Held) {
      err.println("error: " + ex.getMessage());
      return USAGE_ERROR;
    }
    if (ex instanceof IoFailure
        || ex instanceof UncheckedIOException
        || ex instanceof ClusterFailure) {
      err.println("error: " + ex.getMessage());
      return IO_ERROR;
    }
    if (ex instanceof IOException io) {
      err.println(
          "error: "
              + io.getClass().getSimpleName().replace("Exception", "")
              + ": "
              + io.getMessage());
      return IO_ERROR;
    }
    if (ex instanceof TrainingStopped) {
      err.println("stopped: " + ex.getMessage());
      return DIVERGED;
    }
    return BUG;
  }
}
