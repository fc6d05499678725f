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
  public static final int USAGE_ERROR = ErrorPolicy.USAGE_ERROR;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new SorcenCli()).setExecutionExceptionHandler(new ErrorPolicy());
  }
}
