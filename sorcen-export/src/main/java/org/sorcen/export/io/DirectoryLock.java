package org.sorcen.export.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An exclusive lock on a directory that one process writes (a run directory, an export root),
 * held as an OS file lock on {@code <dir>/.lock}. The OS drops it when the holder exits, however
 * it exits, so a crash never leaves the directory stuck; the file keeps the holder's pid, command
 * and start time so that a refused process can say who holds it.
 */
public final class DirectoryLock implements AutoCloseable {
  public static final String FILE = ".lock";

  /** Another process (or another part of this one) holds the lock. */
  public static final class Held extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Held(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} (created if missing) for {@code what}, e.g. "sorcen train"; throws
   * {@link Held} naming the holder when it is taken.
   */
  public static DirectoryLock acquire(Path dir, String what) {
    Path file = dir.resolve(FILE);
    FileChannel ch = null;
    try {
      Files.createDirectories(dir);
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        String holder = holder(file);
        ch.close();
        throw new Held(
            dir
                + " is in use by "
                + holder
                + ": wait for it to finish, stop it, or use another "
                + "directory");
      }
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              ("pid "
                      + ProcessHandle.current().pid()
                      + ", "
                      + what
                      + ", since "
                      + Instant.now()
                      + "\n")
                  .getBytes(StandardCharsets.UTF_8)),
          0);
      ch.force(false);
      return new DirectoryLock(ch, l);
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // reporting the first failure
        }
      }
      throw IoFailure.of("lock", file, e);
    }
  }

  private static String holder(Path file) {
    try {
      String s = Files.readString(file).strip();
      return s.isEmpty() ? "another process" : s;
    } catch (IOException e) {
      return "another process";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The OS releases the lock with the process anyway.
    }
  }
}
