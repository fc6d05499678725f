package org.sorcen.train.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.train.bench.ClusterBenchWorker;
import org.sorcen.train.cluster.LoopbackAddresses;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.pretrain.JobConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-cluster",
    description =
        "Data-parallel scaling on this machine: for each worker count W, "
            + "W worker processes on 127.0.0.1 train on a constant global batch; prints the median step time, the median "
            + "time of the gradients' all-reduce alone, and the bytes each worker sends per step. TensorFlow's servers "
            + "listen on 0.0.0.0 without authentication while it runs: use a trusted host.")
final class BenchClusterCommand implements Callable<Integer> {
  @Option(names = "--workers", split = ",", description = "Worker counts to time (default 1,2,3).")
  List<Integer> workers = new ArrayList<>(List.of(1, 2, 3));

  @Option(
      names = "--config",
      defaultValue = "configs/sorcen-tiny.json",
      description = "Model and training config (default ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--batch-size",
      description = "The global batch, split over the workers (default the config's).")
  Integer batchSize;

  @Option(names = "--set", description = "Dotted config override key=value (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default 3).")
  int warmup;

  @Option(
      names = "--steps",
      defaultValue = "10",
      description = "Timed steps; the median is reported (default 10).")
  int steps;

  @Option(
      names = "--timeout",
      defaultValue = "1800",
      description =
          "Seconds one worker count may take before its "
              + "processes are stopped (default ${DEFAULT-VALUE}).")
  int timeout;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Flags.requireAtLeast(spec, "--warmup", warmup, 1);
    Flags.requireAtLeast(spec, "--steps", steps, 1);
    Flags.requireAtLeast(spec, "--timeout", timeout, 1);
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (batchSize != null) {
      all.put("train.batch_size", batchSize.toString());
    }
    JobConfig cfg = JobConfig.load(ProjectPaths.resolve(config), all);
    for (int w : workers) {
      if (w < 1 || cfg.train.batchSize % w != 0) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--workers "
                + w
                + ": the global batch "
                + cfg.train.batchSize
                + " must split evenly over every worker count; set --batch-size to a multiple");
      }
    }
    Path tmp = Files.createTempDirectory("sorcen-bench-cluster");
    Path cfgFile = Files.writeString(tmp.resolve("config.json"), ConfigLoader.toJson(cfg));
    System.out.printf(
        Locale.ROOT,
        "%s, global batch %d, %d timed steps after %d; loopback, %d cores shared by "
            + "all workers%n",
        cfg.name,
        cfg.train.batchSize,
        steps,
        warmup,
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| W | rows/worker | step ms | all-reduce ms | all-reduced floats | MB/step/worker |");
    System.out.println("|---|---|---|---|---|---|");
    for (int w : workers) {
      JsonNode r = runWorkers(w, cfgFile, tmp);
      System.out.printf(
          Locale.ROOT,
          "| %d | %d | %.1f | %.1f | %d | %.2f |%n",
          w,
          cfg.train.batchSize / w,
          r.get("step_ms").asDouble(),
          r.get("allreduce_ms").asDouble(),
          r.get("largest_allreduce_elements").asLong(),
          r.get("bytes_per_step").asDouble() / 1e6);
    }
    return 0;
  }

  /** Starts W worker JVMs on free loopback ports; the chief's JSON result. */
  private JsonNode runWorkers(int w, Path cfgFile, Path tmp) throws Exception {
    List<String> addresses = LoopbackAddresses.of(w);
    List<Process> procs = new ArrayList<>();
    for (int i = 0; i < w; i++) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              ClusterBenchWorker.class.getName(),
              cfgFile.toString(),
              String.join(",", addresses),
              Integer.toString(i),
              Integer.toString(warmup),
              Integer.toString(steps)));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectError(tmp.resolve("w" + w + "-" + i + ".log").toFile())
              .redirectOutput(tmp.resolve("w" + w + "-" + i + ".out").toFile());
      pb.environment().remove("TF_CONFIG");
      procs.add(pb.start());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
    for (int i = 0; i < w; i++) {
      Process p = procs.get(i);
      long left = Math.max(1, deadline - System.nanoTime());
      if (!p.waitFor(left, TimeUnit.NANOSECONDS) || p.exitValue() != 0) {
        procs.forEach(Process::destroyForcibly);
        throw new IllegalStateException(
            "bench worker "
                + i
                + " of "
                + w
                + " failed or took over "
                + timeout
                + " s; its log: "
                + tmp.resolve("w" + w + "-" + i + ".log"));
      }
    }
    String line =
        Files.readAllLines(tmp.resolve("w" + w + "-0.out")).stream()
            .filter(l -> l.startsWith("{"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the chief printed no result: " + tmp.resolve("w" + w + "-0.log")));
    return new ObjectMapper().readTree(line);
  }
}
