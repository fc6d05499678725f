package org.sorcen.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.Directories;
import org.sorcen.train.session.TrainingSession;

/**
 * A run's checkpoints: {@code checkpoints/step-<step>/} holding the TF bundle ({@code ckpt.index},
 * {@code ckpt.data-*}) and a sidecar {@code checkpoint.json}. Each is written into a hidden
 * temporary directory and renamed into place, so a directory named {@code step-*} is always
 * complete; the newest {@code keep} are kept.
 */
public final class Checkpoints {
  public static final String SIDECAR = "checkpoint.json";
  static final String PREFIX = "ckpt";
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /** What a checkpoint was made at; the data position follows from step and steps_per_epoch. */
  public record Sidecar(long step, double epoch, long stepsPerEpoch, long seed, String configHash, double wallTime) {}

  private final Path dir;
  private final int keep;

  public Checkpoints(Path dir, int keep) {
    this.dir = dir;
    this.keep = keep;
  }

  public Path save(TrainingSession session, Sidecar sidecar) {
    Path tmp = dir.resolve(".tmp-step-" + sidecar.step());
    Path target = dir.resolve(String.format("step-%09d", sidecar.step()));
    try {
      Files.createDirectories(dir);
      if (Files.exists(tmp)) {
        Directories.deleteTree(tmp);
      }
      Files.createDirectories(tmp);
      session.save(tmp.resolve(PREFIX));
      Files.writeString(tmp.resolve(SIDECAR), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sidecar));
      if (Files.exists(target)) {
        Directories.deleteTree(target);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      prune();
      return target;
    } catch (IOException e) {
      throw new DataException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  /** Complete checkpoints, oldest first. */
  public List<Path> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("step-") && Files.exists(p.resolve(SIDECAR)))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    } catch (IOException e) {
      throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  public Optional<Path> latest() {
    List<Path> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  public static Sidecar readSidecar(Path checkpoint) {
    Path file = checkpoint.resolve(SIDECAR);
    try {
      return JSON.readValue(file.toFile(), Sidecar.class);
    } catch (IOException e) {
      throw new DataException(file + ": not a checkpoint sidecar (" + e.getMessage() + "); pass a step-* directory "
          + "of a run's checkpoints/", e);
    }
  }

  /** The bundle prefix inside a checkpoint directory, as Session.restore wants it. */
  public static Path prefix(Path checkpoint) {
    return checkpoint.resolve(PREFIX);
  }

  private void prune() throws IOException {
    List<Path> all = list();
    for (int i = 0; i < all.size() - keep; i++) {
      Directories.deleteTree(all.get(i));
    }
  }
}
