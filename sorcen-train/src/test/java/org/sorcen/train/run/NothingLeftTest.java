package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing clobbered, nothing left: outputs with a sidecar are one output, a folder that is not a
 * run is not adopted, and a refused, failed or killed command leaves no files behind.
 */
class NothingLeftTest {
  @Test
  void embedRefusesWhenEitherFileOfItsPairExistsOrTheOutputIsADirectory(@TempDir Path tmp)
      throws Exception {
    Files.writeString(tmp.resolve("keep.txt"), "the user's notes\n");
    Files.createDirectories(tmp.resolve("dir"));
    Map<String, String> before = Snapshot.of(tmp);
    // Refused before the encoder or the images are looked at.
    RunFaultsTest.Result pair =
        RunFaultsTest.cli(
            "embed",
            "--encoder",
            tmp.resolve("none").toString(),
            "--images",
            tmp.toString(),
            "--out",
            tmp.resolve("keep.npy").toString());
    BadValuesTest.assertRefused(
        pair, "keep.txt exists (these files are written as one", tmp, before);
    RunFaultsTest.Result dir =
        RunFaultsTest.cli(
            "embed",
            "--encoder",
            tmp.resolve("none").toString(),
            "--images",
            tmp.toString(),
            "--out",
            tmp.resolve("dir").toString(),
            "--force");
    BadValuesTest.assertRefused(dir, "dir is a directory: name a file", tmp, before);
  }

  @Test
  void trainDoesNotAdoptAFolderThatIsNotARun(@TempDir Path tmp) throws Exception {
    Path folder = tmp.resolve("mine");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("metrics.jsonl"), "{\"mine\": 1}\n");
    Files.writeString(folder.resolve("run.json"), "not json");
    Map<String, String> before = Snapshot.of(tmp);
    RunFaultsTest.Result r = RunFaultsTest.cli(RunFaultsTest.train(folder));
    BadValuesTest.assertRefused(r, "is not a run of this project (no config.json)", tmp, before);
  }

  @Test
  void aFailedExportLeavesNoModelDirectory(@TempDir Path tmp) throws Exception {
    Path run = RunFaultsTest.copyOfFinished(tmp);
    Path ckpt = RunFaultsTest.checkpoint(run, 12);
    // An old-style sidecar (no digests) over a bundle that lost its data: the restore fails
    // mid-export.
    ObjectNode sidecar =
        (ObjectNode) new ObjectMapper().readTree(ckpt.resolve(Checkpoints.SIDECAR).toFile());
    sidecar.remove("files");
    Files.writeString(ckpt.resolve(Checkpoints.SIDECAR), sidecar.toString());
    Files.delete(RunFaultsTest.dataFile(ckpt));
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
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("step-000000012"), r.err());
    assertEquals(before, Snapshot.of(tmp));
  }

  @Test
  void theTemporaryDirectoryOfAKilledImportIsRemovedByTheNextOne(@TempDir Path tmp)
      throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path stale = tmp.resolve(".run.tmp-" + gone.pid());
    Files.createDirectories(stale.resolve("checkpoints"));
    Files.writeString(stale.resolve("config.json"), "{}");
    Path config = Files.writeString(tmp.resolve("tiny.json"), TINY);
    RunFaultsTest.Result r =
        RunFaultsTest.cli(
            "import-official",
            "--checkpoint",
            Path.of("../data/reference/official-forward-tiny.safetensors").toString(),
            "--config",
            config.toString(),
            "--out",
            tmp.resolve("run").toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertFalse(Files.exists(stale), "the dead process's temporary is gone");
    assertTrue(Files.isRegularFile(tmp.resolve("run").resolve("config.json")));
  }

  @Test
  void aChiefWhosePeerNeverComesLeavesNoRunDirectory(@TempDir Path tmp) throws Exception {
    ClusterRunTest.needsPrivateNetwork();
    Path run = tmp.resolve("run");
    ClusterRunTest.Workers chief =
        ClusterRunTest.Workers.startEach(
            tmp,
            "lone-chief",
            List.of(
                List.of(
                    "train",
                    "--config",
                    FinishedRun.CONFIG.toString(),
                    "--data",
                    FinishedRun.DATA.toString(),
                    "--run-dir",
                    run.toString(),
                    "--cluster",
                    String.join(",", ClusterRunTest.ADDRESSES),
                    "--task-index",
                    "0",
                    "--cluster-timeout",
                    "8")));
    chief.awaitEnd(ClusterFaultsTest.BOUND_SECONDS);
    assertEquals(List.of(2), chief.exitCodes(), chief.logs());
    assertTrue(chief.log(0).contains("error: worker 0 could not reach worker 1"), chief.logs());
    assertFalse(
        Files.exists(run), "the run directory made for the start-up is gone\n" + chief.logs());
  }

  /** ImportOfficialTest's tiny model. */
  static final String TINY =
      """
      {"name": "official-tiny", "method": "sorcen",
       "model": {"grid": 4, "codebook_size": 64, "embed_dim": 32, "depth": 2, "num_heads": 4,
                 "decoder_embed_dim": 24, "decoder_depth": 1, "decoder_num_heads": 4, "mlp_ratio": 4.0,
                 "projector_hidden_dim": 64, "projector_dim": 16, "predictor_hidden_dim": 32,
                 "classifier_hidden_dim": 16, "num_classes": 10, "dropout": 0.0},
       "echo": {"top_k": 15}}
      """;
}
