import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;

/**
 * One lever against its absence, in one JVM: two training sessions of one config that differ in
 * their overrides (A and B), their steps alternated (A B, B A, ...) on one random batch, so that a
 * busy or drifting machine slows both alike. Prints each side's median and the median of the
 * per-step ratios B/A, the figure results/performance.md quotes for a lever.
 *
 *   java -cp sorcen-train/target/sorcen-cli.jar tools/bench/PairedSteps.java \
 *       CONFIG BATCH STEPS "A: key=value,key=value" "B: key=value,..."
 * e.g. configs/sorcen-vit-base.json 4 10 model.elementwise=tensorflow model.elementwise=xla
 */
public class PairedSteps {
  public static void main(String[] args) {
    if (args.length != 5) {
      System.err.println("usage: PairedSteps CONFIG BATCH STEPS A_OVERRIDES B_OVERRIDES");
      System.exit(2);
    }
    Path configFile = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    String[] sides = {args[3], args[4]};
    List<TrainingSession> sessions = new ArrayList<>();
    JobConfig config = null;
    for (String side : sides) {
      Map<String, String> overrides = new HashMap<>();
      for (String kv : side.split(",")) {
        String[] p = kv.split("=", 2);
        overrides.put(p[0], p[1]);
      }
      overrides.put("train.batch_size", Integer.toString(batch));
      config = JobConfig.load(configFile, overrides);
      sessions.add(
          TrainingSession.create(
              config, config.model.numClasses > 0, 1000, new SessionSettings(2, 2, false)));
    }
    Random random = new Random(0);
    long[] ids = new long[batch * config.model.seqLen()];
    long[] labels = new long[batch];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(config.model.codebookSize);
    }
    boolean withLabels = config.model.numClasses > 0;
    for (int i = 0; i < batch; i++) {
      labels[i] = withLabels ? random.nextInt(config.model.numClasses) : -1;
    }
    for (int warm = 0; warm < 3; warm++) {
      for (TrainingSession s : sessions) {
        s.step(ids, withLabels ? labels : null);
      }
    }
    double[][] ms = new double[2][steps];
    for (int i = 0; i < steps; i++) {
      for (int k = 0; k < 2; k++) {
        int side = i % 2 == 0 ? k : 1 - k;
        long t0 = System.nanoTime();
        sessions.get(side).step(ids, withLabels ? labels : null);
        ms[side][i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double[] ratio = new double[steps];
    for (int i = 0; i < steps; i++) {
      ratio[i] = ms[1][i] / ms[0][i];
    }
    for (int k = 0; k < 2; k++) {
      System.out.printf("%s: %-50s median %.1f ms%n", k == 0 ? "A" : "B", sides[k], median(ms[k]));
    }
    System.out.printf("B/A per step: median %.3f%n", median(ratio));
    sessions.forEach(TrainingSession::close);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
