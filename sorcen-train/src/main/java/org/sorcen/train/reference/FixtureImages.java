package org.sorcen.train.reference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.graph.vqgan.VqganConfig;
import org.sorcen.graph.vqgan.VqganTokenizer;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.official.VqganImport;

/**
 * The raw-image inputs of an official MAGE step (official MAGE tokenizes online): uint8 images
 * [B, H, W, C], the crop boxes [B, 4] (top, left, height, width) and flips [B] the official transform
 * drew, and the official VQGAN checkpoint the fixture's {@code __metadata__.tokenizer} names (a file
 * next to the fixture), imported as {@code import-official --tokenizer} imports it into a temporary
 * directory whose checkpoint the step restores its frozen tokenizer from. Close to delete it.
 */
record FixtureImages(
    int batch,
    int height,
    int width,
    int channels,
    byte[] pixels,
    int[] boxes,
    boolean[] flips,
    VqganTokenizer tokenizer,
    Path tokenizerDir)
    implements AutoCloseable {

  static boolean present(Safetensors file) {
    return file.entries().containsKey("input.images");
  }

  static FixtureImages read(Safetensors file) {
    Safetensors.Entry e = file.entry("input.images");
    if (e.shape().length != 4) {
      throw new WeightsException(
          file.file() + ": input.images must be B×H×W×C uint8, got " + e.shapeString());
    }
    int b = (int) e.shape()[0];
    long[] px = file.longs("input.images");
    byte[] pixels = new byte[px.length];
    for (int i = 0; i < px.length; i++) {
      pixels[i] = (byte) px[i];
    }
    long[] box = file.longs("input.crop_boxes");
    long[] flip = file.longs("input.flips");
    if (box.length != 4L * b || flip.length != b) {
      throw new WeightsException(
          file.file() + ": input.crop_boxes must be B×4 and input.flips B, for B = " + b);
    }
    int[] boxes = new int[box.length];
    for (int i = 0; i < box.length; i++) {
      boxes[i] = Math.toIntExact(box[i]);
    }
    boolean[] flips = new boolean[b];
    for (int i = 0; i < b; i++) {
      flips[i] = flip[i] != 0;
    }
    String named = file.metadata().get("tokenizer");
    String json = file.metadata().get("tokenizer_config");
    if (named == null || json == null) {
      throw new WeightsException(
          file.file()
              + ": a fixture with input.images needs __metadata__.tokenizer and "
              + "tokenizer_config (the official VQGAN that tokenized its crops)");
    }
    Path ckpt = file.file().toAbsolutePath().getParent().resolve(Path.of(named).getFileName());
    VqganConfig cfg = VqganConfig.parse(json, file.file() + " __metadata__.tokenizer_config");
    Path dir;
    try {
      dir = Files.createTempDirectory("fixture-vqgan-");
    } catch (IOException e2) {
      throw new WeightsException("cannot create a temporary directory: " + e2.getMessage());
    }
    try {
      Path out = dir.resolve("tokenizer");
      VqganImport.write(VqganImport.plan(ckpt, cfg), out);
      return new FixtureImages(
          b,
          (int) e.shape()[1],
          (int) e.shape()[2],
          (int) e.shape()[3],
          pixels,
          boxes,
          flips,
          new VqganTokenizer(cfg),
          out);
    } catch (RuntimeException ex) {
      AtomicFiles.deleteQuietly(dir);
      throw ex;
    }
  }

  /** The checkpoint prefix of the imported tokenizer's weights. */
  String checkpointPrefix() {
    return tokenizerDir.resolve(VqganImport.CHECKPOINT).toString();
  }

  @Override
  public void close() {
    AtomicFiles.deleteQuietly(tokenizerDir.getParent());
  }
}
