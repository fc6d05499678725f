package org.sorcen.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.ModelExport;
import org.sorcen.export.SavedModelVerifier;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.graph.tokenizer.VqTokenizer;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.export.SignatureCaller;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** seeds → images in one SavedModel equals the generator's tokens drawn by the tokenizer's decoder. */
class ImageGeneratorExportTest {
  @Test
  void seedsToImagesEqualsGeneratorThenTokenizer(@TempDir Path dir) throws Exception {
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
    Path prefix = dir.resolve("ckpt");
    long[] seeds = {3, 1, 4, 1, 5};
    long[] tokens;
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      s.save(prefix);
      tokens = s.inference().generate(seeds, 12, 4.5f);
    }
    byte[] expected;
    try (Tokenizer t = Tokenizer.load(tokDir)) {
      expected = t.decode(tokens, seeds.length);
    }
    Path model =
        ModelExport.imageGenerator(
            config, prefix, new VqTokenizer(tc), tokDir, dir.resolve("sm"), null);
    assertEquals(List.of(), SavedModelVerifier.problems(model));
    assertEquals(
        List.of(),
        SavedModelVerifier.problems(ModelExport.tokenizer(tokDir, dir.resolve("sm"), null)));
    try (SavedModelBundle b = SavedModelBundle.load(model.toString(), "serve");
        TInt64 in = TInt64.tensorOf(Shape.of(seeds.length), DataBuffers.of(seeds, true, false));
        TFloat32 t = TFloat32.scalarOf(4.5f);
        TInt32 n = TInt32.scalarOf(12);
        Result r =
            b.function("serving_default")
                .call(Map.of("seeds", in, "temperature", t, "num_iter", n))) {
      TUint8 images = (TUint8) r.get("images").orElseThrow();
      byte[] got = new byte[(int) images.size()];
      images.copyTo(DataBuffers.of(got, false, false));
      assertArrayEquals(expected, got);
    }

    // The same models outside this JVM: TF Java alone, and Python TensorFlow when available.
    Path tokenizerModel = dir.resolve("sm").resolve(ModelExport.TOKENIZER).resolve("1");
    byte[] pixels = TinyTokenizer.images(3, 9).pixels();
    List<SignatureCaller> callers = new ArrayList<>();
    callers.add(SignatureCaller.javaOnly(Files.createTempDirectory(dir, "java")));
    StringBuilder why = new StringBuilder();
    SignatureCaller python = SignatureCaller.python(Files.createTempDirectory(dir, "py"), why);
    if (python != null) {
      callers.add(python);
    } else {
      System.err.println("ImageGeneratorExportTest: Python interop skipped: " + why);
    }
    long[] ids;
    try (Tokenizer t = Tokenizer.load(tokDir)) {
      ids = t.encode(TinyTokenizer.images(3, 9));
    }
    for (SignatureCaller c : callers) {
      Path img =
          c.call(
              model,
              "serving_default",
              Map.of(
                  "seeds",
                  c.int64(seeds, seeds.length),
                  "temperature",
                  c.float32(4.5f),
                  "num_iter",
                  c.int32(12)));
      assertArrayEquals(expected, SignatureCaller.bytes(img.resolve("images.bin")));
      Path enc = c.call(tokenizerModel, "encode", Map.of("images", c.uint8(pixels, 3, 7, 7, 1)));
      assertArrayEquals(ids, SignatureCaller.longs(enc.resolve("ids.bin")));
    }
  }
}
