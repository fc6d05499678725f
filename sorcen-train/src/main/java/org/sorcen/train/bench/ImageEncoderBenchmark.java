package org.sorcen.train.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.sorcen.export.ImageEncoderGraph;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.train.session.SessionSettings;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TUint8;

/**
 * Times the image encoder's graph — the tokenizer's encoder, then the Sorcen encoder's embedding: the
 * {@link ImageEncoderGraph} that {@code sorcen-image-encoder} serves, fed decoded pixels — on a
 * constant batch of random images, with the variables' own initial values (weights do not change the
 * arithmetic), both parts in the config's compute dtype. It reports the whole pipeline and the
 * tokenizer alone, as the median of the timed batches.
 */
public final class ImageEncoderBenchmark {
  /**
   * Images/s of the pipeline and of its tokenizer part, at one batch size, and the pipeline's process
   * CPU seconds per image over the timed batches (on a shared machine less noisy than wall time).
   */
  public record Result(
      int batch,
      double imagesPerSecond,
      double tokenizerImagesPerSecond,
      double cpuSecondsPerImage) {}

  private ImageEncoderBenchmark() {}

  public static Result run(
      SorcenConfig config,
      ImageTokenizer tokenizer,
      int batch,
      int warmup,
      int timed,
      SessionSettings settings) {
    try (Graph g = new Graph()) {
      ImageEncoderGraph graph = ImageEncoderGraph.build(Ops.create(g), config, tokenizer);
      byte[] pixels =
          new byte[batch * tokenizer.inputHeight() * tokenizer.inputWidth() * tokenizer.channels()];
      new Random(0).nextBytes(pixels);
      try (Session s = new Session(g, settings.toConfigProto());
          TUint8 in =
              TUint8.tensorOf(
                  Shape.of(
                      batch, tokenizer.inputHeight(), tokenizer.inputWidth(), tokenizer.channels()),
                  DataBuffers.of(pixels, true, false))) {
        s.initialize();
        long cpu = processCpuNanos();
        double pipelineMs = median(s, graph.images(), in, graph.embedding(), warmup, timed);
        double cpuPerImage = (processCpuNanos() - cpu) / 1e9 / ((warmup + timed) * (double) batch);
        double tokenizerMs = median(s, graph.images(), in, graph.ids(), Math.min(1, warmup), timed);
        return new Result(
            batch, batch / (pipelineMs / 1000), batch / (tokenizerMs / 1000), cpuPerImage);
      }
    }
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(
      Session s, Placeholder<TUint8> images, TUint8 in, Operand<?> out, int warmup, int timed) {
    double[] ms = new double[timed];
    for (int i = 0; i < warmup + timed; i++) {
      long t = System.nanoTime();
      try (org.tensorflow.Result r = s.runner().feed(images, in).fetch(out).run()) {
        if (i >= warmup) {
          ms[i - warmup] = (System.nanoTime() - t) / 1e6;
        }
      }
    }
    Arrays.sort(ms);
    return ms[timed / 2];
  }
}
