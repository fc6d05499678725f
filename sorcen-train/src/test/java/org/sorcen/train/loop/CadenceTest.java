package org.sorcen.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CadenceTest {
  /** The steps in (from, to] at which {@code c} is due, telling it each time that the duty was done. */
  private static List<Long> dueSteps(Cadence c, long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long s = from + 1; s <= to; s++) {
      if (c.due(s)) {
        out.add(s);
        c.done(s);
      }
    }
    return out;
  }

  @Test
  void stepsAreMultiplesAndZeroIsOff() {
    assertEquals(List.of(4L, 8L, 12L), dueSteps(Cadence.steps(4), 0, 13));
    assertEquals(List.of(), dueSteps(Cadence.steps(0), 0, 13));
    assertEquals(List.of(), dueSteps(Cadence.never(), 0, 13));
  }

  @Test
  void orAtAddsTheLastStepAndBeforeDropsIt() {
    assertEquals(List.of(4L, 8L, 10L), dueSteps(Cadence.steps(4).orAt(10), 0, 10));
    assertEquals(List.of(5L), dueSteps(Cadence.steps(5).before(10), 0, 10));
  }

  @Test
  void epochsCountFromTheGlobalStepSoAResumedRunEvaluatesWhereAnUninterruptedOneDoes() {
    // 4 steps per epoch, every half epoch: steps 2, 4, 6, ...
    List<Long> straight = dueSteps(Cadence.epochs(0.5, 4, 0), 0, 12);
    assertEquals(List.of(2L, 4L, 6L, 8L, 10L, 12L), straight);
    for (long resumeAt = 1; resumeAt < 12; resumeAt++) {
      long from = resumeAt;
      assertEquals(
          straight.stream().filter(s -> s > from).toList(),
          dueSteps(Cadence.epochs(0.5, 4, resumeAt), resumeAt, 12),
          "resumed at " + resumeAt);
    }
    assertEquals(List.of(), dueSteps(Cadence.epochs(0, 4, 0), 0, 12));
  }

  @Test
  void aDueDutyThatWasNotDoneStaysDue() {
    Cadence c = Cadence.epochs(1, 4, 0);
    assertTrue(c.due(4));
    assertTrue(c.due(5), "not done at step 4");
    c.done(5);
    assertFalse(c.due(6));
    assertTrue(c.due(8));
  }

  @Test
  void minutesCountWallTimeSinceStartOrTheLastTimeItWasDone() {
    long[] now = {0};
    Cadence c = Cadence.minutes(2, () -> now[0]);
    now[0] = 60_000_000_000L;
    assertFalse(c.due(1));
    now[0] = 120_000_000_000L;
    assertTrue(c.due(2));
    c.done(2);
    assertFalse(c.due(3));
    now[0] = 240_000_000_000L;
    assertTrue(c.due(4));
    assertFalse(Cadence.minutes(0, () -> now[0]).due(1), "0 = off");
  }

  @Test
  void orTellsBothWhenDone() {
    long[] now = {0};
    Cadence c = Cadence.minutes(1, () -> now[0]).or(Cadence.steps(10));
    now[0] = 60_000_000_000L;
    assertTrue(c.due(3), "by time");
    c.done(3);
    assertFalse(c.due(4), "the clock restarted");
    assertTrue(c.due(10), "by steps");
  }
}
