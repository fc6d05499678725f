package org.sorcen.train.cli;

import picocli.CommandLine.Command;

/** `./sorcen eval ...`: the evaluators of frozen representations and of generation. */
@Command(name = "eval", description = "Evaluate a trained encoder (knn, linear-probe, few-shot, all) or generator "
    + "(fd).", subcommands = {FeatureEvalCommand.Knn.class, FeatureEvalCommand.LinearProbe.class,
        FeatureEvalCommand.FewShot.class, FeatureEvalCommand.All.class, FdCommand.class})
final class EvalCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "name an evaluator: knn, linear-probe, few-shot, all or fd");
  }
}
