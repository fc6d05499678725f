package org.sorcen.train.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.ModelExport;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.ConfigDiff;
import org.sorcen.train.run.RunLayout;
import org.sorcen.train.run.Snapshot;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;

/**
 * NaN or Inf weights are refused at import (named by tensor), and a model holding them fails
 * {@code export --verify} and is not exported from a run: nothing is written in either case.
 */
class NonFiniteWeightsTest {
  static final String TENSOR = "token_emb.word_embeddings.weight";

  /** The source fixture with a NaN and an Inf in {@link #TENSOR}. */
  static Path withNan(Path tmp) throws Exception {
    byte[] b = Files.readAllBytes(ImportOfficialTest.SOURCE);
    long headerLen = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Safetensors.Entry e = Safetensors.read(ImportOfficialTest.SOURCE).entry(TENSOR);
    ByteBuffer data = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    data.putFloat((int) (8 + headerLen + e.begin()), Float.NaN);
    data.putFloat((int) (8 + headerLen + e.begin() + 4), Float.POSITIVE_INFINITY);
    Path p = tmp.resolve("nan.safetensors");
    Files.write(p, b);
    return p;
  }

  static void assertRefused(ImportOfficialTest.Cli r, int code, String says) {
    assertEquals(code, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().contains(says), r.err());
  }

  @Test
  void aSorcenCheckpointWithNanIsRefusedNamingTheTensor(@TempDir Path tmp) throws Exception {
    Path nan = withNan(tmp);
    Path config = ImportOfficialTest.tinyConfig(tmp);
    Map<String, String> before = Snapshot.of(tmp);
    ImportOfficialTest.Cli r =
        ImportOfficialTest.cli(
            "import-official",
            "--checkpoint",
            nan.toString(),
            "--config",
            config.toString(),
            "--out",
            tmp.resolve("run").toString());
    assertRefused(r, 2, "NaN or Inf values in tensor '" + TENSOR + "' (2 of ");
    assertEquals(before, Snapshot.of(tmp));
  }

  @Test
  void aVqganWithNanIsRefusedNamingTheTensors(@TempDir Path tmp) throws Exception {
    // Every storage of the fixture filled with 0xFF bytes: NaN as float32.
    Path bad = tmp.resolve("nan-vqgan.ckpt");
    try (ZipFile in = new ZipFile(VqganImportTest.VQGAN.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bad))) {
      for (Enumeration<? extends ZipEntry> it = in.entries(); it.hasMoreElements(); ) {
        ZipEntry e = it.nextElement();
        byte[] content = in.getInputStream(e).readAllBytes();
        if (e.getName().contains("/data/")) {
          Arrays.fill(content, (byte) 0xff);
        }
        ZipEntry copy = new ZipEntry(e.getName());
        copy.setMethod(ZipEntry.STORED);
        copy.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        copy.setCrc(crc.getValue());
        out.putNextEntry(copy);
        out.write(content);
        out.closeEntry();
      }
    }
    Map<String, String> before = Snapshot.of(tmp);
    ImportOfficialTest.Cli r =
        VqganImportTest.importWith(tmp, bad, VqganImportTest.TINY_VQGAN, tmp.resolve("run"));
    assertRefused(r, 2, "NaN or Inf values in tensor '");
    assertTrue(r.err().contains("more tensors"), r.err());
    Snapshot.of(tmp).keySet().stream()
        .filter(k -> !before.containsKey(k))
        .forEach(
            k ->
                assertTrue(
                    k.startsWith("tiny.json") || k.startsWith("vqgan-"), k)); // the test's configs
  }

  @Test
  void aModelWithNanFailsVerifyAndARunWithNanIsNotExported(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    ImportOfficialTest.Cli ok =
        ImportOfficialTest.cli(
            "import-official",
            "--checkpoint",
            ImportOfficialTest.SOURCE.toString(),
            "--config",
            ImportOfficialTest.tinyConfig(tmp).toString(),
            "--out",
            run.toString());
    assertEquals(0, ok.code(), ok.err());
    // A newer checkpoint holding the NaN weights, as a diverged fine-tuning might leave it.
    JobConfig cfg = JobConfig.load(run.resolve("config.json")).validated();
    String configJson = ConfigLoader.toJson(cfg);
    Path ckpt;
    try (TrainingSession s = TrainingSession.create(cfg, true, 1, SessionSettings.defaults())) {
      s.loadOfficialWeights(Safetensors.read(withNan(tmp)));
      ckpt =
          new Checkpoints(new RunLayout(run).checkpoints(), Integer.MAX_VALUE)
              .save(
                  s,
                  new Checkpoints.Sidecar(1, 0, 0, 0, ConfigDiff.hash(configJson), 0, null, null),
                  configJson);
    }
    Path verifyRoot = tmp.resolve("verify");
    Path model = ModelExport.encoder(cfg, Checkpoints.prefix(ckpt), verifyRoot, 1);
    ImportOfficialTest.Cli v = ImportOfficialTest.cli("export", "--verify", model.toString());
    assertEquals(1, v.code(), v.out() + v.err());
    assertTrue(
        v.out().contains("FAILED") && v.out().contains("output 'embedding' is not finite"),
        v.out());

    Map<String, String> before = Snapshot.of(tmp);
    ImportOfficialTest.Cli e =
        ImportOfficialTest.cli(
            "export", "--run", run.toString(), "--out", tmp.resolve("models").toString());
    assertRefused(e, 2, "sorcen-encoder as exported: output 'embedding' is not finite");
    assertEquals(before, Snapshot.of(tmp));
  }
}
