package org.sorcen.train.official;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sorcen.export.TokenizerExport;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.train.CheckpointOps;
import org.sorcen.graph.vqgan.VqganConfig;
import org.sorcen.graph.vqgan.VqganTokenizer;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.graph.weights.TensorLayout;
import org.sorcen.graph.weights.WeightPlan;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.session.WeightLoading;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Imports MAGE's VQGAN checkpoint ({@code vqgan_jax_strongaug.ckpt}: what taming's
 * {@code VQModel.init_from_ckpt} reads, {@code torch.load(path)["state_dict"]}, or a bare state_dict)
 * into a tokenizer SavedModel of kind {@code vqgan}: every variable of {@link VqganTokenizer} is
 * looked up by its official name and checked for presence and shape (conv kernels against the
 * official OIHW shape, then transposed to HWIO) before anything is written; then a TF checkpoint is
 * written to {@code DIR/checkpoints/vqgan} and the SavedModel to {@code DIR}.
 *
 * <p>Ignored: every tensor outside {@code encoder.}, {@code decoder.} and {@code quantize.}, such as
 * a taming training checkpoint's {@code loss.*} (discriminator, LPIPS). Refused, naming them:
 * {@code quant_conv.*} / {@code post_quant_conv.*} and any unknown {@code encoder.}/{@code decoder.}/
 * {@code quantize.} tensor (attention blocks, conv downsampling, ...) — a VQModel with those is not
 * MAGE's, and dropping them silently would change what it computes.
 */
public final class VqganImport {
  /** Where in the tokenizer directory the converted TF checkpoint goes (the exporters skip it when copying). */
  public static final String CHECKPOINT = "checkpoints/vqgan";

  private static final List<String> USED_PREFIXES = List.of("encoder.", "decoder.", "quantize.");
  private static final List<String> FOREIGN_PREFIXES = List.of("quant_conv.", "post_quant_conv.");

  /** MAGE's layout: conv kernels OIHW, transposed to the graph's HWIO; every other tensor as it is. */
  static final TensorLayout KERNELS_OIHW =
      new TensorLayout() {
        @Override
        public long[] fileShape(long[] variableShape) {
          return officialShape(variableShape);
        }

        @Override
        public float[] toVariable(float[] values, long[] variableShape) {
          return variableShape.length == 4 ? oihwToHwio(values, variableShape) : values;
        }
      };

  /** A checked import: the file, the tokenizer, and the official tensors it will not read. */
  public record Plan(
      NamedTensors file, VqganTokenizer tokenizer, int tensors, List<String> ignored) {}

  private VqganImport() {}

  /** Opens and checks {@code checkpoint} against {@code cfg}; writes nothing. Errors name every bad tensor. */
  public static Plan plan(Path checkpoint, VqganConfig cfg) {
    NamedTensors file = OfficialImport.open(checkpoint);
    VqganTokenizer tok = new VqganTokenizer(cfg);
    try (Graph g = new Graph()) {
      Variables vars = new Variables(Ops.create(g));
      tok.declare(vars);
      WeightPlan weights = weights(vars, file);
      List<String> problems = new ArrayList<>(weights.problems());
      List<String> ignored = new ArrayList<>();
      for (String name : file.shapes().keySet()) {
        if (vars.contains(name)) {
          continue;
        }
        if (FOREIGN_PREFIXES.stream().anyMatch(name::startsWith)) {
          problems.add(
              "tensor '"
                  + name
                  + "' belongs to a taming VQModel with quant_conv/post_quant_conv, "
                  + "which MAGE's VQModel does not have");
        } else if (USED_PREFIXES.stream().anyMatch(name::startsWith)) {
          problems.add(
              "unexpected tensor '"
                  + name
                  + "' (MAGE's VQGAN with this config has no such parameter: "
                  + "check --tokenizer-config)");
        } else {
          ignored.add(name);
        }
      }
      if (!problems.isEmpty()) {
        throw new WeightsException(
            checkpoint + " does not fit the VQGAN config: " + String.join("; ", problems));
      }
      FiniteWeights.require(
          checkpoint,
          weights.assignments().stream().map(WeightPlan.Assignment::tensor).toList(),
          file::floats);
      return new Plan(file, tok, vars.all().size(), List.copyOf(ignored));
    }
  }

  /** Writes the TF checkpoint and the tokenizer SavedModel of {@code plan} into the new directory {@code dir}. */
  public static void write(Plan plan, Path dir) {
    Path prefix = dir.resolve(CHECKPOINT);
    try {
      Files.createDirectories(prefix.getParent());
    } catch (IOException e) {
      throw IoFailure.of("create", prefix.getParent(), e);
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      plan.tokenizer().declare(vars);
      CheckpointOps.build(tf, vars);
      // Every variable is assigned: plan() refused this file for any problem.
      WeightLoading.load(tf, s, weights(vars, plan.file()).assignments(), plan.file());
      s.save(prefix.toString());
    }
    TokenizerExport.write(plan.tokenizer(), prefix, dir);
  }

  /** Each variable paired with its official tensor, conv kernels through {@link #KERNELS_OIHW}. */
  private static WeightPlan weights(Variables vars, NamedTensors file) {
    return WeightPlan.of(vars.all(), file, KERNELS_OIHW, "the VQGAN config");
  }

  /** The official shape of a variable: conv kernels HWIO → OIHW, everything else as it is. */
  static long[] officialShape(long[] shape) {
    return shape.length == 4 ? new long[] {shape[3], shape[2], shape[0], shape[1]} : shape;
  }

  /** An official OIHW kernel as HWIO {@code [kh, kw, in, out]} (the shape given). */
  static float[] oihwToHwio(float[] oihw, long[] hwio) {
    int kh = (int) hwio[0];
    int kw = (int) hwio[1];
    int in = (int) hwio[2];
    int out = (int) hwio[3];
    float[] r = new float[oihw.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            r[((y * kw + x) * in + i) * out + o] = oihw[((o * in + i) * kh + y) * kw + x];
          }
        }
      }
    }
    return r;
  }
}
