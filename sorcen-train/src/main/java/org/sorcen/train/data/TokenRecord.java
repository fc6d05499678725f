package org.sorcen.train.data;

import com.google.protobuf.InvalidProtocolBufferException;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;

/**
 * One token grid as a {@code tf.train.Example}: {@code tokens} (int64 list of length L, row-major
 * G×G) and {@code label} (int64, −1 when unknown), so Python's tf.data reads it too.
 */
public record TokenRecord(long[] tokens, long label) {
  public static final String TOKENS = "tokens";
  public static final String LABEL = "label";

  public byte[] toBytes() {
    Int64List.Builder ids = Int64List.newBuilder();
    for (long t : tokens) {
      ids.addValue(t);
    }
    return Example.newBuilder()
        .setFeatures(
            Features.newBuilder()
                .putFeature(TOKENS, Feature.newBuilder().setInt64List(ids).build())
                .putFeature(
                    LABEL,
                    Feature.newBuilder()
                        .setInt64List(Int64List.newBuilder().addValue(label))
                        .build()))
        .build()
        .toByteArray();
  }

  /** Parses a record; {@code where} names it in errors. */
  public static TokenRecord parse(byte[] bytes, String where) {
    Example ex;
    try {
      ex = Example.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new DataException(where + ": not a tf.train.Example: " + e.getMessage(), e);
    }
    Feature tokens = ex.getFeatures().getFeatureMap().get(TOKENS);
    if (tokens == null || !tokens.hasInt64List()) {
      throw new DataException(where + ": no int64 feature '" + TOKENS + "'");
    }
    Feature label = ex.getFeatures().getFeatureMap().get(LABEL);
    long l =
        label != null && label.hasInt64List() && label.getInt64List().getValueCount() == 1
            ? label.getInt64List().getValue(0)
            : -1;
    return new TokenRecord(
        tokens.getInt64List().getValueList().stream().mapToLong(Long::longValue).toArray(), l);
  }
}
