package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDatasetWriter;
import org.sorcen.train.eval.EvalConfig;
import org.sorcen.train.eval.EvalInputs;
import org.sorcen.train.eval.Evaluator;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.pretrain.JobConfig;
import picocli.CommandLine;

/** The evaluator registry drives config validation and the {@code eval} subcommands. */
class EvaluatorRegistryTest {
  // Surefire runs in the module directory: the repository's configs are one level up.
  static final Path TINY = Path.of("..", "configs", "sorcen-tiny.json").toAbsolutePath();
  static final EvaluatorRegistry STANDARD = EvaluatorRegistry.standard();

  /** A frozen-feature evaluator the standard registry does not know: the number of held-out rows. */
  static final class HeldOutRows implements Evaluator {
    @Override
    public String name() {
      return "held-out-rows";
    }

    @Override
    public String description() {
      return "Counts the held-out rows.";
    }

    @Override
    public Input input() {
      return Input.FROZEN_FEATURES;
    }

    @Override
    public void validate(EvalConfig cfg, boolean selected, List<String> errors) {}

    @Override
    public Map<String, Double> run(EvalConfig cfg, EvalInputs in, PrintStream out) {
      return Map.of("eval/held_out_rows", (double) in.features().get().test().length);
    }
  }

  static JobConfig load(String evaluators, String... more) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("eval.evaluators", evaluators);
    for (int i = 0; i < more.length; i += 2) {
      o.put(more[i], more[i + 1]);
    }
    return JobConfig.load(TINY, o);
  }

  static String json(List<String> names) {
    return "[" + String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList()) + "]";
  }

  @Test
  void everyRegisteredEvaluatorIsAnEvalSubcommandWithHelp() {
    List<String> expected = new ArrayList<>(STANDARD.names());
    expected.add(EvalCommand.ALL);
    CommandLine eval = SorcenCli.commandLine().getSubcommands().get("eval");
    assertEquals(new TreeSet<>(expected), new TreeSet<>(eval.getSubcommands().keySet()));
    for (String name : expected) {
      StringWriter out = new StringWriter();
      CommandLine cli = SorcenCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      assertEquals(0, cli.execute("eval", name, "--help"), name);
      assertTrue(out.toString().startsWith("Usage: sorcen eval " + name + " "), out.toString());
    }
  }

  @Test
  void everyRegisteredEvaluatorIsAcceptedInTheConfigAndAnUnknownOneRefused() {
    JobConfig all = load(json(STANDARD.names()), "eval.generation.reference", "/x");
    assertEquals(STANDARD.names(), all.eval.evaluators);

    ConfigException e = assertThrows(ConfigException.class, () -> load("[\"knn\", \"bogus\"]"));
    assertTrue(e.getMessage().contains("unknown evaluator 'bogus'"), e.getMessage());
    for (String name : STANDARD.names()) {
      assertTrue(e.getMessage().contains(name), name + " not listed in: " + e.getMessage());
    }
    // An evaluator's own settings are its to check: fd needs the reference images once selected.
    ConfigException fd = assertThrows(ConfigException.class, () -> load("[\"fd\"]"));
    assertTrue(fd.getMessage().contains("eval.generation.reference is required"), fd.getMessage());
    ConfigException knn = assertThrows(ConfigException.class, () -> load("[]", "eval.knn_k", "0"));
    assertTrue(knn.getMessage().contains("eval.knn_k must be >= 1"), knn.getMessage());
  }

  @Test
  void anEvaluatorAddedToTheRegistryIsValidatedListedAndRun(@TempDir Path tmp) throws Exception {
    List<Evaluator> list = new ArrayList<>(STANDARD.all());
    list.add(new HeldOutRows());
    EvaluatorRegistry withIt = new EvaluatorRegistry(list);
    EvalConfig cfg = new EvalConfig();
    cfg.evaluators = List.of("held-out-rows");
    List<String> errors = new ArrayList<>();
    withIt.validate(cfg, errors);
    assertEquals(List.of(), errors);
    STANDARD.validate(cfg, errors);
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(
        errors.get(0).contains("held-out-rows") && errors.get(0).contains("knn"), errors.get(0));

    Path data = tmp.resolve("data");
    TokenDatasetWriter.write(
        data,
        2,
        8,
        List.of("a", "b"),
        null,
        List.of(
            new TokenDatasetWriter.SplitRows("train", rows(6)),
            new TokenDatasetWriter.SplitRows("test", rows(4))),
        false);
    for (String sub : List.of("held-out-rows", EvalCommand.ALL)) {
      Path out = tmp.resolve(sub + ".json");
      assertEquals(
          0,
          SorcenCli.commandLine(withIt)
              .execute(
                  "eval",
                  sub,
                  "--baseline",
                  "bag-of-tokens",
                  "--data",
                  data.toString(),
                  "--config",
                  TINY.toString(),
                  "--json",
                  out.toString()),
          sub);
      var results = new ObjectMapper().readTree(out.toFile()).get("results");
      assertEquals(4.0, results.get("eval/held_out_rows").asDouble(), sub);
    }
  }

  /** n rows of a 2×2 grid, two classes whose ids differ. */
  private static TokenArrays rows(int n) {
    long[] ids = new long[n * 4];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      Arrays.fill(ids, i * 4, i * 4 + 4, 4 * labels[i] + i % 3);
    }
    return new TokenArrays(n, 4, ids, labels, List.of("a", "b"));
  }
}
