package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sorcen.graph.augment.CropBoxes;
import org.sorcen.graph.augment.ResizedCrop;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * Official MAGE's tokenization inside the training step ({@code models_mage.py}'s
 * {@code forward_encoder}: {@code self.vqgan.encode(imgs)} under no_grad on the batch of augmented
 * crops): the crop, resize and flip of the raw images ({@link ResizedCrop}), then the frozen
 * tokenizer's encode. The tokenizer's variables live in their own set under the {@code tokenizer/}
 * scope: never trained (no gradient reaches them, ids are integers), never in the optimizer, and not
 * in the run's checkpoints; {@link #load()} fills them from the tokenizer's own checkpoint (a
 * tokenizer SavedModel's {@code variables/variables}) fed to {@link #prefix()}, once per session.
 */
public final class OnlineTokens {
  public static final String SCOPE = "tokenizer";

  private final ImageTokenizer tokenizer;
  private final Variables vars;
  private final Placeholder<TString> prefix;
  private final Op load;
  private final ResizedCrop.Filter filter;

  private OnlineTokens(
      ImageTokenizer tokenizer,
      Variables vars,
      Placeholder<TString> prefix,
      Op load,
      ResizedCrop.Filter filter) {
    this.tokenizer = tokenizer;
    this.vars = vars;
    this.prefix = prefix;
    this.load = load;
    this.filter = filter;
  }

  public static OnlineTokens declare(Ops tf, ImageTokenizer tokenizer, ResizedCrop.Filter filter) {
    Ops scope = tf.withSubScope(SCOPE);
    Variables vars = new Variables(scope);
    tokenizer.declare(vars);
    List<ModelVariable> all = vars.all();
    String[] names = all.stream().map(ModelVariable::name).toArray(String[]::new);
    String[] slices = new String[names.length];
    Arrays.fill(slices, "");
    List<Class<? extends TType>> types =
        all.stream().<Class<? extends TType>>map(ModelVariable::type).toList();
    Placeholder<TString> prefix = scope.withName("checkpoint").placeholder(TString.class);
    Restore restored =
        scope.train.restore(
            prefix,
            scope.constant(StdArrays.ndCopyOf(names)),
            scope.constant(StdArrays.ndCopyOf(slices)),
            types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      assigns.add(scope.assignVariableOp(all.get(i).handle(), restored.tensors().get(i)));
    }
    Op load = scope.withControlDependencies(assigns).withName("load").noOp();
    return new OnlineTokens(tokenizer, vars, prefix, load, filter);
  }

  /** ids [B, L] of the crops of {@code images} (uint8 [B, H, W, C]) resized to the tokenizer's input. */
  public Operand<TInt64> encode(
      Ops tf, Operand<TUint8> images, CropBoxes crops, Precision precision) {
    Operand<TUint8> resized = crops(tf, images, crops);
    return tokenizer.encode(
        tf.withSubScope(SCOPE).withSubScope("encode"), vars::read, resized, precision);
  }

  /**
   * The augmented crops the tokenizer sees, uint8 [B, H_in, W_in, C]. Grey images (one channel) for
   * a colour tokenizer have their channel repeated after the resize, as torchvision's ImageFolder
   * loader converts them to RGB before the official transforms (the resize acts on each channel
   * alone, so repeating after it gives the same pixels).
   */
  public Operand<TUint8> crops(Ops tf, Operand<TUint8> images, CropBoxes crops) {
    Ops augment = tf.withSubScope("augment");
    Operand<TUint8> resized =
        ResizedCrop.apply(
            augment, images, crops, tokenizer.inputHeight(), tokenizer.inputWidth(), filter);
    long channels = images.shape().get(3);
    if (channels == tokenizer.channels()) {
      return resized;
    }
    if (channels != 1) {
      throw new IllegalArgumentException(
          "the images have "
              + channels
              + " channels but the tokenizer takes "
              + tokenizer.channels()
              + ": give grey images (1 channel) or images with "
              + tokenizer.channels());
    }
    return augment.tile(resized, augment.constant(new int[] {1, 1, 1, tokenizer.channels()}));
  }

  public ImageTokenizer tokenizer() {
    return tokenizer;
  }

  /** The frozen tokenizer's variables (for loading them from other files, e.g. a fixture). */
  public Variables variables() {
    return vars;
  }

  /** The checkpoint prefix {@link #load()} restores from, a string scalar. */
  public Placeholder<TString> prefix() {
    return prefix;
  }

  public Op load() {
    return load;
  }
}
