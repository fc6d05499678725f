package org.sorcen.train.run;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGINT / SIGTERM as a request: the current step finishes, a checkpoint is written and the run
 * exits normally, instead of the JVM dying mid-step.
 *
 * <p>The handler is {@code sun.misc.Signal} (module jdk.unsupported, the only way Java catches a
 * signal without ending the JVM), reached by reflection: javac warns about every direct use of it
 * and no annotation silences that, while main code compiles with warnings as errors.
 */
public final class StopRequest {
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
}
