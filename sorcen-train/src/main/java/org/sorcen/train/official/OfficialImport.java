package org.sorcen.train.official;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.vqgan.VqganConfig;
import org.sorcen.graph.vqgan.VqganTokenizer;
import org.sorcen.graph.weights.Echo;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.graph.weights.RegularFile;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.graph.weights.TorchCheckpoint;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.data.DataException;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.ConfigDiff;
import org.sorcen.train.run.RunInfo;
import org.sorcen.train.run.RunLayout;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;

/**
 * Turns an official checkpoint (a {@code torch.save} training checkpoint or state_dict, or a
 * safetensors state_dict) into a run directory that {@code export}, {@code eval} and fine-tuning
 * read like any other: {@code config.json}, {@code run.json} and {@code checkpoints/step-000000000}.
 * Only the model's weights are imported; the optimizer state is not. The architecture is the
 * {@code --config} given, else the preset named by the checkpoint's {@code args.model}; either is
 * checked against the tensors' shapes before anything is written.
 */
public final class OfficialImport {
  /** What was imported. */
  public record Result(
      Path runDir,
      Path checkpoint,
      SorcenConfig config,
      String configSource,
      int imported,
      List<String> ignored,
      String kind,
      Number epoch,
      TokenizerResult tokenizer) {}

  /** MAGE's VQGAN checkpoint to import with the model, and its config (null: the official config/vqgan.yaml). */
  public record TokenizerSource(Path checkpoint, Path config) {}

  /** The imported tokenizer: its SavedModel directory (RUN_DIR/tokenizer) and what was checked. */
  public record TokenizerResult(Path dir, VqganImport.Plan plan, String configSource) {}

  private OfficialImport() {}

  /** Opens a {@code torch.save} zip or a safetensors file, by its first bytes. */
  public static NamedTensors open(Path file) {
    String notRegular = RegularFile.problem(file);
    if (notRegular != null && Files.exists(file)) {
      throw new WeightsException(notRegular); // before opening it: a FIFO would block
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(4);
    } catch (NoSuchFileException e) {
      throw new WeightsException("checkpoint not found: " + file);
    } catch (IOException e) {
      throw IoFailure.of("read", file, e);
    }
    if (TorchCheckpoint.looksLikeZip(head)) {
      return TorchCheckpoint.read(file);
    }
    if (head.length > 0 && (head[0] & 0xFF) == 0x80) {
      throw new WeightsException(
          file
              + ": a legacy (pre-zip, torch < 1.6) pickle checkpoint; re-save it with "
              + "torch.save(obj, path) from torch 1.6 or later, or as .safetensors");
    }
    return Safetensors.read(file);
  }

  /**
   * Imports {@code checkpoint} into the new directory {@code out} (refused if it exists, before
   * anything is read). {@code config} may be null: then the preset in {@code configsDir} named by
   * the checkpoint's {@code args.model} is used.
   */
  public static Result run(Path checkpoint, Path config, Path configsDir, Path out) {
    return run(checkpoint, config, configsDir, out, null);
  }

  /**
   * {@link #run(Path, Path, Path, Path)} that also imports MAGE's VQGAN tokenizer (null: none) into
   * {@code out/tokenizer} and records it in {@code run.json}, so that {@code export} writes the
   * tokenizer and image-generator SavedModels too. Its codebook and grid must match the model's.
   */
  public static Result run(
      Path checkpoint, Path config, Path configsDir, Path out, TokenizerSource tokenizer) {
    if (Files.exists(out)) {
      throw new DataException(
          out + " exists: import-official writes a new run directory; pass another --out");
    }
    NamedTensors file = open(checkpoint);
    TorchCheckpoint torch = file instanceof TorchCheckpoint t ? t : null;
    String source;
    JobConfig cfg;
    if (config != null) {
      cfg = JobConfig.load(config).validated();
      source = config.toString();
    } else {
      Path preset = preset(torch != null ? torch.argsModel() : null, configsDir);
      if (preset == null) {
        throw new IllegalArgumentException(
            "--config is required: "
                + checkpoint
                + (torch != null && torch.argsModel() != null
                    ? " has args.model '"
                        + Echo.text(torch.argsModel())
                        + "', which names no preset"
                    : " names no model (no args.model)")
                + "; its tensors say "
                + describe(Shapes.of(file))
                + " (num_heads cannot be read from shapes)");
      }
      cfg = JobConfig.load(preset).validated();
      source = preset + " (args.model '" + Echo.text(torch.argsModel()) + "')";
    }
    checkShapes(cfg, source, file);
    VqganImport.Plan vqgan = null;
    String vqganSource = null;
    if (tokenizer != null) {
      vqganSource =
          tokenizer.config() != null
              ? tokenizer.config().toString()
              : "the official config/vqgan.yaml";
      VqganConfig vcfg =
          tokenizer.config() != null
              ? VqganConfig.load(tokenizer.config())
              : VqganConfig.defaults().validated(vqganSource);
      checkTokenizerFits(cfg, source, vcfg, vqganSource);
      vqgan = VqganImport.plan(tokenizer.checkpoint(), vcfg);
    }
    String kind =
        torch == null
            ? "safetensors state_dict"
            : torch.isTrainingCheckpoint() ? "training checkpoint" : "state_dict";
    Number epoch = torch != null ? torch.epoch() : null;
    String configJson = ConfigLoader.toJson(cfg);

    try (TrainingSession session =
        TrainingSession.create(cfg, cfg.model.numClasses > 0, 1, SessionSettings.defaults())) {
      // Every refusal (missing, mis-shaped, unreadable tensor) comes here, before anything is
      // written.
      session.loadOfficialWeights(file);
      Variables vars = session.graph().variables();
      List<String> ignored =
          file.shapes().keySet().stream().filter(n -> !vars.contains(n)).toList();
      FiniteWeights.require(
          checkpoint,
          file.shapes().keySet().stream().filter(vars::contains).sorted().toList(),
          n -> session.read(List.of(n)).get(n));
      int imported = file.shapes().size() - ignored.size();
      Path[] written = new Path[1];
      VqganImport.Plan vq = vqgan;
      Path tokenizerDir = new RunLayout(out.toAbsolutePath()).tokenizer();
      AtomicFiles.writeDirectory(
          out,
          false,
          tmp -> {
            RunLayout layout = new RunLayout(tmp);
            RunInfo info = RunInfo.of(null, vq != null ? tokenizerDir : null);
            if (vq != null) {
              VqganImport.write(vq, layout.tokenizer());
              ObjectNode t = info.section("tokenizer_imported_from");
              t.put("file", tokenizer.checkpoint().toAbsolutePath().toString());
              t.put("kind", VqganTokenizer.KIND);
            }
            ObjectNode from = info.section("imported_from");
            from.put("file", checkpoint.toAbsolutePath().toString());
            from.put("kind", kind);
            from.put("config", source);
            from.put("args_model", torch != null ? torch.argsModel() : null);
            if (epoch != null) {
              from.put("epoch", epoch.longValue());
            } else {
              from.putNull("epoch");
            }
            from.put("optimizer_state", "not imported");
            Run.create(tmp, cfg, info);
            // Step 0: the official steps per epoch depend on its data; steps_per_epoch 0 marks it
            // unknown,
            // so that resuming this checkpoint on data is refused rather than mis-positioned.
            Checkpoints.Sidecar sidecar =
                new Checkpoints.Sidecar(
                    0,
                    epoch != null ? epoch.doubleValue() : 0,
                    0,
                    cfg.train.seed,
                    ConfigDiff.hash(configJson),
                    System.currentTimeMillis() / 1000.0,
                    0.0,
                    null);
            written[0] =
                new Checkpoints(layout.checkpoints(), Integer.MAX_VALUE)
                    .save(session, sidecar, configJson);
          });
      Path ckpt = new RunLayout(out).checkpoints().resolve(written[0].getFileName());
      return new Result(
          out,
          ckpt,
          cfg,
          source,
          imported,
          ignored,
          kind,
          epoch,
          vq != null ? new TokenizerResult(tokenizerDir, vq, vqganSource) : null);
    }
  }

  /** The model reads the tokenizer's ids: the same codebook and the same grid, or a one-line refusal naming both. */
  static void checkTokenizerFits(
      SorcenConfig cfg, String source, VqganConfig vqgan, String vqganSource) {
    ModelConfig m = cfg.model;
    List<String> problems = new ArrayList<>();
    if (m.codebookSize != vqgan.nEmbed) {
      problems.add(
          "model.codebook_size is "
              + m.codebookSize
              + " ("
              + source
              + ") but the VQGAN's n_embed is "
              + vqgan.nEmbed
              + " ("
              + vqganSource
              + ")");
    }
    if (m.grid != vqgan.grid()) {
      problems.add(
          "model.grid is "
              + m.grid
              + " ("
              + source
              + ") but the VQGAN's grid is "
              + vqgan.grid()
              + " (ddconfig.resolution "
              + vqgan.ddconfig.resolution
              + " / 2^(len(ch_mult) − 1), "
              + vqganSource
              + ")");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "the tokenizer does not fit the model: " + String.join("; ", problems));
    }
  }

  /** The preset config for an official model name, or null. */
  static Path preset(String argsModel, Path configsDir) {
    if (argsModel == null || configsDir == null) {
      return null;
    }
    String m = argsModel.toLowerCase(Locale.ROOT);
    String name =
        m.contains("vit_base")
            ? "sorcen-vit-base.json"
            : m.contains("vit_large") ? "sorcen-vit-large.json" : null;
    Path p = name != null ? configsDir.resolve(name) : null;
    return p != null && Files.isRegularFile(p) ? p : null;
  }

  /** What the tensor shapes say about the architecture (0 where a tensor is absent). */
  record Shapes(
      long[] words,
      long[] positions,
      int depth,
      int decoderDepth,
      long[] decoderEmbed,
      boolean momentum) {
    static Shapes of(NamedTensors file) {
      Map<String, long[]> s = file.shapes();
      return new Shapes(
          s.get("token_emb.word_embeddings.weight"),
          s.get("token_emb.position_embeddings.weight"),
          count(s, "blocks."),
          count(s, "decoder_blocks."),
          s.get("decoder_embed.weight"),
          s.keySet().stream().anyMatch(n -> n.startsWith("blocks_momentum.")));
    }

    private static int count(Map<String, long[]> s, String prefix) {
      TreeSet<Integer> ids = new TreeSet<>();
      for (String n : s.keySet()) {
        if (n.startsWith(prefix)) {
          String rest = n.substring(prefix.length());
          int dot = rest.indexOf('.');
          try {
            ids.add(Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot)));
          } catch (NumberFormatException e) {
            // not a numbered block
          }
        }
      }
      return ids.size();
    }
  }

  private static String describe(Shapes s) {
    List<String> parts = new ArrayList<>();
    if (s.words() != null && s.words().length == 2) {
      parts.add("embed_dim " + s.words()[1] + ", codebook_size " + (s.words()[0] - 1001));
    }
    if (s.positions() != null && s.positions().length == 2) {
      long l = s.positions()[0] - 1;
      long g = Math.round(Math.sqrt(l));
      parts.add(g * g == l ? "grid " + g : "a position table of " + s.positions()[0] + " rows");
    }
    parts.add("depth " + s.depth());
    if (s.decoderEmbed() != null && s.decoderEmbed().length == 2) {
      parts.add("decoder_embed_dim " + s.decoderEmbed()[0]);
    }
    parts.add("decoder_depth " + s.decoderDepth());
    parts.add("method " + (s.momentum() ? "sorcen" : "mage"));
    return String.join(", ", parts);
  }

  /**
   * The config's encoder and decoder sizes against the tensors, each disagreement naming the
   * tensor and both shapes, in one line; what this does not cover the by-name plan checks.
   */
  static void checkShapes(SorcenConfig cfg, String source, NamedTensors file) {
    ModelConfig m = cfg.model;
    Shapes s = Shapes.of(file);
    List<String> problems = new ArrayList<>();
    shape(
        problems,
        "token_emb.word_embeddings.weight",
        s.words(),
        new long[] {m.vocabSize(), m.embedDim},
        "model.codebook_size " + m.codebookSize + ", model.embed_dim " + m.embedDim);
    shape(
        problems,
        "token_emb.position_embeddings.weight",
        s.positions(),
        new long[] {m.seqLen() + 1, m.embedDim},
        "model.grid " + m.grid + ", model.embed_dim " + m.embedDim);
    shape(
        problems,
        "decoder_embed.weight",
        s.decoderEmbed(),
        new long[] {m.decoderEmbedDim, m.embedDim},
        "model.decoder_embed_dim " + m.decoderEmbedDim);
    if (s.depth() != m.depth) {
      problems.add("model.depth is " + m.depth + " but the file has " + s.depth() + " blocks.N");
    }
    if (s.decoderDepth() != m.decoderDepth) {
      problems.add(
          "model.decoder_depth is "
              + m.decoderDepth
              + " but the file has "
              + s.decoderDepth()
              + " decoder_blocks.N");
    }
    if (!problems.isEmpty()) {
      throw new WeightsException(
          "the config "
              + source
              + " disagrees with "
              + file.file()
              + ": "
              + String.join("; ", problems));
    }
  }

  private static void shape(
      List<String> problems, String tensor, long[] actual, long[] needed, String because) {
    if (actual != null && !Arrays.equals(actual, needed)) {
      problems.add(
          "tensor '"
              + tensor
              + "' has shape "
              + Echo.text(Arrays.toString(actual))
              + " but "
              + because
              + " need "
              + Arrays.toString(needed));
    }
  }
}
