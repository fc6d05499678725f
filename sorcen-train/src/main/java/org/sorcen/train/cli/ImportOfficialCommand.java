package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.official.OfficialImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "import-official",
    description =
        "Import an official Sorcen checkpoint (a torch.save training "
            + "checkpoint {'model', 'optimizer', 'epoch', 'scaler', 'args'} as the official misc.save_model writes it, a "
            + "bare state_dict .pth, or a .safetensors state_dict) into a new run directory that ./sorcen export, eval and "
            + "fine-tuning read like any other. Weights only: the optimizer state is not imported.")
final class ImportOfficialCommand implements Callable<Integer> {
  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "FILE",
      description = "The official checkpoint: " + ".pth (torch.save zip format) or .safetensors.")
  Path checkpoint;

  @Option(
      names = "--config",
      paramLabel = "MODEL.json",
      description =
          "Model config the weights fit (default: "
              + "configs/sorcen-vit-base.json or -large.json, from the checkpoint's args.model). Refused when it disagrees "
              + "with the tensors' shapes.")
  Path config;

  @Option(
      names = "--tokenizer",
      paramLabel = "VQGAN.ckpt",
      description =
          "Also import MAGE's VQGAN tokenizer "
              + "(vqgan_jax_strongaug.ckpt: a dict with 'state_dict', as taming's VQModel.init_from_ckpt reads it) into "
              + "RUN_DIR/tokenizer, so that export writes sorcen-tokenizer and sorcen-image-generator too. Its n_embed and "
              + "grid must match the model's codebook_size and grid.")
  Path tokenizer;

  @Option(
      names = "--tokenizer-config",
      paramLabel = "VQGAN.json",
      description =
          "The VQGAN's config: JSON with "
              + "the keys of the official config/vqgan.yaml (embed_dim, n_embed, ddconfig: double_z, z_channels, "
              + "resolution, in_channels, out_ch, ch, ch_mult, num_res_blocks, attn_resolutions, dropout); keys left out "
              + "take the official values (the default: 256x256 RGB to 16x16 ids of 1024 codes).")
  Path tokenizerConfig;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "RUN_DIR",
      description = "The run directory to create; " + "refused if it exists.")
  Path out;

  @Override
  public Integer call() {
    Path configs = ProjectPaths.resolve(Path.of("configs"));
    if (tokenizerConfig != null && tokenizer == null) {
      throw new IllegalArgumentException("--tokenizer-config needs --tokenizer VQGAN.ckpt");
    }
    OfficialImport.TokenizerSource vqgan =
        tokenizer == null ? null : new OfficialImport.TokenizerSource(tokenizer, tokenizerConfig);
    OfficialImport.Result r =
        OfficialImport.run(
            checkpoint, config != null ? ProjectPaths.resolve(config) : null, configs, out, vqgan);
    System.out.printf(
        "imported %d tensors of %s (%s%s) with config %s%n",
        r.imported(),
        checkpoint,
        r.kind(),
        r.epoch() != null ? ", epoch " + r.epoch() : "",
        r.configSource());
    if (!r.ignored().isEmpty()) {
      System.out.printf(
          "ignored %d official tensors the graph does not have: %s%n",
          r.ignored().size(), list(r.ignored()));
    }
    System.out.println(
        "optimizer state not imported: the checkpoint is step 0 (the official steps per epoch are "
            + "unknown without its data); it is for export, eval and a fine-tuning start, not exact resumption");
    if (r.tokenizer() != null) {
      OfficialImport.TokenizerResult t = r.tokenizer();
      System.out.printf(
          "imported the VQGAN tokenizer %s (%d tensors, config %s) into %s%n",
          tokenizer, t.plan().tensors(), t.configSource(), t.dir());
      if (!t.plan().ignored().isEmpty()) {
        System.out.printf(
            "ignored %d tensors the VQGAN graph does not use: %s%n",
            t.plan().ignored().size(), list(t.plan().ignored()));
      }
    }
    System.out.printf(
        "wrote %s (checkpoint %s); export it with ./sorcen export --run %s%n",
        r.runDir(), r.checkpoint(), r.runDir());
    return 0;
  }

  private static String list(List<String> names) {
    int shown = Math.min(names.size(), 20);
    return String.join(", ", names.subList(0, shown))
        + (names.size() > shown ? ", ... (" + (names.size() - shown) + " more)" : "");
  }
}
