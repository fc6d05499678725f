package org.sorcen.train.reference;

import java.util.List;
import org.sorcen.graph.augment.CropBoxes;
import org.sorcen.graph.augment.ResizedCrop;
import org.sorcen.graph.train.OnlineTokens;
import org.sorcen.train.session.Tensors;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/** The fed raw images, boxes and flips of a replayed online step, and the frozen tokenizer that encodes them. */
record OnlineImages(
    OnlineTokens tokenizer,
    Placeholder<TUint8> images,
    CropBoxes crops,
    Placeholder<TInt32> boxes,
    Placeholder<TBool> flips) {

  static OnlineImages build(Ops tf, FixtureImages in, String interpolation) {
    OnlineTokens tokenizer =
        OnlineTokens.declare(tf, in.tokenizer(), ResizedCrop.Filter.of(interpolation));
    Placeholder<TUint8> images =
        tf.placeholder(
            TUint8.class, Placeholder.shape(Shape.of(-1, in.height(), in.width(), in.channels())));
    Placeholder<TInt32> boxes = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, 4)));
    Placeholder<TBool> flips = tf.placeholder(TBool.class, Placeholder.shape(Shape.of(-1)));
    return new OnlineImages(tokenizer, images, new CropBoxes(boxes, flips), boxes, flips);
  }

  /** Restores the frozen tokenizer from the imported official checkpoint. */
  void load(Session s, FixtureImages in) {
    try (TString prefix = TString.scalarOf(in.checkpointPrefix())) {
      s.runner().feed(tokenizer.prefix(), prefix).addTarget(tokenizer.load()).run();
    }
  }

  /** Feeds the images, boxes and flips; returns the tensors to close after the run. */
  List<Tensor> feed(Session.Runner run, FixtureImages in) {
    TUint8 px =
        TUint8.tensorOf(
            Shape.of(in.batch(), in.height(), in.width(), in.channels()),
            DataBuffers.of(in.pixels(), true, false));
    TInt32 b = TInt32.tensorOf(Shape.of(in.batch(), 4), DataBuffers.of(in.boxes(), true, false));
    TBool f = Tensors.bools(in.flips(), in.batch());
    run.feed(images, px).feed(boxes, b).feed(flips, f);
    return List.of(px, b, f);
  }

  /** The ids our crops gave against the official ones: the fraction that differ, held to 0. */
  static OneStepReplay.Row tokensRow(long[] ours, long[] official) {
    int differ = 0;
    for (int i = 0; i < official.length; i++) {
      differ += ours[i] != official[i] ? 1 : 0;
    }
    return new OneStepReplay.Row(
        "input.tokens",
        "ids of the fed crops (our resize and VQGAN vs official)",
        (double) differ / official.length,
        0,
        differ == 0
            ? null
            : differ
                + " of "
                + official.length
                + " ids differ from the official VQGAN's of the official crops");
  }
}
