package org.sorcen.train.cli;

import java.io.IOException;
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
 *   <li>anything else is a bug, and its stack trace is printed.
 * </ul>
 */
final class ErrorPolicy implements IExecutionExceptionHandler {
  static final int IO_ERROR = 1;
  static final int USAGE_ERROR = 2;
  static final int DIVERGED = 3;

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed)
      throws Exception {
    if (ex instanceof ConfigException || ex instanceof WeightsException || ex instanceof DataException
        || ex instanceof IllegalArgumentException || ex instanceof DirectoryLock.Held) {
      cmd.getErr().println("error: " + ex.getMessage());
      return USAGE_ERROR;
    }
    if (ex instanceof IoFailure || ex instanceof UncheckedIOException || ex instanceof ClusterFailure) {
      cmd.getErr().println("error: " + ex.getMessage());
      return IO_ERROR;
    }
    if (ex instanceof IOException io) {
      cmd.getErr().println("error: " + io.getClass().getSimpleName().replace("Exception", "") + ": "
          + io.getMessage());
      return IO_ERROR;
    }
    if (ex instanceof TrainingStopped) {
      cmd.getErr().println("stopped: " + ex.getMessage());
      return DIVERGED;
    }
    throw ex;
  }
}
