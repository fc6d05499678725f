package org.sorcen.train.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.train.cluster.ClusterSpec;
import org.sorcen.train.cluster.LoopbackAddresses;
import org.sorcen.train.cluster.Workers;

/**
 * Two data-parallel replicas in ONE JVM (two gRPC servers on loopback, a thread each), fed the same
 * global batches, against one session with that batch: every step's losses agree. A fast check of
 * the graph-level equivalence; the separate-process test is cluster.TwoWorkerProcessesTest.
 */
class InProcessReplicasTest {
  static final int STEPS = 6;
  static final int BATCH = 8;

  @ParameterizedTest
  @ValueSource(strings = {"sorcen", "mage"})
  void twoReplicasTrainLikeOneProcess(String method) throws Exception {
    SorcenConfig config = TinyConfigs.tiny(Map.of("method", method, "model.dropout", "0.1"));
    List<Map<String, Double>> single = new ArrayList<>();
    try (TrainingSession s = TrainingSession.create(config, true, 4, SessionSettings.defaults())) {
      for (int i = 0; i < STEPS; i++) {
        single.add(
            s.step(TinyConfigs.tokens(BATCH, 16, 32, i), TinyConfigs.labels(BATCH, i)).values());
      }
    }
    List<String> addresses = LoopbackAddresses.of(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<List<Map<String, Double>>>> runs = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int task = w;
      runs.add(
          pool.submit(
              () -> {
                // Closing would block on the servers, which cannot stop: the JVM's exit frees them.
                TrainingSession s =
                    TrainingSession.create(
                        config,
                        new BatchInput.Fed(true),
                        4,
                        SessionSettings.defaults(),
                        new Workers(new ClusterSpec(addresses, task), 60));
                s.cluster().join(List.of());
                List<Map<String, Double>> out = new ArrayList<>();
                for (int i = 0; i < STEPS; i++) {
                  out.add(
                      s.step(TinyConfigs.tokens(BATCH, 16, 32, i), TinyConfigs.labels(BATCH, i))
                          .values());
                }
                return out;
              }));
    }
    List<Map<String, Double>> chief = runs.get(0).get(300, TimeUnit.SECONDS);
    List<Map<String, Double>> other = runs.get(1).get(300, TimeUnit.SECONDS);
    pool.shutdownNow();
    for (int i = 0; i < STEPS; i++) {
      for (String k : single.get(i).keySet()) {
        double want = single.get(i).get(k);
        assertEquals(
            want,
            chief.get(i).get(k),
            1e-4 * Math.max(1, Math.abs(want)),
            method + " step " + i + " " + k);
        assertEquals(
            chief.get(i).get(k), other.get(i).get(k), 0.0, method + " step " + i + " " + k);
      }
    }
  }
}
