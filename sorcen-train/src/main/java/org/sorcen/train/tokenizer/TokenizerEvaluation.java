package org.sorcen.train.tokenizer;

import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;

/**
 * Reconstruction quality of a tokenizer on a held-out set, measured through its uint8 interface
 * (what users get): mean per-image PSNR on the padded S×S image (pixels in [0, 1], padding
 * included), the share of the codebook used at least once, and encode/decode throughput.
 */
public record TokenizerEvaluation(
    double meanPsnr,
    int codesUsed,
    int codebookSize,
    double encodeImagesPerSecond,
    double decodeImagesPerSecond,
    ImageSet reconstructions) {

  /** PSNR of an exact reconstruction is infinite; it is reported as this cap instead. */
  public static final double PSNR_CAP = 100;

  public double usage() {
    return (double) codesUsed / codebookSize;
  }

  public static TokenizerEvaluation run(Tokenizer tokenizer, ImageSet images) {
    TokenizerConfig cfg = tokenizer.config();
    long t0 = System.nanoTime();
    long[] ids = tokenizer.encode(images);
    long t1 = System.nanoTime();
    byte[] decoded = tokenizer.decode(ids, images.count());
    long t2 = System.nanoTime();
    boolean[] seen = new boolean[cfg.codebookSize];
    int used = 0;
    for (long id : ids) {
      if (!seen[(int) id]) {
        seen[(int) id] = true;
        used++;
      }
    }
    ImageSet recon =
        new ImageSet(
            images.count(),
            cfg.imageSize,
            cfg.imageSize,
            cfg.channels,
            decoded,
            images.labels(),
            images.classNames());
    double sum = 0;
    for (int i = 0; i < images.count(); i++) {
      sum += psnr(cfg, images, recon, i);
    }
    return new TokenizerEvaluation(
        sum / images.count(),
        used,
        cfg.codebookSize,
        images.count() / ((t1 - t0) / 1e9),
        images.count() / ((t2 - t1) / 1e9),
        recon);
  }

  /** 10·log10(1/MSE) of image i against its reconstruction, the original zero-padded to S×S, centred. */
  static double psnr(TokenizerConfig cfg, ImageSet originals, ImageSet recon, int i) {
    int s = cfg.imageSize;
    int c = cfg.channels;
    byte[] a = originals.pixels();
    byte[] b = recon.pixels();
    int baseA = i * originals.imageSize();
    int baseB = i * recon.imageSize();
    double se = 0;
    for (int y = 0; y < s; y++) {
      int ya = y - cfg.padTop();
      for (int x = 0; x < s; x++) {
        int xa = x - cfg.padLeft();
        boolean inside = ya >= 0 && ya < cfg.inputHeight && xa >= 0 && xa < cfg.inputWidth;
        for (int k = 0; k < c; k++) {
          double orig = inside ? (a[baseA + (ya * cfg.inputWidth + xa) * c + k] & 0xFF) / 255.0 : 0;
          double d = orig - (b[baseB + (y * s + x) * c + k] & 0xFF) / 255.0;
          se += d * d;
        }
      }
    }
    double mse = se / (s * s * c);
    return mse == 0 ? PSNR_CAP : Math.min(PSNR_CAP, 10 * Math.log10(1 / mse));
  }
}
