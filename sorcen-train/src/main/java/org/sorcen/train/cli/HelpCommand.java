package org.sorcen.train.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./sorcen help [COMMAND...]}: the usage of the command at that path, e.g. {@code help eval fd}
 * (picocli's own help command stops at the first name). An unknown name is a usage error.
 */
@Command(
    name = "help",
    helpCommand = true,
    description =
        "Print the usage of sorcen or of a command; a path reaches a subcommand (help eval fd).")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "A command and its subcommands (eval fd).")
  List<String> path = new ArrayList<>();

  private CommandLine self;
  private CommandLine.Help.ColorScheme colors;
  private PrintWriter out;

  @Override
  public void init(
      CommandLine helpCommandLine,
      CommandLine.Help.ColorScheme colorScheme,
      PrintWriter outWriter,
      PrintWriter errWriter) {
    self = helpCommandLine;
    colors = colorScheme;
    out = outWriter;
  }

  @Override
  public void run() {
    if (!self.getUnmatchedArguments().isEmpty()) {
      // picocli tolerates unmatched arguments once help is asked for; here they are a usage error.
      throw new CommandLine.UnmatchedArgumentException(self, self.getUnmatchedArguments());
    }
    CommandLine target = self.getParent();
    for (String name : path) {
      CommandLine next = target.getSubcommands().get(name);
      if (next == null) {
        throw new CommandLine.ParameterException(
            target,
            "unknown command '"
                + name
                + "'"
                + (target.getSubcommands().isEmpty()
                    ? ": " + SorcenCli.commandPath(target) + " has no subcommands"
                    : "; "
                        + SorcenCli.commandPath(target)
                        + " has "
                        + String.join(", ", target.getSubcommands().keySet())));
      }
      target = next;
    }
    target.usage(out, colors);
    out.flush();
  }
}
