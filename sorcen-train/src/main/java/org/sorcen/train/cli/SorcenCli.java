package org.sorcen.train.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./sorcen}. */
@Command(name = "sorcen", mixinStandardHelpOptions = true, version = "sorcen 0.1.0",
    description = "Sorcen on TensorFlow Java: self-supervised ViT pre-training on precomputed VQ tokens.",
    subcommands = {TrainCommand.class, ImportCommand.class, TokenizerTrainCommand.class, TokenizeCommand.class,
        DetokenizeCommand.class, SubsetCommand.class, ExportCommand.class, VerifyReferenceCommand.class,
        BenchCommand.class, BenchServingCommand.class, EvalCommand.class, ExperimentCommand.class,
        ClassifierTrainCommand.class, GenerateCommand.class,
        CommandLine.HelpCommand.class})
public final class SorcenCli {
  /** Exit code for input the user must change (bad config, bad file). */
  public static final int USAGE_ERROR = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new SorcenCli()).setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof org.sorcen.graph.config.ConfigException
          || ex instanceof org.sorcen.graph.weights.WeightsException
          || ex instanceof org.sorcen.train.data.DataException
          || ex instanceof IllegalArgumentException) {
        cmd.getErr().println("error: " + ex.getMessage());
        return USAGE_ERROR;
      }
      throw ex;
    });
  }
}
