package org.sorcen.train.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {
  /** Many probes in a row make a repeated ephemeral port likely; the list must still be distinct. */
  @Test
  void addressesArePairwiseDifferentAndAcceptedByClusterSpec() {
    List<String> addresses = LoopbackAddresses.of(64);
    assertEquals(64, new HashSet<>(addresses).size());
    assertEquals(64, new ClusterSpec(addresses, 0).size());
  }
}
