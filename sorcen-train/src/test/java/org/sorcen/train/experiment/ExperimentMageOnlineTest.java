package org.sorcen.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.importers.IdxWriter;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.tokenizer.TinyTokenizer;
import org.sorcen.train.tokenizer.TokenizerTrainer;

/**
 * Official MAGE inside the experiment: "mage-online" trains method mage on the experiment's raw
 * IDX images, tokenized by the experiment's tokenizer inside every step, and gets its labelled row
 * in the report beside the old "mage" alias, which still trains on the precomputed tokens.
 */
class ExperimentMageOnlineTest {
  @Test
  void mageOnlineTrainsOnTheRawImagesAndHasItsRow(@TempDir Path tmp) throws Exception {
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
        ExperimentTransferTest.labelled(TinyTokenizer.images(64, 7)),
        images.resolve("train-images-idx3-ubyte.gz"),
        images.resolve("train-labels-idx1-ubyte.gz"));
    IdxWriter.write(
        ExperimentTransferTest.labelled(TinyTokenizer.images(24, 8)),
        images.resolve("t10k-images-idx3-ubyte.gz"),
        images.resolve("t10k-labels-idx1-ubyte.gz"));
    Path model = Files.writeString(tmp.resolve("model.json"), ExperimentTransferTest.MODEL);

    ExperimentConfig x = new ExperimentConfig();
    x.name = "tiny";
    x.images = images.toString();
    x.classNames = "a,b,c,d";
    x.tokenizer = tokenizer.toString();
    x.classifier = "unused";
    x.modelConfig = model.toString();
    x.methods = List.of("mage-online", "mage");
    x.seeds = List.of(1);
    x.workDir = tmp.resolve("work").toString();
    x.results = tmp.resolve("results/tiny.md").toString();
    new Experiment(x, Function.identity(), quiet, (gen, tok, png, g, log) -> Map.of()).run();

    Path work = tmp.resolve("work");
    Path online = work.resolve("mage-online/seed-1");
    // 64 images / batch 8, one epoch.
    assertEquals(8, Checkpoints.readSidecar(Run.open(online).checkpoint(n -> {})).step());
    JsonNode cfg = new ObjectMapper().readTree(online.resolve("config.json").toFile());
    assertEquals("mage", cfg.at("/method").asText());
    assertEquals("images", cfg.at("/train/input").asText());
    JsonNode info = new ObjectMapper().readTree(online.resolve("run.json").toFile());
    assertEquals(
        images.toAbsolutePath().toString(),
        Path.of(info.get("images").asText()).toAbsolutePath().toString());
    // The alias keeps its directory and trains MAGE on the precomputed tokens.
    JsonNode alias = new ObjectMapper().readTree(work.resolve("mage/seed-1/config.json").toFile());
    assertEquals("mage", alias.at("/method").asText());
    assertEquals("tokens", alias.at("/train/input").asText());

    JsonNode json = new ObjectMapper().readTree(tmp.resolve("results/tiny.json").toFile());
    for (ExperimentMethod m : List.of(ExperimentMethod.MAGE_ONLINE, ExperimentMethod.MAGE_TOKENS)) {
      JsonNode row = json.get(m.label);
      assertTrue(row != null, m.label + " missing from " + json);
      double knn = row.at("/mean/eval~1knn_top1").asDouble(-1);
      assertTrue(knn >= 0 && knn <= 1, m.label + ": " + row);
      assertEquals(8, row.at("/mean/train~1steps").asDouble(), m.label);
    }
    String text = Files.readString(tmp.resolve("results/tiny.md"));
    assertTrue(text.contains("| MAGE, online tokenization (official) |"), text);
    assertTrue(text.contains("| MAGE on precomputed tokens (ablation) |"), text);
  }

  @Test
  void methodNamesAreCheckedAndAnAliasCannotRepeatItsMethod() {
    ExperimentConfig x = new ExperimentConfig();
    x.name = "n";
    x.images = x.tokenizer = x.classifier = x.modelConfig = x.workDir = x.results = "p";
    x.methods = List.of("sorcen", "mage", "mage-tokens");
    ConfigException twice = assertThrows(ConfigException.class, x::validated);
    assertTrue(
        twice.getMessage().contains("'mage-tokens' trains mage-tokens a second time"),
        twice.getMessage());
    x.methods = List.of("mae");
    ConfigException unknown = assertThrows(ConfigException.class, x::validated);
    assertTrue(
        unknown
            .getMessage()
            .contains("'mae' is not one of [sorcen, mage-online, mage-tokens, mage]"),
        unknown.getMessage());
  }
}
