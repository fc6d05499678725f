package org.sorcen.train.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@code --cluster}/{@code --task-index} and {@code TF_CONFIG}: what they accept, and one line for what they refuse. */
class ClusterSpecTest {
  @Test
  void flagsNameTheWorkersAndThisOne() {
    ClusterSpec s = ClusterSpec.fromFlags("10.0.0.1:2222, host-b:2223", 1);
    assertEquals(List.of("10.0.0.1:2222", "host-b:2223"), s.workers());
    assertEquals(2, s.size());
    assertEquals(2223, s.port());
    assertEquals("host-b:2223", s.self());
    assertTrue(ClusterSpec.fromFlags("a:1,b:2", 0).isChief());
  }

  @Test
  void malformedFlagsAreRefusedSayingWhatToChange() {
    assertRefused(() -> ClusterSpec.fromFlags("a:1,b:2", null), "--task-index");
    assertRefused(
        () -> ClusterSpec.fromFlags("a:1,b:2", 2), "task index 2 is outside the 2 workers");
    assertRefused(() -> ClusterSpec.fromFlags("a:1,b:2", -1), "use 0..1");
    assertRefused(() -> ClusterSpec.fromFlags("a:1,b", 0), "\"b\" is not HOST:PORT");
    assertRefused(() -> ClusterSpec.fromFlags("a:1,,b:2", 0), "\"\" is not HOST:PORT");
    assertRefused(() -> ClusterSpec.fromFlags("a:1,b:70000", 0), "\"b:70000\" is not HOST:PORT");
    assertRefused(() -> ClusterSpec.fromFlags("a:1,b:0", 0), "port 1-65535");
    assertRefused(() -> ClusterSpec.fromFlags(":1,b:2", 0), "\":1\" is not HOST:PORT");
    assertRefused(() -> ClusterSpec.fromFlags("a:x,b:2", 0), "\"a:x\"");
    assertRefused(() -> ClusterSpec.fromFlags("a:1,a:1", 0), "lists a worker address twice");
  }

  @Test
  void tfConfigAsKubeflowSetsIt() {
    ClusterSpec s =
        ClusterSpec.fromTfConfig(
            """
        {"cluster": {"worker": ["w0:2222", "w1:2222", "w2:2222"]}, "task": {"type": "worker", "index": 2}}""");
    assertEquals(List.of("w0:2222", "w1:2222", "w2:2222"), s.workers());
    assertEquals(2, s.taskIndex());
  }

  @Test
  void malformedTfConfigIsRefusedSayingWhatToChange() {
    assertRefused(() -> ClusterSpec.fromTfConfig("{\"cluster\": "), "TF_CONFIG is not JSON");
    assertRefused(() -> ClusterSpec.fromTfConfig("[]"), "\"cluster\": {\"worker\"");
    assertRefused(
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": \"w0:1\"}, \"task\": {\"type\": "
                    + "\"worker\", \"index\": 0}}"),
        "\"cluster\": {\"worker\"");
    assertRefused(
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": [\"w0:1\"]}, \"task\": {\"type\": "
                    + "\"chief\", \"index\": 0}}"),
        "task.type must be \"worker\"");
    assertRefused(
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": [\"w0:1\"]}, \"task\": {\"type\": "
                    + "\"worker\", \"index\": \"0\"}}"),
        "\"index\": I");
    assertRefused(
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": [\"w0:1\"]}, \"task\": {\"type\": " + "\"worker\"}}"),
        "\"index\": I");
    assertRefused(
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": [\"w0:1\"], \"ps\": [\"p:1\"]}, "
                    + "\"task\": {\"type\": \"worker\", \"index\": 0}}"),
        "job \"ps\" is not used");
    assertRefused(
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": [\"w0:1\", \"w1\"]}, \"task\": "
                    + "{\"type\": \"worker\", \"index\": 0}}"),
        "\"w1\" is not HOST:PORT");
    assertRefused(
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": [\"w0:1\"]}, \"task\": {\"type\": "
                    + "\"worker\", \"index\": 1}}"),
        "outside the 1 workers");
  }

  /** An {@link IllegalArgumentException} (exit 2) whose message is one line containing {@code part}. */
  private static void assertRefused(Executable parse, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
    assertTrue(e.getMessage().contains(part), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }
}
