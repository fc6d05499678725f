package org.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * A Session on a gRPC target ("grpc://host:port"), which TF Java's public API does not offer: its
 * Session always runs in-process. This class sits in TF Java's package to reach the package-private
 * pieces its own constructor uses (the graph's native handle and the Session(Graph, TF_Session)
 * constructor); it is tied to TF Java 1.1 and covered by the cluster tests. The session's variables
 * start uninitialised: call {@link Session#initialize()}.
 */
public final class GrpcSessions {
  private GrpcSessions() {}

  public static Session open(Graph graph, String target, ConfigProto config) {
    try (PointerScope scope = new PointerScope();
        Graph.Reference ref = graph.ref()) {
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
      TF_SetTarget(options, target);
      BytePointer bytes = new BytePointer(config.toByteArray());
      TF_SetConfig(options, bytes, bytes.capacity(), status);
      status.throwExceptionIfNotOK();
      TF_Session handle = TF_Session.newSession(ref.nativeHandle(), options, status);
      status.throwExceptionIfNotOK();
      handle.retainReference();
      return new Session(graph, handle);
    }
  }
}
