package org.sorcen.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Some of a dataset's classes by label, e.g. Fashion-MNIST's 0–4 to pre-train on and 5–9 to probe
 * with images never seen in pre-training. Written as {@code 0-4} or {@code 0,2,5-9}.
 */
public record ClassSelection(List<Integer> labels) {
  public ClassSelection {
    labels = List.copyOf(new TreeSet<>(labels));
  }

  /** {@code spec}: comma-separated labels and ranges {@code a-b}; a malformed one is a usage error. */
  public static ClassSelection parse(String spec) {
    List<Integer> out = new ArrayList<>();
    for (String part : spec.split(",", -1)) {
      String p = part.strip();
      try {
        int dash = p.indexOf('-', 1);
        int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
        int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
        if (from < 0 || to < from) {
          throw new NumberFormatException();
        }
        IntStream.rangeClosed(from, to).forEach(out::add);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "classes '"
                + spec
                + "': '"
                + p
                + "' is not a label or a range a-b of"
                + " labels (0 or more), e.g. 0-4 or 0,2,5-9");
      }
    }
    return new ClassSelection(out);
  }

  public boolean contains(long label) {
    return label >= 0 && label <= Integer.MAX_VALUE && labels.contains((int) label);
  }

  /** The images whose label is selected, in their order, labels and class names unchanged. */
  public ImageSet keep(ImageSet s) {
    int[] rows = IntStream.range(0, s.count()).filter(i -> contains(s.labels()[i])).toArray();
    int size = s.imageSize();
    byte[] px = new byte[rows.length * size];
    for (int k = 0; k < rows.length; k++) {
      System.arraycopy(s.pixels(), rows[k] * size, px, k * size, size);
    }
    return new ImageSet(
        rows.length,
        s.height(),
        s.width(),
        s.channels(),
        px,
        Arrays.stream(rows).mapToLong(i -> s.labels()[i]).toArray(),
        s.classNames());
  }

  /**
   * The token rows whose label is selected, in their order; with {@code relabel} a label becomes its
   * index in this selection (for a probe whose classes must be 0..n−1), else it is kept.
   */
  public TokenArrays keep(TokenArrays t, boolean relabel) {
    int[] rows = IntStream.range(0, t.count()).filter(i -> contains(t.labels()[i])).toArray();
    int l = t.seqLen();
    long[] ids = new long[rows.length * l];
    long[] y = new long[rows.length];
    for (int k = 0; k < rows.length; k++) {
      System.arraycopy(t.ids(), rows[k] * l, ids, k * l, l);
      y[k] = t.labels()[rows[k]];
    }
    if (relabel) {
      y = relabel(y);
    }
    List<String> names =
        relabel && !t.classNames().isEmpty()
            ? labels.stream()
                .map(c -> c < t.classNames().size() ? t.classNames().get(c) : Integer.toString(c))
                .toList()
            : t.classNames();
    return new TokenArrays(rows.length, l, ids, y, names);
  }

  /** Each selected label as its index in this selection (0..n−1), any other as −1 (unknown). */
  public long[] relabel(long[] original) {
    return Arrays.stream(original).map(l -> contains(l) ? labels.indexOf((int) l) : -1).toArray();
  }

  /** Labels outside {@code [0, numClasses)}, to refuse a selection a dataset does not have. */
  public List<Integer> missingFrom(int numClasses) {
    return labels.stream().filter(c -> c >= numClasses).toList();
  }

  @Override
  public String toString() {
    return labels.toString();
  }
}
