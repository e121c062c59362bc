package dev.launcher.group;

import java.time.Duration;

/**
 * Hears a group's events, e.g. to log them. Every method has an empty default.
 *
 * <p>Methods are called on whichever thread caused the event (a member's thread, the thread that requested the
 * stop, or the thread running {@link ServiceGroup#run()}); they must be quick and must not throw. An exception a
 * listener throws is ignored.
 */
public interface GroupListener {

    /** A member called {@link ServiceContext#started()}. */
    default void memberStarted(String member) {
    }

    /** Every member has started; {@code startTime} is counted from the start of {@link ServiceGroup#run()}. */
    default void ready(Duration startTime) {
    }

    /** The first trigger arrived; {@code drainDelay} is how long members keep running before being asked to stop. */
    default void stopTriggered(StopCause cause, Duration drainDelay) {
    }

    /** Members are now asked to stop; {@code timeLeft} is what remains of the deadline. */
    default void stopRequested(Duration timeLeft) {
    }

    /** The deadline passed; these members are being interrupted. */
    default void deadlinePassed(java.util.List<String> stragglers) {
    }

    /** A member ended (or was abandoned). */
    default void memberEnded(MemberResult result) {
    }
}
