package org.sorcen.train.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Default paths (configs/, data/, savedmodels/) are relative to the repository. The launcher
 * exports its location as SORCEN_HOME, so defaults work from any working directory; a path the
 * user gives that exists where they are always wins. Public for the trainer's evaluators, whose
 * settings name repository paths too (the committed feature classifier).
 */
public final class ProjectPaths {
  private ProjectPaths() {}

  public static Path resolve(Path p) {
    if (p == null || p.isAbsolute() || Files.exists(p)) {
      return p;
    }
    String home = System.getenv("SORCEN_HOME");
    if (home != null) {
      Path q = Path.of(home).resolve(p);
      if (Files.exists(q)) {
        return q;
      }
    }
    return p;
  }
}
