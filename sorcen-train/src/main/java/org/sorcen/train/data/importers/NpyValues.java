package org.sorcen.train.data.importers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.sorcen.train.data.DataException;

/**
 * Reads the data after a {@link NpyHeader} into longs, in chunks so a file over 2 GB streams
 * through. The array grows with the bytes actually read, never to the header's count up front: a
 * 200-byte file (or .npz member) may claim two billion values.
 */
final class NpyValues {
  private static final int CHUNK = 1 << 16;

  private NpyValues() {}

  static long[] read(InputStream in, NpyHeader header) throws IOException {
    long count = header.count(); // at most 2^31 - 17: the header checked it
    NpyDtype dtype = header.dtype();
    int size = dtype.size();
    long[] out = new long[(int) Math.min(count, CHUNK)];
    byte[] buffer = new byte[CHUNK];
    ByteBuffer view = ByteBuffer.wrap(buffer).order(dtype.order());
    long needed = count * size;
    long done = 0;
    while (done < needed) {
      int want = (int) Math.min(CHUNK, needed - done);
      int got = in.readNBytes(buffer, 0, want);
      if (got < want) {
        throw new DataException(
            header.where()
                + " is truncated: shape "
                + header.shapeText()
                + " of "
                + dtype.descr()
                + " needs "
                + needed
                + " bytes of data at offset "
                + header.dataOffset()
                + ", there are "
                + (done + got));
      }
      int first = (int) (done / size);
      if (first + want / size > out.length) {
        out =
            Arrays.copyOf(
                out, (int) Math.min(count, Math.max(2L * out.length, first + want / size)));
      }
      for (int i = 0; i < want / size; i++) {
        out[first + i] = dtype.get(view, i);
      }
      done += want;
    }
    long extra = in.transferTo(OutputStream.nullOutputStream());
    if (extra > 0) {
      throw new DataException(
          header.where()
              + " has "
              + extra
              + " bytes after the "
              + needed
              + " bytes of data at"
              + " offset "
              + header.dataOffset()
              + " that shape "
              + header.shapeText()
              + " of "
              + dtype.descr()
              + " needs: the header does not describe this data");
    }
    return out;
  }
}
