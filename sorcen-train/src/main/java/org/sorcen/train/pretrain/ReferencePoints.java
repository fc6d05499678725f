package org.sorcen.train.pretrain;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.SourceImages;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.eval.EvalInputs;
import org.sorcen.train.eval.Evaluator;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.eval.FrozenFeatures;
import org.sorcen.train.eval.Representations;
import org.sorcen.train.session.TrainingSession;

/**
 * What a trained encoder's k-NN is read against, so that a run shows whether training paid: the
 * same k-NN (same k, temperature and memory rows) on the encoder at initialisation (before the
 * first update), on the raw pixels of the same images, and on the bag of token ids. Computed once,
 * when a run starts from step 0; kept in {@code metrics.jsonl} as kind {@value #KIND} at step 0,
 * which a resumed run reads back.
 */
public final class ReferencePoints {
  public static final String KIND = "reference";
  public static final String INIT = "knn/init";
  public static final String PIXELS = "knn/pixels";
  public static final String BAG = "knn/bag_of_tokens";
  private static final String KNN = "knn";
  private static final String TRAINED = "eval/knn_top1";

  private ReferencePoints() {}

  /** Whether the run has what the reference points need: k-NN selected and a labelled held-out split. */
  public static boolean apply(JobConfig c, TokenDataset data) {
    return c.eval.evaluators.contains(KNN)
        && data.manifest().numClasses > 1
        && data.manifest().splits.containsKey(c.eval.heldOutSplit);
  }

  /** The three figures (pixels left out, with a note, when the dataset's source images are unknown). */
  public static Map<String, Double> compute(
      JobConfig c, TrainingSession session, TokenDataset data, PrintStream log) {
    String heldOut = c.eval.heldOutSplit;
    int classes = data.manifest().numClasses;
    Evaluator knn = EvaluatorRegistry.standard().get(KNN).orElseThrow();
    TokenArrays train = data.readAll("train");
    TokenArrays test = data.readAll(heldOut);
    Map<String, Double> out = new LinkedHashMap<>();
    log.println(
        "sorcen: reference points for the k-NN (the encoder at initialisation, raw pixels, token ids):");
    out.put(
        INIT,
        top1(
            knn,
            c,
            Representations.encoder(
                ids -> session.inference().embed(ids, PeriodicEvaluation.EMBED_BATCH),
                train,
                test,
                classes,
                c.eval.knnTrainRows),
            log));
    String[] why = new String[1];
    Map<String, ImageSet> images = SourceImages.of(data, why);
    if (images != null) {
      out.put(
          PIXELS,
          top1(
              knn,
              c,
              Representations.pixels(images.get("train"), images.get(heldOut), classes),
              log));
    } else {
      log.println("sorcen: no raw-pixel reference point: " + why[0]);
    }
    out.put(
        BAG,
        top1(
            knn,
            c,
            Representations.bagOfTokens(train, test, data.manifest().codebookSize, classes),
            log));
    return out;
  }

  private static double top1(Evaluator knn, JobConfig c, FrozenFeatures f, PrintStream log) {
    return knn.run(c.eval, EvalInputs.features(f, c.train.seed, log), log).get(TRAINED);
  }

  /**
   * One line: the trained k-NN beside the reference points, e.g. {@code k-NN top-1: trained
   * 66.10% | encoder at initialisation 51.30% (+14.80 points) | raw pixels 80.40% | token ids 58.50%}.
   */
  public static String summary(Map<String, Double> references, Map<String, Double> evaluation) {
    Double trained = evaluation.get(TRAINED);
    if (trained == null || references.isEmpty()) {
      return null;
    }
    StringBuilder s =
        new StringBuilder(String.format(Locale.ROOT, "k-NN top-1: trained %.2f%%", 100 * trained));
    for (var e :
        List.of(
            Map.entry(INIT, "encoder at initialisation"),
            Map.entry(PIXELS, "raw pixels"),
            Map.entry(BAG, "token ids (bag)"))) {
      Double v = references.get(e.getKey());
      if (v != null) {
        s.append(
            String.format(
                Locale.ROOT,
                " | %s %.2f%% (%+.2f points)",
                e.getValue(),
                100 * v,
                100 * (trained - v)));
      }
    }
    return s.toString();
  }
}
