package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which config differences block a resume, including fields a saved config predates. */
class ConfigDiffTest {
  @Test
  void observationFieldsMayDifferOthersMayNot() {
    String saved =
        "{\"name\": \"a\", \"train\": {\"log_every_steps\": 10, \"seed\": 0}, \"eval\": {\"knn\": 1}}";
    String now =
        "{\"name\": \"b\", \"train\": {\"log_every_steps\": 20, \"seed\": 1}, \"eval\": {\"knn\": 2}}";
    assertEquals(List.of("train.seed (was 0, now 1)"), ConfigDiff.incompatible(saved, now));
  }

  @Test
  void aFieldTheSavedConfigPredatesStandsForTheOldBehaviour() {
    String old = "{\"ema\": {\"beta\": 0.99}, \"train\": {\"seed\": 0}}";
    String trained =
        "{\"ema\": {\"beta\": 0.99, \"momentum_projector\": \"trained\"}, "
            + "\"train\": {\"seed\": 0, \"batch_norm_statistics\": \"global\"}}";
    List<String> diff = ConfigDiff.incompatible(old, trained);
    assertEquals(1, diff.size(), diff.toString());
    assertTrue(
        diff.get(0)
            .startsWith(
                "ema.momentum_projector (was \"ema\", as before the field existed; now "
                    + "\"trained\": pass --set ema.momentum_projector=ema to resume)"),
        diff.get(0));

    String asBefore = trained.replace("\"trained\"", "\"ema\"");
    assertEquals(List.of(), ConfigDiff.incompatible(old, asBefore));
    // A field nobody knows the old behaviour of is still a difference.
    assertEquals(
        List.of("train.other (was null, now 1)"),
        ConfigDiff.incompatible(
            old, asBefore.replace("\"seed\": 0,", "\"seed\": 0, \"other\": 1,")));
  }

  /** Runs written before online tokenization trained on tokens, with the crop fields at their defaults. */
  @Test
  void aRunFromBeforeOnlineTokenizationTrainedOnTokens() {
    String old = "{\"train\": {\"seed\": 0}}";
    String tokens =
        "{\"train\": {\"seed\": 0, \"input\": \"tokens\", \"crop_scale_min\": 0.2, "
            + "\"crop_scale_max\": 1.0, \"horizontal_flip\": true, \"crop_interpolation\": \"bilinear\"}}";
    assertEquals(List.of(), ConfigDiff.incompatible(old, tokens));
    List<String> diff = ConfigDiff.incompatible(old, tokens.replace("\"tokens\"", "\"images\""));
    assertEquals(1, diff.size(), diff.toString());
    assertTrue(diff.get(0).startsWith("train.input (was \"tokens\""), diff.get(0));
  }

  /** The workers' start-up agreement uses the resume rule: observation fields may differ. */
  @Test
  void workersAgreeOnEverySectionWithoutTheFieldsThatMayDiffer() {
    String chief =
        "{\"name\": \"a\", \"train\": {\"log_every_steps\": 10, \"seed\": 0}, "
            + "\"eval\": {\"knn\": 1}, \"optimizer\": {\"blr\": 1}}";
    String observedOtherwise =
        "{\"name\": \"b\", \"train\": {\"log_every_steps\": 20, \"seed\": 0}, "
            + "\"eval\": {\"knn\": 2}, \"optimizer\": {\"blr\": 1}}";
    Map<String, Long> digests = ConfigDiff.sectionDigests(chief);
    assertEquals(List.of("train", "optimizer"), List.copyOf(digests.keySet()));
    assertEquals(digests, ConfigDiff.sectionDigests(observedOtherwise));
    Map<String, Long> otherSeed =
        ConfigDiff.sectionDigests(observedOtherwise.replace("\"seed\": 0", "\"seed\": 1"));
    assertNotEquals(digests.get("train"), otherSeed.get("train"));
    assertEquals(digests.get("optimizer"), otherSeed.get("optimizer"));
    assertEquals(
        Long.parseUnsignedLong(ConfigDiff.hash("{\"seed\":0}").substring(0, 16), 16),
        digests.get("train"));
  }
}
