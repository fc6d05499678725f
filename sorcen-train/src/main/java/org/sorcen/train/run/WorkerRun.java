package org.sorcen.train.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.train.cluster.Agreement;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.loop.TrainingLoop;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.StepMetrics;
import org.sorcen.train.session.TrainingSession;

/**
 * A non-chief worker of a data-parallel run: it writes nothing (no lock, no metrics, no checkpoint);
 * it takes the chief's variables at start-up and runs its share of every step until the run's end,
 * printing progress to stderr.
 */
final class WorkerRun {
  private final Trainer.Options o;
  private final PrintStream log;
  private final StopRequest stop;

  WorkerRun(Trainer.Options o, PrintStream log, StopRequest stop) {
    this.o = o;
    this.log = log;
    this.stop = stop;
  }

  Trainer.Outcome run(
      TokenDataset data,
      long records,
      long stepsPerEpoch,
      long totalSteps,
      boolean withLabels,
      String configJson) {
    SorcenConfig config = o.config();
    BatchInput input =
        new BatchInput.FromShards(
            data.shards("train"),
            config.train.batchSize,
            Math.min(config.train.shuffleBuffer, records),
            withLabels);
    try (TrainingSession session =
        TrainingSession.create(config, input, stepsPerEpoch, o.settings(), o.workers())) {
      session.cluster().voteStop(stop::requested);
      session.cluster().join(mustAgree(o, data, records, configJson));
      long step = session.currentStep();
      log.printf(
          Locale.ROOT,
          "sorcen: worker %d of %d from step %d of %d (the chief, worker 0, writes the run)%n",
          o.workers().spec().taskIndex(),
          o.workers().spec().size(),
          step,
          totalSteps);
      if (step < totalSteps) {
        TrainingLoop loop =
            new TrainingLoop(
                    log, totalSteps, stepsPerEpoch, config.train.batchSize, stop, Trainer::losses)
                .stopWhen(session.cluster()::stopAgreed);
        step =
            loop.run(
                step,
                done -> {
                  session.positionFor(done, stepsPerEpoch);
                  StepMetrics m = session.step();
                  if (m == null) {
                    throw Trainer.endedEarly(done, stepsPerEpoch);
                  }
                  return m;
                });
        if (step < totalSteps) {
          log.printf(
              Locale.ROOT,
              "%nsorcen: worker %d: %s at step %d of %d; the chief writes the checkpoint. Resume "
                  + "with the same command on every worker.%n",
              o.workers().spec().taskIndex(),
              Trainer.stopReason(stop, session),
              step,
              totalSteps);
        }
      }
      return new Trainer.Outcome(step, totalSteps, step < totalSteps, Map.of(), null, List.of());
    }
  }

  /**
   * What every worker must agree on, as digests: the cluster, the dataset and each section of the
   * config without the fields that {@link ConfigDiff#mayDiffer} (only the chief uses them).
   */
  static List<Agreement.Item> mustAgree(
      Trainer.Options o, TokenDataset data, long records, String configJson) {
    List<Agreement.Item> items = new ArrayList<>();
    items.add(new Agreement.Item("worker count", o.workers().spec().size()));
    items.add(
        new Agreement.Item(
            "--cluster list", ConfigDiff.digest(String.join(",", o.workers().spec().workers()))));
    items.add(new Agreement.Item("dataset (train records)", records));
    try {
      String manifest = new ObjectMapper().writeValueAsString(data.manifest());
      items.add(new Agreement.Item("dataset (manifest)", ConfigDiff.digest(manifest)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ConfigDiff.sectionDigests(configJson)
        .forEach(
            (section, digest) ->
                items.add(new Agreement.Item("config section \"" + section + "\"", digest)));
    return items;
  }
}
