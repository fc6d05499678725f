package org.sorcen.train.loop;

import java.util.function.LongSupplier;

/**
 * When a duty of the training loop (a log line, a checkpoint, an evaluation) is due after a step:
 * every N steps, every M minutes, every E epochs, or a combination. {@link #due} asks; {@link
 * #done} tells the cadence the duty was carried out, which is what moves the time- and
 * epoch-based ones on (a duty that was due but skipped stays due).
 * <p>
 * Every rule is a function of the global step, never of the steps this process took, so that a
 * resumed run logs, evaluates and checkpoints at the same steps as an uninterrupted one; only
 * the minutes rule counts from when this process started, as wall time must.
 */
public abstract class Cadence {
  /** Is the duty due now that {@code step} steps are done? */
  public abstract boolean due(long step);

  /** The duty was carried out after {@code step}. */
  public void done(long step) {}

  /** Never due. */
  public static Cadence never() {
    return new Cadence() {
      @Override
      public boolean due(long step) {
        return false;
      }
    };
  }

  /** Due at every multiple of {@code n}; never when {@code n <= 0} (a config's "0 = off"). */
  public static Cadence steps(long n) {
    return n <= 0
        ? never()
        : new Cadence() {
          @Override
          public boolean due(long step) {
            return step % n == 0;
          }
        };
  }

  /** Due once {@code minutes} have passed since this process started or the duty was last done; never when 0. */
  public static Cadence minutes(double minutes) {
    return minutes(minutes, System::nanoTime);
  }

  /** As {@link #minutes(double)} on a given nanosecond clock (for tests). */
  public static Cadence minutes(double minutes, LongSupplier nanos) {
    if (!(minutes > 0)) {
      return never();
    }
    return new Cadence() {
      long last = nanos.getAsLong();

      @Override
      public boolean due(long step) {
        return (nanos.getAsLong() - last) / 60e9 >= minutes;
      }

      @Override
      public void done(long step) {
        last = nanos.getAsLong();
      }
    };
  }

  /**
   * Due when the epoch reached (step / stepsPerEpoch, fractional) passes the next multiple of
   * {@code every}, counted from {@code startStep}: a run resumed mid-way waits for the same
   * multiple an uninterrupted run would. Never when {@code every <= 0}.
   */
  public static Cadence epochs(double every, long stepsPerEpoch, long startStep) {
    if (!(every > 0)) {
      return never();
    }
    return new Cadence() {
      double next = (Math.floor((double) startStep / stepsPerEpoch / every) + 1) * every;

      @Override
      public boolean due(long step) {
        return step / (double) stepsPerEpoch >= next;
      }

      @Override
      public void done(long step) {
        next += every;
      }
    };
  }

  /** Due when this or {@code other} is; both are told when it was done. */
  public Cadence or(Cadence other) {
    Cadence self = this;
    return new Cadence() {
      @Override
      public boolean due(long step) {
        boolean a = self.due(step);
        return other.due(step) || a;
      }

      @Override
      public void done(long step) {
        self.done(step);
        other.done(step);
      }
    };
  }

  /** Also due at {@code last}, the run's final step (a log line for the last step whatever the interval). */
  public Cadence orAt(long last) {
    return or(
        new Cadence() {
          @Override
          public boolean due(long step) {
            return step == last;
          }
        });
  }

  /** Only due before {@code end}: duties the run does anyway once it ends (the final checkpoint, evaluation). */
  public Cadence before(long end) {
    Cadence self = this;
    return new Cadence() {
      @Override
      public boolean due(long step) {
        return self.due(step) && step < end;
      }

      @Override
      public void done(long step) {
        self.done(step);
      }
    };
  }
}
