package org.sorcen.train.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sorcen.train.cluster.LoopbackAddresses;

/**
 * {@code train --local-workers N}: N worker JVMs on this machine, on free loopback ports, each with
 * the same command line plus {@code --cluster} and its {@code --task-index}. On a host with several
 * GPUs each worker sees one through {@code CUDA_VISIBLE_DEVICES} (the i-th of the parent's list, or
 * GPU i). The exit code is the first non-zero one of the workers, else 0.
 */
final class LocalWorkers {
  private LocalWorkers() {}

  /** @param trainArgs the whole command line, {@code train} first, without {@code --local-workers} */
  static int run(int n, List<String> trainArgs) throws IOException, InterruptedException {
    List<String> addresses = LoopbackAddresses.of(n);
    String[] gpus = System.getenv().getOrDefault("CUDA_VISIBLE_DEVICES", "").split(",");
    List<Process> workers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SorcenCli.class.getName()));
      cmd.addAll(
          trainArgs); // they start with "train": picocli's original arguments are the whole command
      // line
      cmd.addAll(
          List.of("--cluster", String.join(",", addresses), "--task-index", Integer.toString(i)));
      ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
      pb.environment().remove("TF_CONFIG");
      pb.environment()
          .put(
              "CUDA_VISIBLE_DEVICES",
              gpus.length > i && !gpus[i].isBlank() ? gpus[i].strip() : Integer.toString(i));
      workers.add(pb.start());
    }
    int code = 0;
    for (Process p : workers) {
      int c = p.waitFor();
      code = code != 0 ? code : c;
    }
    return code;
  }

  /** The command line ({@code train ...}) without {@code --local-workers N} / {@code --local-workers=N}. */
  static List<String> withoutLocalWorkers(List<String> args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--local-workers")) {
        i++;
      } else if (!a.startsWith("--local-workers=")) {
        out.add(a);
      }
    }
    return out;
  }
}
