package org.sorcen.train.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Default paths (configs/, data/, savedmodels/) are relative to the repository. The launcher
 * exports its location as SORCEN_HOME, so defaults work from any working directory; a path the
 * user gives that exists where they are always wins. Below every user: commands, the experiment and
 * the trainer's evaluators (whose settings name the committed feature classifier) resolve through it.
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
