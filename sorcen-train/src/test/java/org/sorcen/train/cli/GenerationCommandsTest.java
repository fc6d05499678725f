package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.ModelExport;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDatasetWriter;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.data.importers.IdxWriter;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.eval.FdEvaluation;
import org.sorcen.train.eval.GeneratedImages;
import org.sorcen.train.eval.GenerationEvaluation;
import org.sorcen.train.eval.TinyClassifier;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Trainer;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;
import org.sorcen.train.tokenizer.TinyTokenizer;
import org.sorcen.train.tokenizer.TokenizerTrainer;
import picocli.CommandLine;

/**
 * {@code generate} and the {@code fd} evaluation on tiny models: a 7×7 → 8×8 tokenizer with a 4×4
 * grid, an untrained generator over its 16 codes, and an 8×8 feature classifier.
 */
class GenerationCommandsTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final int REFERENCE = 40;

  @TempDir static Path dir;
  static Path tokenizer;
  static Path generator;
  static Path classifier;
  static Path reference;

  @BeforeAll
  static void tinyModels() {
    TokenizerConfig tc = TinyTokenizer.config(Map.of("train.epochs", "1"));
    Path tokCkpt = dir.resolve("tok").resolve("tokenizer");
    TokenizerTrainer.train(
        tc, TinyTokenizer.images(16, 2), tokCkpt, SessionSettings.defaults(), 0, QUIET);
    tokenizer = dir.resolve("tokenizer-model");
    TokenizerExport.write(tc, tokCkpt, tokenizer);

    JobConfig config =
        JobConfig.parse(
            """
        {"model": {"grid": 4, "codebook_size": 16, "embed_dim": 16, "depth": 1, "num_heads": 2,
          "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 16,
          "projector_dim": 8, "predictor_hidden_dim": 16}, "train": {"batch_size": 8}}
        """,
            "tiny",
            Map.of());
    Path prefix = dir.resolve("ckpt");
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      s.save(prefix);
    }
    generator = ModelExport.generator(config, prefix, dir.resolve("sm"), null);

    classifier = dir.resolve("classifier");
    TinyClassifier.trainAndExport(classifier, TinyClassifier.squares(2, 0));

    reference = dir.resolve("reference");
    ImageSet real = TinyTokenizer.images(REFERENCE, 5);
    IdxWriter.write(
        real,
        reference.resolve("t10k-images-idx3-ubyte.gz"),
        reference.resolve("t10k-labels-idx1-ubyte.gz"));
  }

  @Test
  void generateWritesAGridOfTheRequestedImages() throws Exception {
    Path png = dir.resolve("out").resolve("grid.png");
    Files.createDirectories(png.getParent());
    int exit =
        SorcenCli.commandLine()
            .execute(
                "generate",
                "--generator",
                generator.toString(),
                "--tokenizer",
                tokenizer.toString(),
                "--n",
                "5",
                "--columns",
                "4",
                "--steps",
                "4",
                "--out",
                png.toString());
    assertEquals(0, exit);
    BufferedImage img = ImageIO.read(png.toFile());
    int cell = 8 * GenerateCommand.SCALE + 2;
    assertEquals(4 * cell + 2, img.getWidth(), "4 columns of 8x8 images drawn 2x, 2-pixel borders");
    assertEquals(2 * cell + 2, img.getHeight(), "5 images need 2 rows");
    try (var files = Files.list(png.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void sameSeedsGiveTheSameImages() {
    try (SorcenGenerator g = SorcenGenerator.load(generator);
        Tokenizer t = Tokenizer.load(tokenizer)) {
      ImageSet a = GeneratedImages.sample(g, t, 3, 10, 4.5f, 4, QUIET);
      ImageSet b = GeneratedImages.sample(g, t, 3, 10, 4.5f, 4, QUIET);
      assertArrayEquals(a.pixels(), b.pixels());
      assertEquals(8, a.height());
    }
  }

  @Test
  void fdReportsGeneratedAndTokenizerFloorFigures() {
    FdEvaluation.Report r =
        FdEvaluation.run(
            new FdEvaluation.Options(
                generator,
                tokenizer,
                reference,
                FdEvaluation.DEFAULT_SPLIT,
                classifier,
                20,
                0,
                4.5f,
                4),
            QUIET);
    assertEquals(20, r.generated().generatedCount());
    assertEquals(REFERENCE, r.generated().referenceCount());
    assertEquals(REFERENCE, r.tokenizerFloor().generatedCount());
    for (var e : new GenerationEvaluation[] {r.generated(), r.tokenizerFloor()}) {
      assertTrue(Double.isFinite(e.fd()) && e.fd() > -1e-9, "FD " + e.fd());
      assertTrue(
          e.isMean() >= 1 - 1e-9 && e.isMean() <= TinyClassifier.CLASSES + 1e-9,
          "IS " + e.isMean());
    }
    assertTrue(r.format().contains("not ImageNet-Inception FID"), r.format());

    EvaluatorRegistry registry = EvaluatorRegistry.standard();
    GenerationEvalCommand fd =
        CommandLine.populateCommand(
            new GenerationEvalCommand(registry, registry.get("fd").orElseThrow()),
            "--generator",
            "g",
            "--tokenizer",
            "t",
            "--reference",
            "r");
    assertEquals(FdEvaluation.DEFAULT_COUNT, fd.count);
    assertEquals(IterativeDecoder.DEFAULT_TEMPERATURE, fd.temperature);
    assertEquals(IterativeDecoder.DEFAULT_STEPS, fd.steps);
    assertEquals("t10k", fd.split);
    assertFalse(fd.classifier != null, "the committed classifier is the default");
  }

  /** fd as a periodic evaluator of train: on the model's own samples, decoded by the run's tokenizer. */
  @Test
  void fdRunsInTrainWithTheRunsTokenizer() {
    Random r = new Random(0);
    long[] ids = new long[16 * 16];
    Arrays.setAll(ids, i -> r.nextInt(16));
    long[] unlabelled = new long[16];
    Arrays.fill(unlabelled, -1);
    TokenArrays rows = new TokenArrays(16, 16, ids, unlabelled, List.of());
    Path data = dir.resolve("fd-data");
    TokenDatasetWriter.write(
        data,
        4,
        16,
        List.of(),
        null,
        List.of(
            new TokenDatasetWriter.SplitRows("train", rows),
            new TokenDatasetWriter.SplitRows("test", rows)),
        false);
    JobConfig config =
        JobConfig.parse(
            """
        {"model": {"grid": 4, "codebook_size": 16, "embed_dim": 16, "depth": 1, "num_heads": 2,
          "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 16,
          "projector_dim": 8, "predictor_hidden_dim": 16}, "optimizer": {"warmup_epochs": 1},
         "echo": {"warmup_epochs": 1}, "train": {"batch_size": 8, "epochs": 1}}
        """,
            "tiny",
            Map.of(
                "eval.evaluators",
                "[\"fd\"]",
                "eval.generation.reference",
                reference.toString(),
                "eval.generation.classifier",
                classifier.toString(),
                "eval.generation.samples",
                "4",
                "eval.generation.steps",
                "2"));
    Trainer.Outcome out =
        new Trainer(
                new Trainer.Options(
                    config,
                    data,
                    dir.resolve("fd-run"),
                    null,
                    null,
                    SessionSettings.defaults(),
                    tokenizer),
                QUIET,
                new StopRequest())
            .run();
    assertTrue(Double.isFinite(out.evaluation().get("gen/fd")), out.evaluation().toString());
    double is = out.evaluation().get("gen/is_mean");
    assertTrue(is >= 1 - 1e-9 && is <= TinyClassifier.CLASSES + 1e-9, "IS " + is);
    assertEquals((double) REFERENCE, out.evaluation().get("gen/reference_count"));
  }
}
