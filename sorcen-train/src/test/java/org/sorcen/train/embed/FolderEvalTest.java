package org.sorcen.train.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.cli.SorcenCli;
import org.sorcen.train.pretrain.InitialRun;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.tokenizer.TinyTokenizer;
import org.sorcen.train.tokenizer.TokenizerTrainer;
import picocli.CommandLine;

/**
 * `./sorcen eval ... --image-folder`: a tiny ImageFolder (train/CLASS, test/CLASS) through an exported
 * image encoder, through a run's image encoder built in-process, and as pixels; and its refusals.
 */
class FolderEvalTest {
  @TempDir static Path dir;
  static Path run;
  static Path imageEncoder;
  static Path folder;
  static final String CONFIG =
      Path.of("..", "configs", "sorcen-tiny.json").toAbsolutePath().toString();

  @BeforeAll
  static void fixtures() throws Exception {
    TokenizerConfig tc = TinyTokenizer.config(Map.of("train.epochs", "1"));
    Path tokCkpt = dir.resolve("tok").resolve("tokenizer");
    TokenizerTrainer.train(
        tc,
        TinyTokenizer.images(16, 2),
        tokCkpt,
        SessionSettings.defaults(),
        0,
        new PrintStream(OutputStream.nullOutputStream()));
    Path tokDir = dir.resolve("tokenizer-model");
    TokenizerExport.write(tc, tokCkpt, tokDir);
    JobConfig config =
        JobConfig.parse(
            """
        {"model": {"grid": 4, "codebook_size": 16, "embed_dim": 16, "depth": 1, "num_heads": 2,
          "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 16,
          "projector_dim": 8, "predictor_hidden_dim": 16}, "train": {"batch_size": 8}}
        """,
            "t",
            Map.of());
    run = dir.resolve("run");
    Path ckpt = InitialRun.ensure(config, run, null, tokDir);
    imageEncoder = Run.open(run).exportImageEncoder(dir.resolve("sm"), ckpt, tokDir);
    folder = dir.resolve("folder");
    // Two shapes (see writeClass); the test images are larger (12×12), so they go through the
    // transform.
    writeClass(folder.resolve("train/bright"), 3, 7, 200);
    writeClass(folder.resolve("train/dark"), 3, 7, 40);
    writeClass(folder.resolve("test/bright"), 2, 12, 210);
    writeClass(folder.resolve("test/dark"), 2, 12, 30);
  }

  static void writeClass(Path classDir, int n, int side, int level) throws Exception {
    Files.createDirectories(classDir);
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
      // "bright" classes are a band across the top, the others a band down the left: cosine sees
      // shape, not level.
      boolean across = level > 100;
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          boolean in = across ? y < side / 2 && x >= i % 2 : x < side / 2 && y >= i % 2;
          img.getRaster().setSample(x, y, 0, in ? level : 0);
        }
      }
      assertTrue(ImageIO.write(img, "png", classDir.resolve("img" + i + ".png").toFile()));
    }
  }

  record Outcome(int code, String out, String err) {}

  static Outcome cli(String... args) {
    CommandLine cli = SorcenCli.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = cli.execute(args);
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(old);
    }
  }

  static JsonNode results(Path json) throws Exception {
    return new ObjectMapper().readTree(json.toFile()).get("results");
  }

  @Test
  void anImageEncoderAndTheRunItCameFromGiveTheSameFigures() throws Exception {
    Path a = dir.resolve("encoder.json");
    Outcome viaModel =
        cli(
            "eval",
            "knn",
            "--image-folder",
            folder.toString(),
            "--image-encoder",
            imageEncoder.toString(),
            "--config",
            CONFIG,
            "--set",
            "eval.knn_k=3",
            "--json",
            a.toString());
    assertEquals(0, viaModel.code(), viaModel.err());
    assertTrue(viaModel.out().contains("(train 6 rows, test 4 rows, 2 classes)"), viaModel.out());
    Path b = dir.resolve("run.json");
    Outcome viaRun =
        cli(
            "eval",
            "knn",
            "--image-folder",
            folder.toString(),
            "--run",
            run.toString(),
            "--set",
            "eval.knn_k=3",
            "--json",
            b.toString());
    assertEquals(0, viaRun.code(), viaRun.err());
    double top1 = results(a).get("eval/knn_top1").asDouble();
    assertTrue(top1 >= 0 && top1 <= 1, "top-1 " + top1);
    assertEquals(top1, results(b).get("eval/knn_top1").asDouble(), 0.0);
  }

  @Test
  void pixelsOfASameSizedFolderSeparateTheTwoShapes() throws Exception {
    Path same = dir.resolve("same");
    writeClass(same.resolve("train/bright"), 3, 7, 200);
    writeClass(same.resolve("train/dark"), 3, 7, 40);
    writeClass(same.resolve("test/bright"), 2, 7, 210);
    writeClass(same.resolve("test/dark"), 2, 7, 30);
    Path json = dir.resolve("pixels.json");
    Outcome o =
        cli(
            "eval",
            "knn",
            "--image-folder",
            same.toString(),
            "--baseline",
            "pixels",
            "--config",
            CONFIG,
            "--set",
            "eval.knn_k=3",
            "--json",
            json.toString());
    assertEquals(0, o.code(), o.err());
    assertEquals(1.0, results(json).get("eval/knn_top1").asDouble());
    // Pixels have no transform: images of two sizes are refused with what to do.
    Outcome sized =
        cli(
            "eval",
            "knn",
            "--image-folder",
            folder.toString(),
            "--baseline",
            "pixels",
            "--config",
            CONFIG);
    assertEquals(SorcenCli.USAGE_ERROR, sized.code());
    assertTrue(sized.err().contains("resize them first"), sized.err());
  }

  @Test
  void testClassesOtherThanTrainsAreAUsageErrorNamingBoth() throws Exception {
    Path odd = dir.resolve("odd");
    writeClass(odd.resolve("train/bright"), 1, 7, 200);
    writeClass(odd.resolve("train/dark"), 1, 7, 40);
    writeClass(odd.resolve("test/bright"), 1, 7, 200);
    writeClass(odd.resolve("test/grey"), 1, 7, 120);
    Outcome o =
        cli(
            "eval",
            "knn",
            "--image-folder",
            odd.toString(),
            "--image-encoder",
            imageEncoder.toString(),
            "--config",
            CONFIG);
    assertEquals(SorcenCli.USAGE_ERROR, o.code());
    List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), o.err());
    assertTrue(
        lines.get(0).contains("[bright, grey]") && lines.get(0).contains("[bright, dark]"),
        lines.get(0));
  }

  @Test
  void aMissingFolderIsAnIoErrorNamingIt() {
    Path nowhere = dir.resolve("nowhere");
    Outcome o =
        cli(
            "eval",
            "knn",
            "--image-folder",
            nowhere.toString(),
            "--image-encoder",
            imageEncoder.toString(),
            "--config",
            CONFIG);
    assertEquals(1, o.code());
    assertTrue(o.err().contains("cannot read " + nowhere), o.err());
    List<String> wrong = new ArrayList<>();
    for (String[] args :
        List.of(
            new String[] {
              "eval", "knn", "--image-encoder", imageEncoder.toString(), "--config", CONFIG
            },
            new String[] {
              "eval",
              "knn",
              "--image-folder",
              folder.toString(),
              "--image-encoder",
              imageEncoder.toString(),
              "--tokenizer",
              folder.toString(),
              "--config",
              CONFIG
            },
            new String[] {
              "eval",
              "knn",
              "--image-folder",
              folder.toString(),
              "--baseline",
              "bag-of-tokens",
              "--config",
              CONFIG
            })) {
      Outcome bad = cli(args);
      if (bad.code() != SorcenCli.USAGE_ERROR) {
        wrong.add(String.join(" ", args) + " -> " + bad.code() + ": " + bad.err());
      }
    }
    assertEquals(List.of(), wrong);
  }
}
