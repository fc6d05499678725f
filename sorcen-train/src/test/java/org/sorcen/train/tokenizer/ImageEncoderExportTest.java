package org.sorcen.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.ModelCard;
import org.sorcen.export.ModelExport;
import org.sorcen.export.SavedModelVerifier;
import org.sorcen.export.SorcenEncoder;
import org.sorcen.export.SorcenImageEncoder;
import org.sorcen.export.TokenizerExport;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.graph.tokenizer.VqTokenizer;
import org.sorcen.train.cli.SorcenCli;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.export.SignatureCaller;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import picocli.CommandLine;

/**
 * Images → embeddings in one SavedModel (tokenizer encoder + Sorcen encoder) against the token path,
 * its {@code image_bytes} signature, the Java API and {@code ./sorcen embed}. One tiny tokenizer and
 * one tiny untrained Sorcen checkpoint serve every test.
 */
class ImageEncoderExportTest {
  static final int SIDE = 7;
  @TempDir static Path dir;
  static TokenizerConfig tc;
  static Path tokDir;
  static JobConfig config;
  static Path prefix;
  static Path model;

  @BeforeAll
  static void export() throws Exception {
    tc = TinyTokenizer.config(Map.of("train.epochs", "1"));
    Path tokCkpt = dir.resolve("tok").resolve("tokenizer");
    TokenizerTrainer.train(
        tc,
        TinyTokenizer.images(16, 2),
        tokCkpt,
        SessionSettings.defaults(),
        0,
        new PrintStream(OutputStream.nullOutputStream()));
    tokDir = dir.resolve("tokenizer-model");
    TokenizerExport.write(tc, tokCkpt, tokDir);
    config =
        JobConfig.parse(
            """
        {"model": {"grid": 4, "codebook_size": 16, "embed_dim": 16, "depth": 1, "num_heads": 2,
          "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 16,
          "projector_dim": 8, "predictor_hidden_dim": 16}, "train": {"batch_size": 8}}
        """,
            "t",
            Map.of());
    prefix = dir.resolve("ckpt");
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      s.save(prefix);
    }
    model =
        ModelExport.imageEncoder(
            config, prefix, new VqTokenizer(tc), tokDir, dir.resolve("sm"), null);
  }

  @Test
  void verifiesAndItsCardNamesTheTokenizer() throws Exception {
    assertEquals(dir.resolve("sm/sorcen-image-encoder/1"), model);
    assertEquals(List.of(), SavedModelVerifier.problems(model));
    JsonNode card = ModelCard.json().readTree(model.resolve(ModelExport.CARD).toFile());
    assertEquals(VqTokenizer.KIND, card.path("tokenizer_kind").asText());
    assertEquals(
        TokenizerExport.fingerprint(tokDir), card.path("tokenizer_fingerprint_sha256").asText());
    assertEquals("[7,7,1]", card.path("input_shape").toString());
    assertEquals(16, card.path("embed_dim").asInt());
  }

  @Test
  void pixelsGiveTheTokenPathsEmbedding() {
    ImageSet images = TinyTokenizer.images(6, 9);
    long[] ids;
    try (Tokenizer t = Tokenizer.load(tokDir)) {
      ids = t.encode(images);
    }
    long[][] rows = new long[images.count()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Arrays.copyOfRange(ids, i * 16, (i + 1) * 16);
    }
    float[][] expected;
    try (SorcenEncoder enc = SorcenEncoder.fromCheckpoint(config, prefix)) {
      expected = enc.embed(rows);
    }
    float[][] got;
    try (SorcenImageEncoder enc = SorcenImageEncoder.load(model)) {
      got = enc.embed(grey(images));
    }
    assertClose(expected, got, 1e-5f);
  }

  @Test
  void imageBytesOfInputSizedPngEqualServingDefaultAndLargerImagesGoThroughTheTransform()
      throws Exception {
    ImageSet images = TinyTokenizer.images(4, 5);
    byte[][] png = new byte[images.count()][];
    BufferedImage[] grey = grey(images);
    for (int i = 0; i < png.length; i++) {
      png[i] = png(grey[i]);
    }
    try (SavedModelBundle b = SavedModelBundle.load(model.toString(), "serve")) {
      float[][] viaPixels = callPixels(b, images.pixels(), images.count());
      float[][] viaBytes = callBytes(b, png);
      assertClose(viaPixels, viaBytes, 1e-6f);

      // A larger image and a wide one: image_bytes equals serving_default on the pixels the
      // in-graph
      // transform made (EvalTransformTest checks those pixels against the documented resampling).
      byte[][] larger = {png(noiseImage(14, 14, 3)), png(noiseImage(9, 20, 4))};
      float[][] viaLarger = callBytes(b, larger);
      byte[] transformed;
      try (TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(larger));
          Result r =
              b.session()
                  .runner()
                  .feed("encoded_images", t)
                  .fetch("eval_transform/DatasetToSingleElement")
                  .run()) {
        TUint8 px = (TUint8) r.get(0);
        assertEquals(Shape.of(2, SIDE, SIDE, 1), px.shape());
        transformed = new byte[(int) px.size()];
        px.copyTo(DataBuffers.of(transformed, false, false));
      }
      assertClose(callPixels(b, transformed, 2), viaLarger, 1e-6f);
    }
  }

  @Test
  void javaApiAgreesForBufferedImagesBytesAndFiles() throws Exception {
    ImageSet images = TinyTokenizer.images(5, 11);
    BufferedImage[] grey = grey(images);
    Path folder = Files.createDirectories(dir.resolve("api-files"));
    byte[][] png = new byte[grey.length][];
    Path[] files = new Path[grey.length];
    for (int i = 0; i < grey.length; i++) {
      png[i] = png(grey[i]);
      files[i] = Files.write(folder.resolve("img" + i + ".png"), png[i]);
    }
    BufferedImage big = noiseImage(12, 15, 6);
    BufferedImage rgbSized = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    rgbSized.getGraphics().drawImage(grey[0], 0, 0, null);
    try (SorcenImageEncoder enc = SorcenImageEncoder.load(model)) {
      float[][] fromImages = enc.embed(grey);
      assertClose(fromImages, enc.embed(png), 1e-6f);
      assertClose(fromImages, enc.embed(files), 1e-6f);
      // Not the input size, or not grey: written as PNG and resized/converted in-graph, like bytes.
      assertClose(enc.embed(png(big)), enc.embed(big), 1e-6f);
      assertClose(enc.embed(png(rgbSized)), enc.embed(rgbSized), 1e-6f);
      assertEquals(0, enc.embed(new Path[0]).length);

      IllegalArgumentException notImage =
          assertThrows(
              IllegalArgumentException.class,
              () -> enc.embed("not an image".getBytes(StandardCharsets.UTF_8)));
      assertTrue(
          notImage.getMessage().startsWith("image 0: not a JPEG or PNG"), notImage.getMessage());
      Path cut = Files.write(folder.resolve("cut.png"), Arrays.copyOf(png[1], 20));
      IoFailure bad = assertThrows(IoFailure.class, () -> enc.embed(files[0], cut));
      assertEquals(
          "cannot read image " + cut + ": truncated PNG (20 bytes, no IEND chunk)",
          bad.getMessage());
      IoFailure missing =
          assertThrows(IoFailure.class, () -> enc.embed(folder.resolve("nope.png")));
      assertTrue(missing.getMessage().contains("nope.png"), missing.getMessage());
    }
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class, () -> SorcenImageEncoder.load(dir.resolve("nowhere")));
    assertTrue(none.getMessage().contains("is not a directory"), none.getMessage());
    Path encoder = ModelExport.encoder(config, prefix, dir.resolve("plain"), null);
    IllegalArgumentException wrong =
        assertThrows(IllegalArgumentException.class, () -> SorcenImageEncoder.load(encoder));
    assertTrue(wrong.getMessage().contains("is not an image encoder"), wrong.getMessage());
  }

  @Test
  void embedCommandWritesANpyAndTheFileNames() throws Exception {
    Path src = Files.createDirectories(dir.resolve("cli-images/sub"));
    ImageSet images = TinyTokenizer.images(5, 13);
    BufferedImage[] grey = grey(images);
    // Sorted by relative path: a.png, b.png, sub/c.png, sub/d.jpg (JPEG), z.png (larger).
    Files.write(src.resolveSibling("b.png"), png(grey[1]));
    Files.write(src.resolveSibling("a.png"), png(grey[0]));
    Files.write(src.resolve("c.png"), png(grey[2]));
    ByteArrayOutputStream jpg = new ByteArrayOutputStream();
    ImageIO.write(grey[3], "jpg", jpg);
    Files.write(src.resolve("d.jpg"), jpg.toByteArray());
    Files.write(src.resolveSibling("z.png"), png(noiseImage(10, 12, 7)));
    Files.writeString(src.resolveSibling("notes.txt"), "not an image, not listed");
    Path root = src.getParent();
    List<String> names = List.of("a.png", "b.png", "sub/c.png", "sub/d.jpg", "z.png");
    float[][] expected;
    try (SorcenImageEncoder enc = SorcenImageEncoder.load(model)) {
      expected = enc.embed(names.stream().map(root::resolve).toArray(Path[]::new));
    }
    Path out = dir.resolve("out/embeddings.npy");
    Cli ok =
        cli(
            "embed",
            "--encoder",
            model.toString(),
            "--images",
            root.toString(),
            "--out",
            out.toString(),
            "--batch",
            "2");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.err().contains("embedded 5/5 images"), ok.err());
    assertClose(expected, readNpy(out, 5, 16), 1e-6f);
    assertEquals(names, Files.readAllLines(dir.resolve("out/embeddings.txt")));

    Cli again =
        cli(
            "embed",
            "--encoder",
            model.toString(),
            "--images",
            root.toString(),
            "--out",
            out.toString());
    assertEquals(2, again.code(), again.err());
    Path txt = dir.resolve("out/embeddings.txt");
    assertEquals(
        List.of(
            "error: "
                + out
                + " and "
                + txt
                + " exist (these files are written as one: "
                + out
                + ", "
                + txt
                + "): choose another output or pass --force"),
        again.err().lines().toList(),
        "out: " + again.out() + " err: " + again.err());
    assertEquals(
        0,
        cli(
                "embed",
                "--encoder",
                model.toString(),
                "--images",
                root.toString(),
                "--out",
                out.toString(),
                "--force")
            .code());

    Path empty = Files.createDirectories(dir.resolve("empty"));
    Cli none =
        cli(
            "embed",
            "--encoder",
            model.toString(),
            "--images",
            empty.toString(),
            "--out",
            dir.resolve("e.npy").toString());
    assertEquals(2, none.code(), none.err());
    assertTrue(none.err().startsWith("error: " + empty + " holds no JPEG/PNG files"), none.err());
    assertTrue(Files.notExists(dir.resolve("e.npy")));

    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.write(broken.resolve("a.png"), png(grey[0]));
    Files.write(broken.resolve("b.png"), Arrays.copyOf(png(grey[1]), 30));
    Cli bad =
        cli(
            "embed",
            "--encoder",
            model.toString(),
            "--images",
            broken.toString(),
            "--out",
            dir.resolve("b.npy").toString());
    assertEquals(1, bad.code(), bad.err());
    assertTrue(
        bad.err().startsWith("error: cannot read image " + broken.resolve("b.png")), bad.err());
    assertEquals(1, bad.err().lines().count(), bad.err());
    assertTrue(Files.notExists(dir.resolve("b.npy")));
  }

  @Test
  void embedWritesOneLinePerRowWhateverTheNamesAndRefusesATruncatedJpegInOneLine()
      throws Exception {
    Path src = Files.createDirectories(dir.resolve("odd-names"));
    BufferedImage[] grey = grey(TinyTokenizer.images(2, 21));
    Files.write(src.resolve("two\nlines.png"), png(grey[0]));
    Files.write(src.resolve("back\\slash.png"), png(grey[1]));
    Path out = dir.resolve("odd.npy");
    Cli ok =
        cli(
            "embed",
            "--encoder",
            model.toString(),
            "--images",
            src.toString(),
            "--out",
            out.toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals(
        List.of("back\\\\slash.png", "two\\nlines.png"),
        Files.readAllLines(dir.resolve("odd.txt")));

    Path cut = Files.createDirectories(dir.resolve("cut"));
    ByteArrayOutputStream jpg = new ByteArrayOutputStream();
    ImageIO.write(grey[0], "jpg", jpg);
    byte[] whole = jpg.toByteArray();
    Files.write(cut.resolve("cut.jpg"), Arrays.copyOf(whole, whole.length - 4)); // inside the scan
    Cli bad =
        cli(
            "embed",
            "--encoder",
            model.toString(),
            "--images",
            cut.toString(),
            "--out",
            dir.resolve("cut.npy").toString());
    assertEquals(1, bad.code(), bad.err());
    assertEquals(
        List.of(
            "error: cannot read image "
                + cut.resolve("cut.jpg")
                + ": truncated JPEG ("
                + (whole.length - 4)
                + " bytes, no end-of-image marker)"),
        bad.err().lines().toList());
    assertTrue(Files.notExists(dir.resolve("cut.npy")) && Files.notExists(dir.resolve("cut.txt")));
  }

  @Test
  void imageBytesGiveTheSameEmbeddingOutsideThisJvm() throws Exception {
    ImageSet images = TinyTokenizer.images(3, 17);
    BufferedImage[] grey = grey(images);
    byte[][] png = {png(grey[0]), png(grey[1]), png(noiseImage(11, 9, 8))};
    float[][] expected;
    try (SorcenImageEncoder enc = SorcenImageEncoder.load(model)) {
      expected = enc.embed(png);
    }
    List<SignatureCaller> callers = new ArrayList<>();
    callers.add(SignatureCaller.javaOnly(Files.createTempDirectory(dir, "java")));
    StringBuilder why = new StringBuilder();
    SignatureCaller python = SignatureCaller.python(Files.createTempDirectory(dir, "py"), why);
    if (python != null) {
      callers.add(python);
    } else {
      System.err.println("ImageEncoderExportTest: Python interop skipped: " + why);
    }
    for (SignatureCaller c : callers) {
      Path out = c.call(model, ModelExport.IMAGE_BYTES, Map.of("images", c.strings(png)));
      float[] got = SignatureCaller.floats(out.resolve("embedding.bin"));
      for (int i = 0; i < expected.length; i++) {
        for (int k = 0; k < 16; k++) {
          assertEquals(expected[i][k], got[i * 16 + k], 1e-5f, "row " + i);
        }
      }
    }
  }

  record Cli(int code, String out, String err) {}

  /** Runs {@code ./sorcen args} in this JVM; progress on System.err is captured with the error lines. */
  static Cli cli(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    System.setErr(new PrintStream(progress, true, StandardCharsets.UTF_8));
    // Made after the swap: picocli's writers would otherwise end up on the original stream.
    CommandLine cli = SorcenCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code;
    try {
      code = cli.execute(args);
    } finally {
      System.setErr(saved);
    }
    return new Cli(code, out.toString(), progress.toString(StandardCharsets.UTF_8) + err);
  }

  /** Parses a .npy by its format definition: magic, version 1.0, header dict, little-endian float32 rows. */
  static float[][] readNpy(Path file, int rows, int cols) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    b.get(magic);
    assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}, magic);
    assertEquals(1, b.get());
    assertEquals(0, b.get());
    int headerLen = Short.toUnsignedInt(b.getShort());
    byte[] header = new byte[headerLen];
    b.get(header);
    String h = new String(header, StandardCharsets.US_ASCII);
    assertEquals(0, (10 + headerLen) % 64, "data aligned to 64 bytes");
    assertTrue(h.endsWith("\n"), h);
    assertTrue(
        h.contains("'descr': '<f4'")
            && h.contains("'fortran_order': False")
            && h.contains("'shape': (" + rows + ", " + cols + ")"),
        h);
    assertEquals(4L * rows * cols, b.remaining());
    float[][] out = new float[rows][cols];
    for (float[] r : out) {
      b.asFloatBuffer().get(r);
      b.position(b.position() + 4 * cols);
    }
    return out;
  }

  static BufferedImage[] grey(ImageSet images) {
    BufferedImage[] out = new BufferedImage[images.count()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
      out[i]
          .getRaster()
          .setDataElements(
              0,
              0,
              SIDE,
              SIDE,
              Arrays.copyOfRange(images.pixels(), i * SIDE * SIDE, (i + 1) * SIDE * SIDE));
    }
    return out;
  }

  static BufferedImage noiseImage(int h, int w, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    byte[] px = new byte[h * w];
    new Random(seed).nextBytes(px);
    img.getRaster().setDataElements(0, 0, w, h, px);
    return img;
  }

  static byte[] png(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, "png", out));
    return out.toByteArray();
  }

  static float[][] callPixels(SavedModelBundle b, byte[] pixels, int n) {
    try (TUint8 t =
            TUint8.tensorOf(Shape.of(n, SIDE, SIDE, 1), DataBuffers.of(pixels, true, false));
        Result r = b.function("serving_default").call(Map.of("images", t))) {
      return rows(r, n);
    }
  }

  static float[][] callBytes(SavedModelBundle b, byte[][] encoded) {
    try (TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(encoded));
        Result r = b.function(ModelExport.IMAGE_BYTES).call(Map.of("images", t))) {
      return rows(r, encoded.length);
    }
  }

  static float[][] rows(Result r, int n) {
    TFloat32 e = (TFloat32) r.get("embedding").orElseThrow();
    assertEquals(Shape.of(n, 16), e.shape());
    float[][] out = new float[n][16];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 16; k++) {
        out[i][k] = e.getFloat(i, k);
      }
    }
    return out;
  }

  /** Equal up to float32 summation order (a different batch composition may change the last bit). */
  static void assertClose(float[][] expected, float[][] actual, float tol) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, actual[i].length);
      for (int k = 0; k < expected[i].length; k++) {
        assertEquals(expected[i][k], actual[i][k], tol, "row " + i + ", column " + k);
      }
    }
  }
}
