package org.sorcen.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.graph.tokenizer.TokenizerInference;
import org.sorcen.graph.tokenizer.TokenizerModel;
import org.sorcen.graph.train.CheckpointOps;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** Train a few steps, checkpoint, export, and load the SavedModel back in a fresh bundle. */
class TokenizerExportTest {
  @TempDir static Path dir;

  static TokenizerConfig cfg;
  static ImageSet images;
  static Path checkpoint;
  static Path model;

  @BeforeAll
  static void trainAndExport() {
    cfg = TinyTokenizer.config(Map.of("train.epochs", "3"));
    images = TinyTokenizer.images(48, 5);
    checkpoint = dir.resolve("ckpt").resolve("tokenizer");
    TokenizerTrainer.train(
        cfg,
        images,
        checkpoint,
        SessionSettings.defaults(),
        0,
        new PrintStream(OutputStream.nullOutputStream()));
    model = dir.resolve("model");
    TokenizerExport.write(cfg, checkpoint, model);
  }

  @Test
  void checkpointIsWrittenUnderItsFinalNameOnly() throws Exception {
    try (Stream<Path> files = Files.list(checkpoint.getParent())) {
      assertEquals(
          List.of("tokenizer.data-00000-of-00001", "tokenizer.index"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void signaturesHaveTheDocumentedNamesDtypesAndShapes() throws Exception {
    MetaGraphDef meta;
    try (InputStream in = Files.newInputStream(model.resolve("saved_model.pb"))) {
      meta = SavedModel.parseFrom(in).getMetaGraphs(0);
    }
    assertEquals(List.of("serve"), meta.getMetaInfoDef().getTagsList());
    SignatureDef enc = meta.getSignatureDefMap().get("encode");
    SignatureDef dec = meta.getSignatureDefMap().get("decode");
    assertInfo(enc.getInputsMap().get("images"), DataType.DT_UINT8, -1, 7, 7, 1);
    assertInfo(enc.getOutputsMap().get("ids"), DataType.DT_INT64, -1, 16);
    assertInfo(dec.getInputsMap().get("ids"), DataType.DT_INT64, -1, 16);
    assertInfo(dec.getOutputsMap().get("images"), DataType.DT_UINT8, -1, 8, 8, 1);
  }

  private static void assertInfo(TensorInfo info, DataType type, long... dims) {
    assertEquals(type, info.getDtype());
    long[] got = info.getTensorShape().getDimList().stream().mapToLong(d -> d.getSize()).toArray();
    assertArrayEquals(dims, got);
  }

  @Test
  void savedModelGivesTheSameIdsAndImagesAsTheInSessionGraph() {
    long[] expectedIds;
    byte[] expectedImages;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      TokenizerModel.declare(vars, cfg, false);
      Placeholder<TUint8> in =
          tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, 7, 7, 1)));
      Placeholder<TInt64> idsIn = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, 16)));
      Operand<TInt64> ids = TokenizerInference.encode(tf, vars::read, cfg, in);
      Operand<TUint8> out = TokenizerInference.decode(tf, vars::read, cfg, idsIn);
      CheckpointOps.build(tf, vars);
      try (Session s = new Session(g)) {
        s.restore(checkpoint.toString());
        try (TUint8 t =
                TUint8.tensorOf(
                    Shape.of(images.count(), 7, 7, 1),
                    DataBuffers.of(images.pixels(), true, false));
            Result r = s.runner().feed(in, t).fetch(ids).run()) {
          expectedIds = Tensors.toLongs(r.get(0));
        }
        try (TInt64 t = Tensors.longs(expectedIds, images.count(), 16);
            Result r = s.runner().feed(idsIn, t).fetch(out).run()) {
          expectedImages = new byte[images.count() * 64];
          ((TUint8) r.get(0)).copyTo(DataBuffers.of(expectedImages, false, false));
        }
      }
    }
    try (Tokenizer tok = Tokenizer.load(model)) {
      long[] ids = tok.encode(images);
      assertEquals(images.count() * 16, ids.length);
      assertTrue(Arrays.stream(ids).allMatch(id -> id >= 0 && id < 16), "ids in [0, C)");
      assertArrayEquals(expectedIds, ids);
      byte[] decoded = tok.decode(ids, images.count());
      assertEquals(images.count() * 8 * 8, decoded.length);
      assertArrayEquals(expectedImages, decoded);
      assertEquals(cfg.codebookSize, tok.config().codebookSize);
      assertEquals(TokenizerExport.fingerprint(model), tok.fingerprint());
      assertThrows(IllegalArgumentException.class, () -> tok.decode(new long[] {16}, 1));
    }
  }

  @Test
  void metadataRecordsGridCodebookAndFingerprint() throws Exception {
    JsonNode meta =
        new ObjectMapper().readTree(model.resolve("assets.extra/tokenizer.json").toFile());
    assertEquals(4, meta.get("grid").asInt());
    assertEquals(16, meta.get("codebook_size").asInt());
    assertEquals(64, meta.get("fingerprint_sha256").asText().length());
    assertEquals(2, meta.get("config").get("downsample").asInt());
  }

  @Test
  void aFingerprintThatDoesNotMatchIsRefused() throws Exception {
    Path copy = dir.resolve("tampered");
    try (Stream<Path> files = Files.walk(model)) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(model.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    Path meta = copy.resolve("assets.extra/tokenizer.json");
    String text = Files.readString(meta);
    String fp = TokenizerExport.fingerprint(model);
    Files.writeString(meta, text.replace(fp, "0".repeat(64)));
    DataException e = assertThrows(DataException.class, () -> Tokenizer.load(copy));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void evaluationReportsPsnrAndUsage() {
    try (Tokenizer tok = Tokenizer.load(model)) {
      TokenizerEvaluation e = TokenizerEvaluation.run(tok, images);
      // 9 steps of training: only the range is checked here; quality is the CLI run's business.
      assertTrue(
          e.meanPsnr() > 0 && e.meanPsnr() <= TokenizerEvaluation.PSNR_CAP, "psnr " + e.meanPsnr());
      assertTrue(e.codesUsed() >= 1 && e.codesUsed() <= 16);
      assertEquals(8, e.reconstructions().height());
    }
  }
}
