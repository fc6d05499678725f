package org.sorcen.train.run;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGINT / SIGTERM as a request: the current step finishes, a checkpoint is written and the run
 * exits with {@link #exitCode}, instead of the JVM dying mid-step.
 *
 * <p>The handler is {@code sun.misc.Signal} (module jdk.unsupported, the only way Java catches a
 * signal without ending the JVM), reached by reflection: javac warns about every direct use of it
 * and no annotation silences that, while main code compiles with warnings as errors.
 */
public final class StopRequest {
  public static final int SIGINT_EXIT = 130;
  public static final int SIGTERM_EXIT = 143;

  private volatile String signal;

  public static StopRequest installForSignals() {
    StopRequest r = new StopRequest();
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Method getName = signalClass.getMethod("getName");
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Object handler =
          Proxy.newProxyInstance(
              StopRequest.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "handle" -> {
                      r.signal = "SIG" + getName.invoke(args[0]);
                      yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "StopRequest handler";
                  });
      for (String name : new String[] {"INT", "TERM"}) {
        handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
      }
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | IllegalAccessException
        | InstantiationException
        | InvocationTargetException e) {
      throw new IllegalStateException(
          "cannot install the SIGINT/SIGTERM handler (sun.misc.Signal)", e);
    }
    return r;
  }

  public boolean requested() {
    return signal != null;
  }

  public String signal() {
    return signal;
  }

  /**
   * The exit code of a run this request stopped after its checkpoint: 128 + the signal's number (130
   * for SIGINT, 143 for SIGTERM), what a shell reports for a process the signal ended. An unfinished
   * run must not exit 0: {@code train && export} would go on, and a supervisor (a Kubernetes Job,
   * systemd) would count it done instead of starting it again to resume. A worker stopped by its
   * peers' request, having received no signal itself, reports SIGTERM's.
   */
  public int exitCode() {
    return "SIGINT".equals(signal) ? SIGINT_EXIT : SIGTERM_EXIT;
  }
}
