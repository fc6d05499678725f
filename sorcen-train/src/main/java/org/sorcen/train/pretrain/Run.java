package org.sorcen.train.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.sorcen.export.FiniteOutputs;
import org.sorcen.export.ModelExport;
import org.sorcen.export.VersionSet;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.DirectoryLock;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.RunInfo;
import org.sorcen.train.run.RunLayout;

/**
 * A run directory as its readers see it (export, eval, bench-serving, experiment, the end of
 * train): the resolved config, the newest intact checkpoint, the dataset and tokenizer it used,
 * and the one definition of what a run exports. {@link #open} reads one; {@link #create} writes
 * the files that make a directory a run, for every writer (train, import-official, the initial
 * weights' run).
 */
public final class Run {
  private final RunLayout layout;
  private final JobConfig config;
  private final JsonNode info;

  private Run(RunLayout layout, JobConfig config, JsonNode info) {
    this.layout = layout;
    this.config = config;
    this.info = info;
  }

  /**
   * Writes {@code config.json} (the resolved config) and then {@code run.json} ({@code info}) into
   * {@code dir}, each replaced whole; returns the run as {@link #open} will read it. Train calls
   * it under the run's lock once nothing can refuse the run; the importers inside the temporary
   * directory they rename into place.
   */
  public static Run create(Path dir, JobConfig config, RunInfo info) {
    RunLayout layout = new RunLayout(dir);
    AtomicFiles.writeString(layout.config(), ConfigLoader.toJson(config));
    AtomicFiles.writeString(layout.runInfo(), info.text());
    return new Run(layout, config, info.json());
  }

  /** Opens {@code dir}; a directory without {@code config.json} is refused with what to pass. */
  public static Run open(Path dir) {
    return open(dir, Map.of());
  }

  /** Opens {@code dir} with dotted overrides applied to its config (e.g. evaluator settings). */
  public static Run open(Path dir, Map<String, String> overrides) {
    RunLayout layout = new RunLayout(dir);
    if (!Files.isRegularFile(layout.config())) {
      throw new DataException(dir + " is not a run directory: " + layout.config() + " is missing");
    }
    JobConfig config;
    JsonNode info = null;
    try {
      config =
          JobConfig.parse(Files.readString(layout.config()), layout.config().toString(), overrides);
      if (Files.exists(layout.runInfo())) {
        info = RunInfo.read(layout.runInfo());
      }
    } catch (IOException e) {
      throw IoFailure.of("read", dir, e);
    }
    return new Run(layout, config, info);
  }

  public Path dir() {
    return layout.root();
  }

  public RunLayout layout() {
    return layout;
  }

  public JobConfig config() {
    return config;
  }

  /** The newest intact checkpoint; newer damaged ones are reported to {@code warn}. */
  public Path checkpoint(Consumer<String> warn) {
    return Checkpoints.forReading(dir(), null, warn);
  }

  /** {@code explicit} when given (refused if damaged), else the newest intact checkpoint. */
  public Path checkpoint(Path explicit, Consumer<String> warn) {
    return Checkpoints.forReading(dir(), explicit, warn);
  }

  /** The token dataset the run trained on, from {@code run.json}, or null if it does not say. */
  public Path data() {
    return path("data");
  }

  /** The tokenizer the run drew its pictures with, from {@code run.json}, or null. */
  public Path tokenizer() {
    return path("tokenizer");
  }

  private Path path(String key) {
    JsonNode n = info != null ? info.path(key) : null;
    return n != null && n.isTextual() ? Path.of(n.asText()) : null;
  }

  /** Takes the run's lock for a command that writes into it. */
  public DirectoryLock lock(String what) {
    return DirectoryLock.acquire(dir(), what);
  }

  /**
   * Exports the run's models from {@code checkpoint} into {@code out} under one version (null:
   * one above the highest there), all or none. Returns their directories.
   */
  public List<Path> export(Path out, Integer version, Path checkpoint, Path tokenizer) {
    // Each model is run once before the set is committed: NaN weights are refused, not exported.
    return VersionSet.write(
        out, version, models(config, checkpoint, tokenizer), FiniteOutputs::problems);
  }

  /**
   * The end-of-run export into {@code runs/NAME/savedmodels/<model>/<step>/}: writes what is
   * missing there (a run interrupted during its export completes it when run again).
   */
  public static List<Path> ensureFinalExport(
      JobConfig config, Path runDir, Path checkpoint, Path tokenizer) {
    long step = Checkpoints.readSidecar(checkpoint).step();
    return VersionSet.ensure(
        new RunLayout(runDir).savedModels(), version(step), models(config, checkpoint, tokenizer));
  }

  /** Where the end-of-run export put {@code model} for this step. */
  public static Path finalExport(Path runDir, String model, long step) {
    return new RunLayout(runDir)
        .savedModels()
        .resolve(model)
        .resolve(Integer.toString(version(step)));
  }

  /**
   * What a run exports, in order: encoder, generator and, with a tokenizer, the tokenizer itself,
   * the image generator (seeds to images in one graph) and the image encoder (images to embeddings).
   */
  static List<VersionSet.Member> models(JobConfig cfg, Path checkpoint, Path tokenizer) {
    Path prefix = Checkpoints.prefix(checkpoint);
    List<VersionSet.Member> out =
        new ArrayList<>(
            List.of(
                ModelExport.encoderModel(cfg, prefix), ModelExport.generatorModel(cfg, prefix)));
    if (tokenizer != null) {
      ImageTokenizer spec = spec(tokenizer);
      out.add(ModelExport.tokenizerModel(tokenizer));
      out.add(ModelExport.imageGeneratorModel(cfg, prefix, spec, tokenizer));
      out.add(ModelExport.imageEncoderModel(cfg, prefix, spec, tokenizer));
    }
    return out;
  }

  /**
   * Exports only the image encoder of {@code checkpoint} and {@code tokenizer} into
   * {@code out/sorcen-image-encoder/1}, e.g. to evaluate a run on image files; returns its directory.
   */
  public Path exportImageEncoder(Path out, Path checkpoint, Path tokenizer) {
    return ModelExport.imageEncoder(
        config, Checkpoints.prefix(checkpoint), spec(tokenizer), tokenizer, out, 1);
  }

  private static ImageTokenizer spec(Path tokenizer) {
    try (Tokenizer t = Tokenizer.load(tokenizer)) {
      return t.spec();
    }
  }

  /** Versions are positive integers; a checkpoint at step 0 (no training) still exports as 1. */
  private static int version(long step) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, step));
  }
}
