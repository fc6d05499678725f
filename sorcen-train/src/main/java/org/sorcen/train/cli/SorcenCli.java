package org.sorcen.train.cli;

import org.sorcen.train.eval.EvaluatorRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code ./sorcen}. */
@Command(
    name = "sorcen",
    version = "sorcen 0.1.0",
    description =
        "Sorcen on TensorFlow Java: self-supervised ViT pre-training on precomputed VQ tokens.",
    subcommands = {
      TrainCommand.class,
      ImportCommand.class,
      TokenizerTrainCommand.class,
      TokenizeCommand.class,
      DetokenizeCommand.class,
      SubsetCommand.class,
      ExportCommand.class,
      ImportOfficialCommand.class,
      VerifyReferenceCommand.class,
      BenchCommand.class,
      BenchServingCommand.class,
      BenchClusterCommand.class,
      EvalCommand.class,
      ExperimentCommand.class,
      CompareRunsCommand.class,
      ClassifierTrainCommand.class,
      GenerateCommand.class,
      EmbedCommand.class,
      HelpCommand.class
    })
public final class SorcenCli {
  /** Every command and nested subcommand inherits -h/--help (picocli copies INHERIT options down the tree). */
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show this help message and exit.")
  boolean help;

  /** Not inherited: {@code export --version N} is the export's version directory. */
  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "Print version information and exit.")
  boolean version;

  /** Exit code for input the user must change (bad config, bad file). */
  public static final int USAGE_ERROR = ErrorPolicy.USAGE_ERROR;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return commandLine(EvaluatorRegistry.standard());
  }

  /** With the {@code eval} subcommands of {@code evaluators} (tests pass a registry with one of their own). */
  static CommandLine commandLine(EvaluatorRegistry evaluators) {
    CommandLine cli = new CommandLine(new SorcenCli());
    // Before the handlers are set: setting them reaches only the subcommands that exist by then.
    EvalCommand.addEvaluators(cli.getSubcommands().get("eval"), evaluators);
    return cli.setExecutionExceptionHandler(new ErrorPolicy())
        .setParameterExceptionHandler(SorcenCli::usageError);
  }

  /**
   * A usage error (unknown or malformed option, missing argument, out-of-range number) is one line
   * on stderr naming the command's help, and exit 2; the full usage is one {@code --help} away.
   */
  static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    String message =
        String.valueOf(ex.getMessage())
            .strip()
            .replaceAll("\\s*\\R\\s*", " ")
            .replaceFirst("^Error: ", "");
    cmd.getErr().println("error: " + message + " (see " + commandPath(cmd) + " --help)");
    cmd.getErr().flush();
    return USAGE_ERROR;
  }

  /** "./sorcen eval fd" for the fd subcommand of eval. */
  static String commandPath(CommandLine cmd) {
    StringBuilder path = new StringBuilder();
    for (CommandLine c = cmd; c.getParent() != null; c = c.getParent()) {
      path.insert(0, " " + c.getCommandName());
    }
    return "./sorcen" + path;
  }
}
