package org.sorcen.train.run;

import com.google.protobuf.ByteString;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.sorcen.export.io.IoFailure;
import org.sorcen.train.data.TfRecords;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;

/**
 * A TensorBoard event file ({@code events.out.tfevents.<time>.<host>.<pid>}): TFRecord-framed
 * {@code Event} protos, the first one carrying the file version, then scalars and PNG images.
 * Written from Java so that values computed outside the graph (samples/s, evaluator figures) go
 * in the same file as the losses.
 */
public final class EventFileWriter implements AutoCloseable {
  private final Path file;
  private final OutputStream out;

  public EventFileWriter(Path dir) {
    try {
      Files.createDirectories(dir);
      String host = InetAddress.getLocalHost().getHostName();
      file =
          dir.resolve(
              "events.out.tfevents."
                  + System.currentTimeMillis() / 1000
                  + "."
                  + host
                  + "."
                  + ProcessHandle.current().pid());
      out = new BufferedOutputStream(Files.newOutputStream(file));
      write(Event.newBuilder().setWallTime(now()).setFileVersion("brain.Event:2").build());
    } catch (IOException e) {
      throw IoFailure.of("write TensorBoard events in", dir, e);
    }
  }

  public Path file() {
    return file;
  }

  /**
   * Marks a (re)start at {@code step}: TensorBoard then discards what earlier files of the run
   * logged after that step, the steps a resumed run computes again (as TensorFlow's own
   * supervisors do with SessionLog.START).
   */
  public void sessionStart(long step) {
    write(
        Event.newBuilder()
            .setWallTime(now())
            .setStep(step)
            .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START))
            .build());
  }

  public void scalars(long step, Map<String, Double> values) {
    Summary.Builder s = Summary.newBuilder();
    values.forEach(
        (tag, v) ->
            s.addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue(v.floatValue())));
    write(Event.newBuilder().setWallTime(now()).setStep(step).setSummary(s).build());
  }

  public void image(long step, String tag, byte[] png, int height, int width, int channels) {
    Summary.Image image =
        Summary.Image.newBuilder()
            .setHeight(height)
            .setWidth(width)
            .setColorspace(channels)
            .setEncodedImageString(ByteString.copyFrom(png))
            .build();
    write(
        Event.newBuilder()
            .setWallTime(now())
            .setStep(step)
            .setSummary(
                Summary.newBuilder()
                    .addValue(Summary.Value.newBuilder().setTag(tag).setImage(image)))
            .build());
  }

  private void write(Event e) {
    try {
      TfRecords.write(out, e.toByteArray());
      out.flush();
    } catch (IOException ex) {
      throw IoFailure.of("write", file, ex);
    }
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw IoFailure.of("close", file, e);
    }
  }
}
