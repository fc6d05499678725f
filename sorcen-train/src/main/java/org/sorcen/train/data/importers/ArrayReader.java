package org.sorcen.train.data.importers;

import java.io.IOException;
import java.io.InputStream;

/** Reads one .npy from a stream, whether a file or a .npz member; {@code where} names it in messages. */
@FunctionalInterface
interface ArrayReader<T> {
  T read(InputStream in, String where) throws IOException;
}
