package org.sorcen.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.data.importers.IdxWriter;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.tokenizer.TinyTokenizer;
import org.sorcen.train.tokenizer.TokenizerTrainer;

/**
 * A tiny experiment with the transfer section on (one method, no generation figures): Sorcen is
 * pre-trained on classes 0–1 only, and the Transfer table probes classes 2–3 three ways.
 */
class ExperimentTransferTest {
  static final String MODEL =
      """
      {"model": {"grid": 4, "codebook_size": 16, "embed_dim": 16, "depth": 1, "num_heads": 2,
        "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 16,
        "projector_dim": 8, "predictor_hidden_dim": 16},
       "train": {"batch_size": 8, "epochs": 1, "seed": 5}, "optimizer": {"warmup_epochs": 0.5},
       "echo": {"warmup_epochs": 0.5},
       "eval": {"knn_k": 3, "linear_probe": {"epochs": 2, "warmup_epochs": 1}, "few_shot": {"draws": 1}}}
      """;

  @Test
  void transferPretrainsOnSomeClassesAndProbesTheOthers(@TempDir Path tmp) throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    TokenizerConfig tc = TinyTokenizer.config(Map.of("train.epochs", "1"));
    TokenizerTrainer.train(
        tc,
        TinyTokenizer.images(16, 2),
        tmp.resolve("tok/tokenizer"),
        SessionSettings.defaults(),
        0,
        quiet);
    Path tokenizer = tmp.resolve("tokenizer-model");
    TokenizerExport.write(tc, tmp.resolve("tok/tokenizer"), tokenizer);
    Path images = tmp.resolve("images");
    Files.createDirectories(images);
    IdxWriter.write(
        labelled(TinyTokenizer.images(64, 7)),
        images.resolve("train-images-idx3-ubyte.gz"),
        images.resolve("train-labels-idx1-ubyte.gz"));
    IdxWriter.write(
        labelled(TinyTokenizer.images(24, 8)),
        images.resolve("t10k-images-idx3-ubyte.gz"),
        images.resolve("t10k-labels-idx1-ubyte.gz"));
    Path model = Files.writeString(tmp.resolve("model.json"), MODEL);

    ExperimentConfig x = new ExperimentConfig();
    x.name = "tiny";
    x.images = images.toString();
    x.classNames = "a,b,c,d";
    x.tokenizer = tokenizer.toString();
    x.classifier = "unused";
    x.modelConfig = model.toString();
    x.methods = List.of("sorcen");
    x.workDir = tmp.resolve("work").toString();
    x.results = tmp.resolve("results/tiny.md").toString();
    x.transfer = new ExperimentConfig.Transfer();
    x.transfer.pretrainClasses = "0-1";
    x.transfer.probeClasses = "2-3";
    Path md =
        new Experiment(x, Function.identity(), quiet, (gen, tok, png, g, log) -> Map.of()).run();

    Path work = tmp.resolve("work/transfer");
    long[] seen = TokenDataset.open(work.resolve("tokens-pretrain")).readAll("train").labels();
    assertEquals(32, seen.length);
    assertTrue(Arrays.stream(seen).allMatch(l -> l <= 1), "pre-training saw only classes 0-1");
    assertEquals(
        4, Checkpoints.readSidecar(Run.open(work.resolve("sorcen")).checkpoint(n -> {})).step());
    assertEquals(
        0, Checkpoints.readSidecar(Run.open(work.resolve("initial")).checkpoint(n -> {})).step());

    String text = Files.readString(md);
    assertTrue(text.contains("## Transfer"), text);
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("results/tiny.json").toFile());
    for (String row :
        List.of(
            "sorcen, pre-trained on classes [0, 1]", "initial encoder (untrained)", "raw pixels")) {
      assertTrue(text.contains("| " + row + " |"), row + " missing from\n" + text);
      double knn = json.get("transfer: " + row).get("eval/knn_top1").asDouble();
      assertTrue(knn >= 0 && knn <= 1, row + ": " + knn);
    }
  }

  /** Labels 0..3 in turn, the class names a..d. */
  static ImageSet labelled(ImageSet s) {
    long[] labels = new long[s.count()];
    Arrays.setAll(labels, i -> i % 4);
    return new ImageSet(
        s.count(),
        s.height(),
        s.width(),
        s.channels(),
        s.pixels(),
        labels,
        List.of("a", "b", "c", "d"));
  }
}
