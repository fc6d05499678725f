package org.sorcen.train.data;

import java.util.List;

/** Token grids in memory: N rows of L = G·G ids (row-major), a label per row (−1 unknown). */
public record TokenArrays(
    int count, int seqLen, long[] ids, long[] labels, List<String> classNames) {

  public TokenArrays {
    if ((long) count * seqLen != ids.length) {
      throw new IllegalArgumentException(
          ids.length + " ids are not " + count + " rows of " + seqLen);
    }
    if (labels.length != count) {
      throw new IllegalArgumentException(labels.length + " labels for " + count + " rows");
    }
  }
}
