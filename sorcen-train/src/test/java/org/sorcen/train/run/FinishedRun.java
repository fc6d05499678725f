package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sorcen.export.io.AtomicFiles;

/**
 * One tiny finished run shared by the fault tests (TrainerTest's config and data, 2 epochs = 12
 * steps, checkpoints every 4), made once per test JVM and removed when it exits.
 */
final class FinishedRun {
  static final Path ROOT;
  static final Path DATA;
  static final Path CONFIG;
  static final Path RUN;

  static {
    try {
      ROOT = Files.createTempDirectory("sorcen-finished-run");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> AtomicFiles.deleteQuietly(ROOT)));
      DATA = TrainerTest.dataset(ROOT);
      CONFIG = ROOT.resolve("config.json");
      Files.writeString(CONFIG, TrainerTest.CONFIG);
      RUN = ROOT.resolve("finished");
      RunFaultsTest.Result r = RunFaultsTest.cli(RunFaultsTest.train(RUN));
      assertEquals(0, r.code(), r.err() + r.out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private FinishedRun() {}
}
