package org.sorcen.train.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** One process: a stop request is agreed at once, and there is no cluster to join. */
class SingleProcessTest {
  @Test
  void theStopRequestIsTheAgreementAndJoiningIsRefused() {
    Replication one = Replication.of(null);
    assertTrue(one.replicas().isSingle());
    assertFalse(one.stopAgreed());
    AtomicBoolean requested = new AtomicBoolean();
    one.voteStop(requested::get);
    assertFalse(one.stopAgreed());
    requested.set(true);
    assertTrue(one.stopAgreed());
    assertEquals(0, one.stopVotes());
    assertThrows(IllegalStateException.class, () -> one.join(List.of()));
  }
}
