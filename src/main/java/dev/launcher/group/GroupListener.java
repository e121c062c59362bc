package dev.launcher.group;

import java.time.Duration;

/**
 * Hears a group's events, e.g. to log them. Every method has an empty default.
 *
 * <p>{@link #memberStarted} and {@link #ready} are called on the member's thread that reported the start; every
 * other event is called on the thread running {@link ServiceGroup#run()}, in order, and before {@code run()}
 * returns — so a log written from these events is complete when the outcome is known. Methods must be quick. An
 * exception a listener throws is ignored.
 */
public interface GroupListener {

    /**
     * A member called {@link ServiceContext#started()}.
     *
     * @param member its name
     */
    default void memberStarted(String member) {
    }

    /**
     * Every member has started.
     *
     * @param startTime counted from the start of {@link ServiceGroup#run()}
     */
    default void ready(Duration startTime) {
    }

    /**
     * The first trigger arrived.
     *
     * @param cause      the trigger
     * @param drainDelay how long members keep running before being asked to stop (zero unless requested)
     */
    default void stopTriggered(StopCause cause, Duration drainDelay) {
    }

    /**
     * Members are now asked to stop (the first stage, with a stop order).
     *
     * @param timeLeft what remains until the deadline
     */
    default void stopRequested(Duration timeLeft) {
    }

    /**
     * The deadline passed; these members are being interrupted.
     *
     * @param stragglers their names
     */
    default void deadlinePassed(java.util.List<String> stragglers) {
    }

    /**
     * A member ended, or was abandoned.
     *
     * @param result how
     */
    default void memberEnded(MemberResult result) {
    }
}
