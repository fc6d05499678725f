package org.sorcen.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.OptimizerConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class AdamWTest {
  @Test
  void decayRuleFollowsSpec() {
    SorcenConfig config =
        ConfigLoader.parse(
            """
        {"model": {"grid": 2, "codebook_size": 16, "embed_dim": 8, "depth": 1, "num_heads": 2,
          "decoder_embed_dim": 8, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 8,
          "projector_dim": 4, "predictor_hidden_dim": 8, "classifier_hidden_dim": 8, "num_classes": 3},
         "echo": {"top_k": 3}}
        """,
            "t",
            Map.of());
    try (Graph g = new Graph()) {
      Variables vars = new Variables(Ops.create(g));
      SorcenVariables.declare(vars, config);
      for (String decays :
          List.of(
              "token_emb.word_embeddings.weight",
              "token_emb.position_embeddings.weight",
              "blocks.0.attn.qkv.weight",
              "blocks.0.mlp.fc2.weight",
              "decoder_pos_embed_learned",
              "projector.projector.0.weight",
              "classifier.2.weight",
              "mlm_layer.fc.weight",
              "momentum_projector.projector.0.weight",
              "momentum_projector.projector.3.weight")) {
        assertTrue(vars.get(decays).decays(), decays);
      }
      for (String keeps :
          List.of(
              "blocks.0.attn.qkv.bias",
              "blocks.0.norm1.weight",
              "norm.weight",
              "token_emb.LayerNorm.weight",
              "mlm_layer.bias",
              "mlm_layer.ln.weight",
              "projector.projector.1.weight",
              "projector.projector.1.running_mean",
              "blocks_momentum.0.attn.qkv.weight",
              "momentum_projector.projector.0.bias",
              "momentum_projector.projector.1.weight")) {
        assertFalse(vars.get(keeps).decays(), keeps);
      }
    }
  }

  /** Two steps of AdamW by hand (torch.optim.AdamW) against the graph, for a decaying and a bias tensor. */
  @Test
  void matchesTorchAdamWUpdates() {
    OptimizerConfig cfg = new OptimizerConfig();
    cfg.weightDecay = 0.05;
    float lr = 0.01f;
    float[] w0 = {0.5f, -1.0f, 2.0f, 0.25f};
    float[] gw = {0.3f, -0.2f, 0.0f, 1.5f};
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      ModelVariable w =
          vars.create(
              "layer.weight",
              Shape.of(2, 2),
              VariableRole.TRAINABLE,
              init -> init.constant(new float[][] {{w0[0], w0[1]}, {w0[2], w0[3]}}));
      ModelVariable b =
          vars.create("layer.bias", Shape.of(4), VariableRole.TRAINABLE, init -> init.constant(w0));
      ModelVariable step =
          vars.create(
              "step",
              Shape.scalar(),
              TInt64.class,
              VariableRole.OPTIMIZER,
              init -> init.constant(0L));
      Operand<TFloat32> gradW = tf.constant(new float[][] {{gw[0], gw[1]}, {gw[2], gw[3]}});
      Operand<TFloat32> gradB = tf.constant(gw);
      List<Op> ups =
          AdamW.updates(
              tf,
              vars,
              List.of(w, b),
              List.of(gradW, gradB),
              tf.constant(lr),
              step.read(tf),
              cfg,
              List.of());
      Op train =
          tf.withControlDependencies(ups).assignAddVariableOp(step.handle(), tf.constant(1L));
      s.initialize();
      double[] pw = toDouble(w0);
      double[] pb = toDouble(w0);
      double[] mw = new double[4];
      double[] vw = new double[4];
      double[] mb = new double[4];
      double[] vb = new double[4];
      for (int t = 1; t <= 2; t++) {
        s.runner().addTarget(train).run().close();
        torchStep(pw, mw, vw, gw, lr, cfg, t, true);
        torchStep(pb, mb, vb, gw, lr, cfg, t, false);
        try (Result r = s.runner().fetch(w.read(tf)).fetch(b.read(tf)).run()) {
          TFloat32 gotW = (TFloat32) r.get(0);
          TFloat32 gotB = (TFloat32) r.get(1);
          for (int i = 0; i < 4; i++) {
            assertEquals(pw[i], gotW.getFloat(i / 2, i % 2), 1e-6, "weight " + i + " step " + t);
            assertEquals(pb[i], gotB.getFloat(i), 1e-6, "bias " + i + " step " + t);
          }
        }
      }
      // Zero gradient: the weight still shrinks by (1 − lr·wd) each step, the bias does not.
      assertTrue(Math.abs(pw[2]) < Math.abs(w0[2]) && pb[2] != pw[2]);
    }
  }

  private static void torchStep(
      double[] p,
      double[] m,
      double[] v,
      float[] g,
      double lr,
      OptimizerConfig c,
      int t,
      boolean decay) {
    for (int i = 0; i < p.length; i++) {
      if (decay) {
        p[i] *= 1 - lr * c.weightDecay;
      }
      m[i] = c.beta1 * m[i] + (1 - c.beta1) * g[i];
      v[i] = c.beta2 * v[i] + (1 - c.beta2) * g[i] * g[i];
      double mHat = m[i] / (1 - Math.pow(c.beta1, t));
      double vHat = v[i] / (1 - Math.pow(c.beta2, t));
      p[i] -= lr * mHat / (Math.sqrt(vHat) + c.eps);
    }
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
