package org.sorcen.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.DirectoryLock;
import org.sorcen.export.io.IoFailure;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Several models written under one integer version, all or nothing: {@code <root>/<model>/<v>/}
 * for every member or for none. Every target is checked before anything is written; each member
 * is written into a hidden {@code <root>/<model>/.tmp-<v>}; only when all are complete does a
 * journal {@code <root>/.commit-<v>.json} name them, and the renames follow. A process killed
 * during the renames leaves the journal, and the next writer of the root finishes them; one killed
 * earlier leaves only hidden temporaries, which the next writer removes. Writers of one root take
 * its {@link DirectoryLock} in turn.
 */
public final class VersionSet {
  /** One model of the set: its directory name and how to fill its version directory. */
  public record Member(String name, Writer writer) {}

  /** Fills a version directory's temporary twin. */
  public interface Writer {
    void write(Path dir) throws IOException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOURNAL_PREFIX = ".commit-";

  private VersionSet() {}

  /**
   * Writes every member under {@code version} (null: one above the highest version any member has)
   * and returns their directories in order.
   */
  public static List<Path> write(Path root, Integer version, List<Member> members) {
    return write(root, version, members, false, dir -> List.of());
  }

  /**
   * {@link #write(Path, Integer, List)} that first asks {@code check} about every written member
   * (e.g. {@link FiniteOutputs#problems}); any problem refuses the whole set before it is committed.
   */
  public static List<Path> write(
      Path root, Integer version, List<Member> members, Function<Path, List<String>> check) {
    return write(root, version, members, false, check);
  }

  /**
   * Makes the set complete under {@code version}: an interrupted commit is finished, then the
   * members still missing are written (all or none of them). Returns the directories written,
   * empty when there was nothing to do.
   */
  public static List<Path> ensure(Path root, int version, List<Member> members) {
    return write(root, version, members, true, dir -> List.of());
  }

  private static List<Path> write(
      Path root,
      Integer version,
      List<Member> all,
      boolean onlyMissing,
      Function<Path, List<String>> check) {
    // A refused or failed export leaves no directory it made (the root with its .lock, a model's).
    boolean rootIsNew = !Files.exists(root);
    List<Path> newModelDirs =
        all.stream().map(m -> root.resolve(m.name())).filter(d -> !Files.exists(d)).toList();
    boolean[] state = {false, false}; // {locked by us, committing}
    try {
      return writeLocked(root, version, all, onlyMissing, check, state);
    } catch (RuntimeException e) {
      if (state[0] && !state[1]) {
        if (rootIsNew) {
          AtomicFiles.deleteQuietly(root);
        } else {
          newModelDirs.forEach(VersionSet::deleteIfEmpty);
        }
      }
      throw e;
    }
  }

  private static void deleteIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // not empty (another writer's version) or not ours to remove
    }
  }

  private static List<Path> writeLocked(
      Path root,
      Integer version,
      List<Member> all,
      boolean onlyMissing,
      Function<Path, List<String>> check,
      boolean[] state) {
    try (DirectoryLock lock = DirectoryLock.acquire(root, "sorcen export")) {
      state[0] = true;
      recover(root);
      List<Member> members =
          onlyMissing
              ? all.stream().filter(m -> !Files.exists(target(root, m.name(), version))).toList()
              : all;
      if (members.isEmpty()) {
        return List.of();
      }
      int v = version != null ? version : nextVersion(root, names(members));
      if (v < 1) {
        throw new IllegalArgumentException(
            "version "
                + v
                + ": versions are positive integers (TF Serving's "
                + "<model>/<N>/ layout); pass --version 1 or higher");
      }
      List<String> existing = existing(root, names(members), v);
      if (!existing.isEmpty()) {
        throw new IllegalArgumentException(
            String.join(", ", existing)
                + " already exist: pass another --version "
                + "(versions are never overwritten)");
      }
      List<Path> tmps = new ArrayList<>();
      Path writing = root;
      try {
        for (Member m : members) {
          writing = target(root, m.name(), v);
          Path tmp = temporary(root, m.name(), v);
          AtomicFiles.deleteTree(tmp);
          tmps.add(tmp);
          Files.createDirectories(tmp);
          m.writer().write(tmp);
        }
      } catch (IOException e) {
        tmps.forEach(AtomicFiles::deleteQuietly);
        throw IoFailure.of("write", writing, e);
      } catch (TensorFlowException e) {
        tmps.forEach(AtomicFiles::deleteQuietly);
        throw IoFailure.of("write", writing, e);
      } catch (RuntimeException e) {
        tmps.forEach(AtomicFiles::deleteQuietly);
        throw e;
      }
      for (int i = 0; i < members.size(); i++) {
        List<String> problems = check.apply(tmps.get(i));
        if (!problems.isEmpty()) {
          tmps.forEach(AtomicFiles::deleteQuietly);
          throw new IllegalArgumentException(
              members.get(i).name()
                  + " as exported: "
                  + String.join("; ", problems)
                  + "; nothing was exported");
        }
      }
      state[1] = true;
      ObjectNode journal = JSON.createObjectNode();
      journal.put("version", v);
      ArrayNode list = journal.putArray("models");
      names(members).forEach(list::add);
      Path journalFile = root.resolve(JOURNAL_PREFIX + v + ".json");
      try {
        AtomicFiles.writeString(journalFile, journal.toPrettyString());
      } catch (IoFailure e) {
        tmps.forEach(AtomicFiles::deleteQuietly);
        throw e;
      }
      commit(root, v, names(members), journalFile);
      return names(members).stream().map(n -> target(root, n, v)).toList();
    }
  }

  /** The highest version any of {@code names} has under {@code root}, plus one. */
  public static int nextVersion(Path root, List<String> names) {
    int max = 0;
    for (String name : names) {
      Path dir = root.resolve(name);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        max =
            Math.max(
                max,
                s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{1,9}"))
                    .mapToInt(Integer::parseInt)
                    .max()
                    .orElse(0));
      } catch (IOException e) {
        throw IoFailure.of("list", dir, e);
      }
    }
    return max + 1;
  }

  /** Whether every one of {@code names} has {@code version} under {@code root}. */
  public static boolean complete(Path root, List<String> names, int version) {
    return names.stream().allMatch(n -> Files.isDirectory(target(root, n, version)));
  }

  /** Which of {@code names} already have {@code version}, as paths. */
  public static List<String> existing(Path root, List<String> names, int version) {
    return names.stream()
        .map(n -> target(root, n, version))
        .filter(Files::exists)
        .map(Path::toString)
        .toList();
  }

  /**
   * Finishes the renames of a set whose journal is there; removes hidden temporaries that no
   * journal names (a writer that died before its set was complete). Callers hold the root's lock.
   */
  static void recover(Path root) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> s = Files.list(root)) {
      for (Path journal :
          s.filter(p -> p.getFileName().toString().startsWith(JOURNAL_PREFIX)).toList()) {
        var node = JSON.readTree(journal.toFile());
        List<String> names = new ArrayList<>();
        node.path("models").forEach(n -> names.add(n.asText()));
        commit(root, node.path("version").asInt(), names, journal);
      }
    } catch (IOException e) {
      throw IoFailure.of("recover an interrupted export in", root, e);
    }
    try (Stream<Path> models = Files.list(root)) {
      for (Path model : models.filter(Files::isDirectory).toList()) {
        try (Stream<Path> s = Files.list(model)) {
          for (Path tmp : s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
            AtomicFiles.deleteTree(tmp);
          }
        }
      }
    } catch (IOException e) {
      throw IoFailure.of("clean up temporaries in", root, e);
    }
  }

  private static void commit(Path root, int v, List<String> names, Path journal) {
    try {
      for (String n : names) {
        Path tmp = temporary(root, n, v);
        Path target = target(root, n, v);
        if (Files.isDirectory(tmp) && !Files.exists(target)) {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      Files.deleteIfExists(journal);
    } catch (IOException e) {
      throw IoFailure.of("finish the export of version " + v + " in", root, e);
    }
  }

  private static List<String> names(List<Member> members) {
    return members.stream().map(Member::name).toList();
  }

  static Path target(Path root, String name, int v) {
    return root.resolve(name).resolve(Integer.toString(v));
  }

  private static Path temporary(Path root, String name, int v) {
    return root.resolve(name).resolve(".tmp-" + v);
  }
}
