package org.sorcen.train.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.IoFailure;
import org.sorcen.export.io.StaleTemporaries;
import org.sorcen.graph.config.JsonErrors;
import org.sorcen.train.data.DataException;
import org.sorcen.train.session.Checkpointable;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * A run's checkpoints: {@code checkpoints/step-<step>/} holding the TF bundle ({@code ckpt.index},
 * {@code ckpt.data-*}), the resolved {@code config.json} it was trained with, and a sidecar
 * {@code checkpoint.json} with the step and the size and CRC32C of every bundle file. Each is
 * written into a hidden temporary directory and renamed into place, so a directory named
 * {@code step-*} was complete when written; the sidecar's digests tell whether it still is (a cut
 * or flipped file, a lost index) before anything is restored. The newest {@code keep} are kept.
 */
public final class Checkpoints {
  public static final String SIDECAR = "checkpoint.json";
  public static final String CONFIG = "config.json";
  static final String PREFIX = "ckpt";
  static final String DAMAGED = "damaged-";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setDefaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Size and CRC32C of one bundle file. */
  public record FileDigest(long size, String crc32c) {}

  /**
   * What a checkpoint was made at; the data position follows from step and steps_per_epoch.
   * {@code trainSeconds} is the run's step time up to {@code step} (TrainingLoop's training time),
   * null in checkpoints written before it was kept; {@code files} is null in checkpoints written
   * before digests were kept.
   */
  public record Sidecar(
      long step,
      double epoch,
      long stepsPerEpoch,
      long seed,
      String configHash,
      double wallTime,
      Double trainSeconds,
      Map<String, FileDigest> files) {
    public Sidecar withFiles(Map<String, FileDigest> digests) {
      return new Sidecar(
          step, epoch, stepsPerEpoch, seed, configHash, wallTime, trainSeconds, digests);
    }

    /** The training time to continue from: NaN when this checkpoint predates the field. */
    public double trainSecondsOrNaN() {
      return trainSeconds != null ? trainSeconds : Double.NaN;
    }
  }

  private final Path dir;
  private final int keep;

  public Checkpoints(Path dir, int keep) {
    this.dir = dir;
    this.keep = keep;
  }

  /** Writes the session's variables with {@code sidecar} and {@code configJson}; returns the directory. */
  public Path save(Checkpointable session, Sidecar sidecar, String configJson) {
    Path target = dir.resolve(String.format("step-%09d", sidecar.step()));
    StaleTemporaries.sweepAll(dir); // a killed run's .step-*.tmp-PID: its step is not written again
    AtomicFiles.writeDirectory(
        target,
        true,
        tmp -> {
          try {
            session.save(tmp.resolve(PREFIX));
          } catch (TensorFlowException e) {
            throw IoFailure.of("write checkpoint", target, e);
          }
          Files.writeString(tmp.resolve(CONFIG), configJson);
          Files.writeString(
              tmp.resolve(SIDECAR),
              JSON.writerWithDefaultPrettyPrinter()
                  .writeValueAsString(sidecar.withFiles(digests(tmp))));
        });
    try {
      prune();
    } catch (IOException e) {
      throw IoFailure.of("remove old checkpoints in", dir, e);
    }
    return target;
  }

  /** Checkpoints with a sidecar, oldest first (damaged ones included: see {@link #newestIntact}). */
  public List<Path> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(
              p ->
                  p.getFileName().toString().startsWith("step-")
                      && Files.exists(p.resolve(SIDECAR)))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw IoFailure.of("list", dir, e);
    }
  }

  public Optional<Path> latest() {
    List<Path> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * The newest checkpoint whose files match its sidecar. Each newer damaged one is reported to
   * {@code damaged} (path and what is wrong) and, when {@code setAside}, renamed to
   * {@code damaged-step-*} so that it is neither resumed from nor counted among the kept ones.
   */
  public Optional<Path> newestIntact(boolean setAside, Consumer<String> damaged) {
    List<Path> all = new ArrayList<>(list());
    for (int i = all.size() - 1; i >= 0; i--) {
      Path c = all.get(i);
      Optional<String> problem = damage(c);
      if (problem.isEmpty()) {
        return Optional.of(c);
      }
      String note = c + " is damaged (" + problem.get() + ")";
      if (setAside) {
        Path aside = c.resolveSibling(DAMAGED + c.getFileName());
        try {
          AtomicFiles.deleteTree(aside);
          Files.move(c, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw IoFailure.of("set aside the damaged checkpoint", c, e);
        }
        note += "; moved to " + aside.getFileName();
      }
      damaged.accept(note);
    }
    return Optional.empty();
  }

  /** What is wrong with a checkpoint directory, or empty when its files match its sidecar. */
  public static Optional<String> damage(Path checkpoint) {
    Sidecar s;
    try {
      s = readSidecar(checkpoint);
    } catch (DataException e) {
      return Optional.of(e.getMessage());
    }
    if (s.files() == null) {
      // Written before digests were kept: at least the bundle must be there.
      return Files.exists(checkpoint.resolve(PREFIX + ".index"))
          ? Optional.empty()
          : Optional.of(PREFIX + ".index is missing");
    }
    try {
      Map<String, FileDigest> now = digests(checkpoint);
      for (var e : s.files().entrySet()) {
        FileDigest actual = now.get(e.getKey());
        if (actual == null) {
          return Optional.of(e.getKey() + " is missing");
        }
        if (actual.size() != e.getValue().size()) {
          return Optional.of(
              e.getKey()
                  + " has "
                  + actual.size()
                  + " bytes, "
                  + e.getValue().size()
                  + " were written");
        }
        if (!actual.crc32c().equals(e.getValue().crc32c())) {
          return Optional.of(
              e.getKey()
                  + " has changed since it was written (CRC32C "
                  + actual.crc32c()
                  + ", written "
                  + e.getValue().crc32c()
                  + ")");
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("unreadable: " + e.getMessage());
    }
  }

  public static Sidecar readSidecar(Path checkpoint) {
    Path file = checkpoint.resolve(SIDECAR);
    try {
      return checked(file, JSON.readValue(file.toFile(), Sidecar.class));
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw new DataException(
          checkpoint
              + " is not a checkpoint: "
              + SIDECAR
              + " is missing; pass a step-* "
              + "directory of a run's checkpoints/");
    } catch (IOException e) {
      throw new DataException(
          file
              + ": not a checkpoint sidecar ("
              + JsonErrors.describe(e)
              + "); pass a step-* "
              + "directory of a run's checkpoints/",
          e);
    }
  }

  /** A sidecar that parses but holds impossible values (a negative step, a NaN epoch) is refused. */
  private static Sidecar checked(Path file, Sidecar s) {
    String bad = impossibleValue(s);
    if (bad != null) {
      throw new DataException(
          file + ": impossible values (" + bad + "), not a sidecar this project wrote");
    }
    return s;
  }

  /** The first value no run of this project writes, or null. */
  private static String impossibleValue(Sidecar s) {
    if (s == null) {
      return "it is empty (null)";
    }
    if (s.step() < 0) {
      return "step " + s.step() + " is negative";
    }
    if (!(s.epoch() >= 0 && Double.isFinite(s.epoch()))) {
      return "epoch " + s.epoch() + " is not a finite number ≥ 0";
    }
    if (s.stepsPerEpoch() < 0) {
      return "steps_per_epoch " + s.stepsPerEpoch() + " is negative";
    }
    if (s.trainSeconds() != null && !(s.trainSeconds() >= 0 && Double.isFinite(s.trainSeconds()))) {
      return "train_seconds " + s.trainSeconds() + " is not a finite number ≥ 0";
    }
    if (s.files() == null) {
      return null;
    }
    return s.files().entrySet().stream()
        .filter(
            e ->
                e.getValue() == null
                    || e.getValue().size() < 0
                    || e.getValue().crc32c() == null
                    || !e.getValue().crc32c().matches("[0-9a-f]{8}"))
        .map(e -> "files." + e.getKey() + " is not {size ≥ 0, crc32c of 8 hex digits}")
        .findFirst()
        .orElse(null);
  }

  /**
   * The resolved config a checkpoint was trained with: its own {@code config.json}, or for
   * checkpoints written before that was kept, the run's ({@code ../../config.json}); null if neither.
   */
  public static String readConfig(Path checkpoint) {
    for (Path f :
        List.of(
            checkpoint.resolve(CONFIG),
            checkpoint.toAbsolutePath().getParent().resolveSibling(CONFIG))) {
      if (Files.isRegularFile(f)) {
        try {
          return Files.readString(f);
        } catch (IOException e) {
          throw IoFailure.of("read", f, e);
        }
      }
    }
    return null;
  }

  /**
   * The checkpoint a reader of a run should use: {@code explicit} if given (refused when damaged),
   * else the run's newest intact one, each newer damaged one reported to {@code warn}.
   */
  public static Path forReading(Path runDir, Path explicit, Consumer<String> warn) {
    if (explicit != null) {
      damage(explicit)
          .ifPresent(
              problem -> {
                throw new DataException(
                    "checkpoint " + explicit + " is damaged (" + problem + "): pass another one");
              });
      return explicit;
    }
    Checkpoints all = new Checkpoints(new RunLayout(runDir).checkpoints(), Integer.MAX_VALUE);
    return all.newestIntact(false, warn)
        .orElseThrow(
            () ->
                new DataException(
                    runDir
                        + " has no "
                        + (all.list().isEmpty()
                            ? "checkpoint yet: train it first"
                            : "intact checkpoint: every one is damaged")));
  }

  /** The bundle prefix inside a checkpoint directory, as Session.restore wants it. */
  public static Path prefix(Path checkpoint) {
    return checkpoint.resolve(PREFIX);
  }

  private static Map<String, FileDigest> digests(Path checkpoint) throws IOException {
    Map<String, FileDigest> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(checkpoint)) {
      for (Path f :
          s.filter(p -> p.getFileName().toString().startsWith(PREFIX + ".")).sorted().toList()) {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(f)) {
          for (int n = in.read(buf); n > 0; n = in.read(buf)) {
            crc.update(buf, 0, n);
          }
        }
        out.put(
            f.getFileName().toString(),
            new FileDigest(Files.size(f), String.format("%08x", crc.getValue())));
      }
    }
    return out;
  }

  private void prune() throws IOException {
    List<Path> all = list();
    for (int i = 0; i < all.size() - keep; i++) {
      AtomicFiles.deleteTree(all.get(i));
    }
  }
}
