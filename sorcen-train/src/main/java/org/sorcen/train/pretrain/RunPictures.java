package org.sorcen.train.pretrain;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.train.data.ImageGrid;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.run.EventFileWriter;
import org.sorcen.train.session.TrainingSession;

/**
 * Pictures of a run, drawn with the tokenizer's decoder: generated samples and (input, echo) pairs,
 * as PNG files in {@code runs/NAME/pictures/} and as TensorBoard images.
 */
public final class RunPictures {
  /** Samples per grid. */
  static final int SAMPLES = 32;

  private final Tokenizer tokenizer;
  private final Path dir;
  private final EventFileWriter events;

  public RunPictures(Tokenizer tokenizer, Path dir, EventFileWriter events) {
    this.tokenizer = tokenizer;
    this.dir = dir;
    this.events = events;
  }

  /** The tokenizer the pictures are drawn with (the generation evaluators decode with it too). */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** Generated samples with fixed seeds 0..31, so grids of successive steps compare. */
  public Path samples(TrainingSession session, long step) {
    long[] seeds = new long[SAMPLES];
    Arrays.setAll(seeds, i -> i);
    long[] ids =
        session
            .inference()
            .generate(seeds, IterativeDecoder.DEFAULT_STEPS, IterativeDecoder.DEFAULT_TEMPERATURE);
    return draw("samples", step, images(ids, SAMPLES), null);
  }

  /** Inputs (top of each pair) next to the masked echo the teacher saw. */
  public Path echoes(long[] tokens, long[] echo, long step, int maskId) {
    int n = Math.min(16, tokens.length / tokenizer.spec().seqLen());
    long[] shown = Arrays.copyOf(echo, n * tokenizer.spec().seqLen());
    for (int i = 0; i < shown.length; i++) {
      // MASK has no image: draw it as id 0 so the crop shows as a flat area.
      shown[i] = shown[i] == maskId ? 0 : shown[i];
    }
    return draw("echo", step, images(Arrays.copyOf(tokens, shown.length), n), images(shown, n));
  }

  private ImageSet images(long[] ids, int n) {
    // Through the ImageTokenizer, so that an imported VQGAN draws pictures as ours does.
    int s = tokenizer.spec().outputSize();
    return new ImageSet(
        n, s, s, tokenizer.spec().channels(), tokenizer.decode(ids, n), new long[n], List.of());
  }

  private Path draw(String kind, long step, ImageSet first, ImageSet second) {
    Path png = dir.resolve(String.format("%s-step-%09d.png", kind, step));
    try {
      Files.createDirectories(dir);
      if (second == null) {
        ImageGrid.write(png, first, first.count(), 8, 2);
      } else {
        ImageGrid.writePairs(png, first, second, first.count(), 8, 2);
      }
      BufferedImage img = ImageIO.read(png.toFile());
      events.image(
          step,
          "pictures/" + kind,
          Files.readAllBytes(png),
          img.getHeight(),
          img.getWidth(),
          img.getColorModel().getNumComponents());
      return png;
    } catch (IOException e) {
      throw IoFailure.of("write", png, e);
    }
  }
}
