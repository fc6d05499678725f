package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sorcen.train.reference.ReferenceCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "verify-reference",
    description = "Run the deterministic forward pass on a reference fixture (safetensors: official weights, "
        + "explicit inputs, expected.* outputs) and report the error of every expected tensor. Exits 1 when "
        + "any tensor exceeds 1e-4 relative and 1e-5 absolute error.")
final class VerifyReferenceCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FIXTURE", description = "A .safetensors fixture as in data/reference/README.md, e.g. "
      + "data/reference/sorcen-reference-tiny.safetensors.")
  Path fixture;

  @Override
  public Integer call() {
    ReferenceCheck.Report report = ReferenceCheck.run(fixture);
    System.out.printf("%s (method %s)%n", fixture, report.method());
    System.out.printf("%-30s %10s %14s %14s  %s%n", "tensor", "size", "max abs err", "max rel err", "result");
    for (ReferenceCheck.Row r : report.rows()) {
      System.out.printf("%-30s %10d %14.3e %14.3e  %s%n", r.name(), r.size(), r.maxAbsolute(), r.maxRelative(),
          r.passed() ? "ok" : "FAIL" + (r.problem() != null ? " (" + r.problem() + ")" : ""));
    }
    if (!report.unused().isEmpty()) {
      System.out.println("unused tensors in the file: " + String.join(", ", report.unused()));
    }
    System.out.println(report.passed() ? "PASS: the graph reproduces the reference"
        : "FAIL: tolerance is 1e-4 relative or 1e-5 absolute");
    return report.passed() ? 0 : 1;
  }
}
