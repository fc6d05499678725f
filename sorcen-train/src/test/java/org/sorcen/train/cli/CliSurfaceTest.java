package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.pretrain.Run;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The surface of {@code ./sorcen}, walked over every command and nested subcommand: help, usage
 * errors, numeric ranges, and agreement with docs/commands.md. Nothing here reaches a command's work, so
 * TensorFlow is never loaded.
 */
class CliSurfaceTest {
  record Run(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run run(String... args) {
    CommandLine cli = SorcenCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Every command path below the root, parents before children: [train], ..., [eval], [eval, knn], ... */
  static List<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(SorcenCli.commandLine(), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cmd, List<String> path, List<List<String>> into) {
    for (var e : cmd.getSubcommands().entrySet()) {
      List<String> p = new ArrayList<>(path);
      p.add(e.getKey());
      into.add(p);
      collect(e.getValue(), p, into);
    }
  }

  static CommandLine command(List<String> path) {
    CommandLine c = SorcenCli.commandLine();
    for (String name : path) {
      c = c.getSubcommands().get(name);
    }
    return c;
  }

  static String[] args(List<String> path, String... more) {
    return Stream.concat(path.stream(), Stream.of(more)).toArray(String[]::new);
  }

  @Test
  void walksEveryCommandAndNestedSubcommand() {
    List<String> names = commandPaths().stream().map(p -> String.join(" ", p)).toList();
    for (String expected :
        List.of(
            "train",
            "import",
            "tokenizer-train",
            "tokenize",
            "detokenize",
            "subset",
            "export",
            "verify-reference",
            "bench",
            "bench-serving",
            "eval",
            "eval knn",
            "eval linear-probe",
            "eval few-shot",
            "eval all",
            "eval fd",
            "experiment",
            "classifier-train",
            "generate",
            "help")) {
      assertTrue(names.contains(expected), expected + " among " + names);
    }
  }

  @Test
  void helpAndHPrintTheCommandsUsageAndExitZero() {
    for (List<String> path : commandPaths()) {
      String usage = "Usage: sorcen " + String.join(" ", path);
      for (String flag : List.of("--help", "-h")) {
        Run r = run(args(path, flag));
        assertEquals(0, r.code(), path + " " + flag + ": " + r.err());
        assertTrue(r.out().startsWith(usage), path + " " + flag + " printed:\n" + r.out());
        assertEquals("", r.err(), path + " " + flag);
      }
    }
    Run root = run("--help");
    assertEquals(0, root.code());
    assertTrue(root.out().startsWith("Usage: sorcen "), root.out());
  }

  @Test
  void helpTakesAPathOfNestedSubcommands() {
    for (List<String> path : commandPaths()) {
      Run viaHelp = run(args(List.of("help"), path.toArray(String[]::new)));
      assertEquals(0, viaHelp.code(), "help " + path + ": " + viaHelp.err());
      assertEquals(run(args(path, "--help")).out(), viaHelp.out(), "help " + path);
    }
    assertEquals(run("--help").out(), run("help").out());
    assertTrue(run("help", "eval", "fd").out().startsWith("Usage: sorcen eval fd "));
  }

  @Test
  void helpWithAnUnknownNameIsOneLineAndExitTwo() {
    for (String[] bad :
        List.of(
            new String[] {"help", "bogus"},
            new String[] {"help", "eval", "bogus"},
            new String[] {"help", "eval", "fd", "bogus"},
            new String[] {"help", "--bogus"})) {
      Run r = run(bad);
      assertEquals(2, r.code(), String.join(" ", bad));
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().startsWith("error: ") && r.err().contains("bogus"), r.err());
      assertEquals("", r.out());
    }
  }

  @Test
  void aBogusOptionIsOneLineOnStderrAndExitTwo() {
    for (List<String> path : commandPaths()) {
      Run r = run(args(path, "--no-such-option"));
      String where = String.join(" ", path);
      assertEquals(2, r.code(), where + ": " + r.err());
      assertEquals(1, r.errLines().size(), where + " printed:\n" + r.err());
      assertTrue(r.err().startsWith("error: "), r.err());
      assertTrue(r.err().strip().endsWith("(see ./sorcen " + where + " --help)"), r.err());
      assertEquals("", r.out(), where);
    }
    Run root = run("--no-such-option");
    assertEquals(2, root.code());
    assertEquals(
        List.of("error: Unknown option: '--no-such-option' (see ./sorcen --help)"),
        root.errLines());
    Run train = run("train", "--no-such-option");
    assertEquals(
        List.of("error: Unknown option: '--no-such-option' (see ./sorcen train --help)"),
        train.errLines());
  }

  @Test
  void numericFlagsOutOfRangeAreOneLineAndExitTwoWithNothingWritten(@TempDir Path tmp)
      throws IOException {
    String out = tmp.resolve("out").toString();
    String png = tmp.resolve("grid.png").toString();
    String x = tmp.resolve("missing").toString();
    List<String[]> cases =
        List.of(
            new String[] {"--threads", "train", "--threads", "-1", "--run-dir", out},
            new String[] {"--epochs", "train", "--epochs", "0", "--run-dir", out},
            new String[] {"--batch-size", "train", "--batch-size", "1", "--run-dir", out},
            new String[] {"--version", "export", "--run", x, "--out", out, "--version", "0"},
            new String[] {"--version", "export", "--run", x, "--out", out, "--version", "-3"},
            new String[] {
              "--n", "generate", "--generator", x, "--tokenizer", x, "--out", png, "--n", "0"
            },
            new String[] {
              "--batch", "embed", "--encoder", x, "--images", x, "--out", out, "--batch", "0"
            },
            new String[] {
              "--steps",
              "generate",
              "--generator",
              x,
              "--tokenizer",
              x,
              "--out",
              png,
              "--steps",
              "0"
            },
            new String[] {
              "--steps",
              "generate",
              "--generator",
              x,
              "--tokenizer",
              x,
              "--out",
              png,
              "--steps",
              "33"
            },
            new String[] {
              "--temperature",
              "generate",
              "--generator",
              x,
              "--tokenizer",
              x,
              "--out",
              png,
              "--temperature",
              "-1"
            },
            new String[] {
              "--columns",
              "generate",
              "--generator",
              x,
              "--tokenizer",
              x,
              "--out",
              png,
              "--columns",
              "0"
            },
            new String[] {
              "--n", "eval", "fd", "--generator", x, "--tokenizer", x, "--reference", x, "--n", "1"
            },
            new String[] {
              "--steps",
              "eval",
              "fd",
              "--generator",
              x,
              "--tokenizer",
              x,
              "--reference",
              x,
              "--steps",
              "-2"
            },
            new String[] {
              "--count", "detokenize", "--tokenizer", x, "--tokens", x, "--out", png, "--count", "0"
            },
            new String[] {
              "--columns",
              "detokenize",
              "--tokenizer",
              x,
              "--tokens",
              x,
              "--out",
              png,
              "--columns",
              "-1"
            },
            new String[] {
              "--held-out",
              "import",
              "--tokens",
              x,
              "--codebook-size",
              "8",
              "--out",
              out,
              "--held-out",
              "-1"
            },
            new String[] {
              "--codebook-size", "import", "--tokens", x, "--codebook-size", "0", "--out", out
            },
            new String[] {"--train", "subset", "--images", x, "--train", "0", "--out", out},
            new String[] {
              "--test", "subset", "--images", x, "--train", "5", "--test", "-1", "--out", out
            },
            new String[] {
              "--held-out",
              "tokenize",
              "--tokenizer",
              x,
              "--images",
              x,
              "--out",
              out,
              "--held-out",
              "-5"
            },
            new String[] {
              "--max-steps",
              "tokenizer-train",
              "--images",
              x,
              "--config",
              x,
              "--out",
              out,
              "--max-steps",
              "-1"
            },
            new String[] {
              "--threads",
              "tokenizer-train",
              "--images",
              x,
              "--config",
              x,
              "--out",
              out,
              "--threads",
              "-1"
            },
            new String[] {
              "--epochs", "classifier-train", "--images", x, "--out", out, "--epochs", "-1"
            },
            new String[] {
              "--batch-size", "classifier-train", "--images", x, "--out", out, "--batch-size", "0"
            },
            new String[] {
              "--threads", "classifier-train", "--images", x, "--out", out, "--threads", "-1"
            },
            new String[] {"--threads", "bench", "--threads", "-1"},
            new String[] {"--warmup", "bench", "--warmup", "-1"},
            new String[] {"--steps", "bench", "--steps", "0"},
            new String[] {"--batch-size", "bench", "--batch-size", "0"},
            new String[] {"--batch", "bench-serving", "--run", x, "--batch", "0"},
            new String[] {"--calls", "bench-serving", "--run", x, "--calls", "0"},
            new String[] {"--images", "bench-serving", "--run", x, "--images", "-1"});
    for (String[] c : cases) {
      String option = c[0];
      String[] argv = Arrays.copyOfRange(c, 1, c.length);
      String what = String.join(" ", argv);
      Run r = run(argv);
      assertEquals(2, r.code(), what + ": " + r.err());
      assertEquals(1, r.errLines().size(), what + " printed:\n" + r.err());
      assertTrue(r.err().startsWith("error: " + option + " must "), what + ": " + r.err());
      assertEquals("", r.out(), what);
      try (Stream<Path> left = Files.list(tmp)) {
        assertEquals(List.of(), left.toList(), what + " wrote something");
      }
    }
    assertEquals(
        List.of("error: --threads must be at least 0, got -1 (see ./sorcen train --help)"),
        run("train", "--threads", "-1").errLines());
    assertEquals(
        List.of("error: --version must be at least 1, got -3 (see ./sorcen export --help)"),
        run("export", "--run", x, "--out", out, "--version", "-3").errLines());
  }

  @Test
  void aNonNumberIsOneLineToo() {
    Run r =
        run("generate", "--generator", "g", "--tokenizer", "t", "--out", "o.png", "--n", "many");
    assertEquals(2, r.code());
    assertEquals(
        List.of(
            "error: Invalid value for option '--n': 'many' is not an int (see ./sorcen generate --help)"),
        r.errLines());
  }

  // docs/commands.md agreement
  // ---------------------------------------------------------------------

  static String commandsDoc() throws IOException {
    return Files.readString(Path.of("../docs/commands.md"));
  }

  /**
   * Where docs/commands.md shows a command's usage: "./sorcen eval fd ..." or, for a subcommand
   * listed among alternatives, "./sorcen eval knn|linear-probe|few-shot|all ...". Each usage runs
   * from the match to the end of its block: a blank line, the next "./sorcen" line, bullet, fence or
   * heading.
   */
  static List<String> docUsages(String doc, List<String> path) {
    String parents =
        path.subList(0, path.size() - 1).stream()
            .map(p -> Pattern.quote(p) + " ")
            .reduce("", String::concat);
    String leaf = Pattern.quote(path.get(path.size() - 1));
    Pattern p = Pattern.compile("\\./sorcen " + parents + "(?:[a-z-]+\\|)*" + leaf + "(?![a-z-])");
    List<String> usages = new ArrayList<>();
    Matcher m = p.matcher(doc);
    while (m.find()) {
      StringBuilder usage = new StringBuilder();
      String[] lines = doc.substring(m.start()).split("\n", -1);
      usage.append(lines[0]);
      for (int i = 1; i < lines.length; i++) {
        String t = lines[i].strip();
        if (t.isEmpty()
            || t.startsWith("./sorcen ")
            || t.startsWith("- ")
            || t.startsWith("```")
            || t.startsWith("#")) {
          break;
        }
        usage.append('\n').append(lines[i]);
      }
      usages.add(usage.toString());
    }
    return usages;
  }

  @Test
  void everyCommandPathIsInTheCommandsDoc() throws IOException {
    String doc = commandsDoc();
    for (List<String> path : commandPaths()) {
      assertFalse(
          docUsages(doc, path).isEmpty(),
          "docs/commands.md never shows ./sorcen " + String.join(" ", path));
    }
  }

  @Test
  void everyLongOptionIsInItsCommandsUsageInTheCommandsDoc() throws IOException {
    String doc = commandsDoc();
    for (List<String> path : commandPaths()) {
      List<String> usages = docUsages(doc, path);
      for (OptionSpec o : command(path).getCommandSpec().options()) {
        if (o.inherited()) {
          continue; // -h/--help, documented once for every command
        }
        for (String name : o.names()) {
          if (name.startsWith("--")) {
            Pattern word = Pattern.compile(Pattern.quote(name) + "(?![a-z-])");
            assertTrue(
                usages.stream().anyMatch(u -> word.matcher(u).find()),
                "docs/commands.md's usage of ./sorcen "
                    + String.join(" ", path)
                    + " lacks "
                    + name
                    + "; usages found:\n"
                    + String.join("\n--\n", usages));
          }
        }
      }
    }
    for (OptionSpec o : SorcenCli.commandLine().getCommandSpec().options()) {
      for (String name : o.names()) {
        if (name.startsWith("--")) {
          assertTrue(
              doc.contains("./sorcen " + name) || doc.contains("<command> " + name),
              "docs/commands.md lacks ./sorcen " + name);
        }
      }
    }
  }
}
