package org.sorcen.train.run;

import sun.misc.Signal;

/**
 * SIGINT / SIGTERM as a request: the current step finishes, a checkpoint is written and the run
 * exits normally, instead of the JVM dying mid-step.
 */
public final class StopRequest {
  private volatile String signal;

  public static StopRequest installForSignals() {
    StopRequest r = new StopRequest();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), s -> r.signal = "SIG" + s.getName());
    }
    return r;
  }

  public boolean requested() {
    return signal != null;
  }

  public String signal() {
    return signal;
  }
}
