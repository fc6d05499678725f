package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.graph.config.EmaConfig;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.train.reference.OneStepReplay;
import org.sorcen.train.reference.ReferenceCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "verify-reference",
    description =
        "Check the graph against a reference fixture (data/reference/README.md). A forward fixture "
            + "(expected.* outputs): the deterministic forward pass, every expected tensor within 1e-4 relative or "
            + "1e-5 absolute. A one-step fixture (__metadata__.step): one training step replayed with the lr, beta "
            + "and clipping it records, every tensor after the step within 1e-5 relative. Exits 3 on FAIL.")
final class VerifyReferenceCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "FIXTURE",
      description =
          "A .safetensors fixture as in data/reference/README.md, e.g. "
              + "data/reference/official-forward-tiny.safetensors or data/reference/official-one-step-tiny.safetensors.")
  Path fixture;

  @Override
  public Integer call() {
    boolean passed = OneStepReplay.isOneStep(Safetensors.read(fixture)) ? oneStep() : forward();
    // A build that does not reproduce the reference diverged from it (ErrorPolicy: exit 3).
    return passed ? 0 : ErrorPolicy.DIVERGED;
  }

  private boolean forward() {
    ReferenceCheck.Report report = ReferenceCheck.run(fixture);
    System.out.printf("%s (method %s)%n", fixture, report.method());
    System.out.printf(
        "%-30s %10s %14s %14s  %s%n", "tensor", "size", "max abs err", "max rel err", "result");
    for (ReferenceCheck.Row r : report.rows()) {
      System.out.printf(
          "%-30s %10d %14.3e %14.3e  %s%n",
          r.name(),
          r.size(),
          r.maxAbsolute(),
          r.maxRelative(),
          r.passed() ? "ok" : "FAIL" + (r.problem() != null ? " (" + r.problem() + ")" : ""));
    }
    if (!report.unused().isEmpty()) {
      System.out.println("unused tensors in the file: " + String.join(", ", report.unused()));
    }
    System.out.println(
        report.passed()
            ? "PASS: the graph reproduces the reference"
            : "FAIL: tolerance is 1e-4 relative or 1e-5 absolute");
    return report.passed();
  }

  private boolean oneStep() {
    OneStepReplay.Report report = OneStepReplay.run(fixture, EmaConfig.TRAINED);
    System.out.printf(
        "%s: one official training step, lr %.6g and beta %.6f from __metadata__.step%n",
        fixture, report.lr(), report.beta());
    System.out.printf(
        "%-54s %7s %12s  %-6s %s%n", "group", "tensors", "worst rel", "result", "worst tensor");
    int vanishing = 0;
    for (Map.Entry<String, List<OneStepReplay.Row>> g : report.groups().entrySet()) {
      List<OneStepReplay.Row> rows = g.getValue();
      OneStepReplay.Row worst =
          rows.stream().max((a, b) -> Double.compare(rank(a), rank(b))).orElseThrow();
      boolean ok = rows.stream().allMatch(OneStepReplay.Row::passed);
      System.out.printf(
          "%-54s %7d %12.3e  %-6s %s%s%n",
          g.getKey(),
          rows.size(),
          worst.relative(),
          ok ? "PASS" : "FAIL",
          worst.name(),
          worst.problem() != null ? " (" + worst.problem() + ")" : "");
      vanishing +=
          rows.stream()
              .filter(r -> !r.name().contains(".exp_avg"))
              .mapToInt(OneStepReplay.Row::vanishing)
              .sum();
    }
    System.out.println(
        "elements whose official gradient is zero or within a few AdamW eps of it, "
            + "held to one Adam step (float32 cannot resolve it there): "
            + vanishing);
    report.problems().forEach(p -> System.out.println("FAIL: " + p));
    System.out.println(
        report.passed()
            ? "PASS: the graph reproduces the official step"
            : "FAIL: tolerance is 1e-5 relative per tensor");
    return report.passed();
  }

  /** A failed row outranks any error, NaN included. */
  private static double rank(OneStepReplay.Row r) {
    return r.passed() ? r.relative() : Double.POSITIVE_INFINITY;
  }
}
