package org.sorcen.train.pretrain;

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
import org.sorcen.train.loop.RunHarness;
import org.sorcen.train.loop.TrainingLoop;
import org.sorcen.train.run.ConfigDiff;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.StepMetrics;
import org.sorcen.train.session.TrainingSession;

/**
 * A non-chief worker of a data-parallel run: it writes nothing (no lock, no metrics, no checkpoint);
 * it takes the chief's variables at start-up and runs its share of every step until the run's end,
 * printing progress to stderr. A {@link RunHarness} run without a directory.
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
    RunHarness.Plan plan =
        RunHarness.Plan.withoutDirectory(config.train, stepsPerEpoch, totalSteps);
    return new RunHarness(plan, log, stop)
        .run(
            new RunHarness.Job<TrainingSession, Trainer.Outcome>() {
              @Override
              public TrainingSession open() {
                return TrainingSession.create(
                    config, input, stepsPerEpoch, o.settings(), o.workers());
              }

              /** Joins the workers and takes the chief's variables, hence its step. */
              @Override
              public void start(RunHarness.Context<TrainingSession> run) {
                TrainingSession session = run.session();
                session.cluster().voteStop(stop::requested);
                session.cluster().join(mustAgree(o, data, records, configJson));
                run.startAt(session.currentStep());
                log.printf(
                    Locale.ROOT,
                    "sorcen: worker %d of %d from step %d of %d (the chief, worker 0, writes the "
                        + "run)%n",
                    o.workers().spec().taskIndex(),
                    o.workers().spec().size(),
                    run.step(),
                    totalSteps);
              }

              @Override
              public String describe(Map<String, Double> values) {
                return Trainer.losses(values);
              }

              /** Every worker stops after the step the stop vote agreed on. */
              @Override
              public void configure(TrainingLoop loop, RunHarness.Context<TrainingSession> run) {
                loop.stopWhen(run.session().cluster()::stopAgreed);
              }

              @Override
              public TrainingLoop.Stepper stepper(RunHarness.Context<TrainingSession> run) {
                TrainingSession session = run.session();
                return done -> {
                  session.positionFor(done, stepsPerEpoch);
                  StepMetrics m = session.step();
                  if (m == null) {
                    throw Trainer.endedEarly(done, stepsPerEpoch);
                  }
                  return m;
                };
              }

              @Override
              public Trainer.Outcome finish(
                  RunHarness.Context<TrainingSession> run, RunHarness.Ending end) {
                long step = end.reached();
                if (end.interrupted()) {
                  log.printf(
                      Locale.ROOT,
                      "%nsorcen: worker %d: %s at step %d of %d; the chief writes the checkpoint. "
                          + "Resume with the same command on every worker.%n",
                      o.workers().spec().taskIndex(),
                      Trainer.stopReason(stop, run.session()),
                      step,
                      totalSteps);
                }
                return new Trainer.Outcome(
                    step, totalSteps, end.interrupted(), Map.of(), null, List.of());
              }
            });
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
