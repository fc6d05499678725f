package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad values are refused at the door: exit 2, one {@code error:} line naming what to change, and
 * the directory as it was. (Non-finite weights: official/NonFiniteWeightsTest; no columns: ImportCommandTest.)
 */
class BadValuesTest {
  static void assertRefused(
      RunFaultsTest.Result r, String says, Path dir, Map<String, String> before) {
    assertEquals(2, r.code(), r.err() + r.out());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: ") && r.err().contains(says), r.err());
    assertEquals(before, Snapshot.of(dir));
  }

  @Test
  void aRunNameThatLeavesRunsIsRefused(@TempDir Path tmp) {
    Map<String, String> before = Snapshot.of(FinishedRun.ROOT);
    RunFaultsTest.Result r =
        RunFaultsTest.cli(
            "train",
            "--config",
            FinishedRun.CONFIG.toString(),
            "--data",
            FinishedRun.DATA.toString(),
            "--set",
            "name=../../escaped");
    assertRefused(
        r,
        "name '../../escaped' is not a plain directory name under runs/",
        FinishedRun.ROOT,
        before);
    assertFalse(Files.exists(Path.of("../../escaped")));
  }

  @Test
  void aRunJsonThatIsNotAnObjectIsRefusedRatherThanExportingFewerModels(@TempDir Path tmp)
      throws Exception {
    Path run = RunFaultsTest.copyOfFinished(tmp);
    Files.writeString(run.resolve("run.json"), "[1,2,3]");
    Map<String, String> before = Snapshot.of(tmp);
    RunFaultsTest.Result r =
        RunFaultsTest.cli(
            "export", "--run", run.toString(), "--out", tmp.resolve("models").toString());
    assertRefused(r, "run.json: not a run description", tmp, before);
  }

  @Test
  void aCheckpointJsonWithANegativeStepIsRefused(@TempDir Path tmp) throws Exception {
    assertExportRefusesSidecar(
        tmp,
        written -> written.replaceFirst("\"step\" : 12", "\"step\" : -5"),
        "step -5 is negative");
  }

  @Test
  void aCheckpointJsonWithANegativeTrainingTimeIsRefused(@TempDir Path tmp) throws Exception {
    assertExportRefusesSidecar(
        tmp,
        written -> written.replaceFirst("\"train_seconds\" : [0-9.E]+", "\"train_seconds\" : -1.5"),
        "train_seconds -1.5 is not a finite number ≥ 0");
  }

  /**
   * Rewrites the step-12 checkpoint's sidecar of a copy of the finished run with {@code craft}, then
   * checks that exporting that checkpoint is refused with {@code says} and leaves {@code tmp} as it
   * was.
   */
  private static void assertExportRefusesSidecar(Path tmp, UnaryOperator<String> craft, String says)
      throws Exception {
    Path run = RunFaultsTest.copyOfFinished(tmp);
    Path ckpt = RunFaultsTest.checkpoint(run, 12);
    Path sidecar = ckpt.resolve(Checkpoints.SIDECAR);
    String written = Files.readString(sidecar);
    String crafted = craft.apply(written);
    assertFalse(crafted.equals(written), "the crafted field is not in the sidecar: " + written);
    Files.writeString(sidecar, crafted);
    Map<String, String> before = Snapshot.of(tmp);
    RunFaultsTest.Result r =
        RunFaultsTest.cli(
            "export",
            "--run",
            run.toString(),
            "--checkpoint",
            ckpt.toString(),
            "--out",
            tmp.resolve("models").toString());
    assertRefused(r, says, tmp, before);
  }
}
