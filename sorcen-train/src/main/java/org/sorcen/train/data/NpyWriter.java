package org.sorcen.train.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A float32 matrix as a NumPy {@code .npy} file, format version 1.0: the magic, a little-endian
 * header length, a Python-literal header ({@code '<f4'}, C order, the shape) padded with spaces to a
 * multiple of 64 bytes and ended by a newline, then the values row by row, little-endian.
 */
public final class NpyWriter {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

  /** The format aligns the data start to this many bytes. */
  private static final int ALIGN = 64;

  /** Magic (8 bytes) and the uint16 header length. */
  private static final int PREAMBLE = MAGIC.length + 2;

  private NpyWriter() {}

  /** Writes {@code rows} (all of length {@code cols}) as float32 [rows.length, cols]. */
  public static void writeFloat32(OutputStream out, float[][] rows, int cols) throws IOException {
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + cols + "), }";
    int unpadded = PREAMBLE + dict.length() + 1;
    int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
    String header = dict + " ".repeat(total - unpadded) + "\n";
    DataOutputStream d = new DataOutputStream(out);
    d.write(MAGIC);
    d.write(
        ByteBuffer.allocate(2)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short) header.length())
            .array());
    d.write(header.getBytes(StandardCharsets.US_ASCII));
    ByteBuffer row = ByteBuffer.allocate(4 * cols).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : rows) {
      if (r.length != cols) {
        throw new IllegalArgumentException(
            "a row of " + r.length + " values in a matrix of " + cols + " columns");
      }
      row.clear();
      row.asFloatBuffer().put(r);
      d.write(row.array());
    }
    d.flush();
  }
}
