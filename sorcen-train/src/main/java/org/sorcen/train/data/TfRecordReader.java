package org.sorcen.train.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads framed records back in Java and checks both CRCs, so that a damaged shard is reported by
 * file, record index and byte offset before training starts rather than as a native error mid-run.
 */
public final class TfRecordReader implements AutoCloseable {
  /** Records above this are not token grids; a larger length means the framing is damaged. */
  static final long MAX_RECORD = 64L << 20;

  private final Path file;
  private final InputStream in;
  private long offset;
  private long index;

  public TfRecordReader(Path file) {
    this.file = file;
    try {
      in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (IOException e) {
      throw new DataException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** The next record, or null at a clean end of file. */
  public byte[] next() {
    try {
      long start = offset;
      byte[] header = readUpTo(12);
      if (header.length == 0) {
        return null;
      }
      if (header.length < 12) {
        throw damaged(
            start, "file ends inside the record header (" + header.length + " of 12 bytes)");
      }
      ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      long length = h.getLong(0);
      if (h.getInt(8) != TfRecords.maskedCrc(header, 0, 8)) {
        throw damaged(start, "length CRC mismatch");
      }
      if (length < 0 || length > MAX_RECORD) {
        throw damaged(start, "implausible record length " + length);
      }
      byte[] data = readUpTo((int) length + 4);
      if (data.length < length + 4) {
        throw damaged(
            start,
            "file ends inside the record (" + data.length + " of " + (length + 4) + " bytes)");
      }
      int stored = ByteBuffer.wrap(data, (int) length, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (stored != TfRecords.maskedCrc(data, 0, (int) length)) {
        throw damaged(start, "data CRC mismatch");
      }
      index++;
      return Arrays.copyOf(data, (int) length);
    } catch (IOException e) {
      throw new DataException(
          "cannot read " + file + " at byte " + offset + ": " + e.getMessage(), e);
    }
  }

  /** Index of the record the next call to {@link #next()} returns. */
  public long index() {
    return index;
  }

  private DataException damaged(long start, String what) {
    return new DataException(
        file
            + ": record "
            + index
            + " at byte offset "
            + start
            + ": "
            + what
            + " (the shard is damaged or truncated: re-create the dataset)");
  }

  private byte[] readUpTo(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    offset += b.length;
    return b;
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // nothing was written; closing a read stream cannot lose data
    }
  }
}
