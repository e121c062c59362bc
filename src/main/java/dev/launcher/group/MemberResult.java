package dev.launcher.group;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one member of a group ended.
 *
 * @param name     the member's name
 * @param status   how the member ended
 * @param error    the member's error, for {@link Status#FAILED} (and for a {@link Status#FORCED} member that threw)
 * @param stopTime the time from the stop trigger to the member's end; empty if the member ended before the
 *                 trigger, never ran, or was abandoned
 */
public record MemberResult(String name, Status status, Optional<Throwable> error, Optional<Duration> stopTime) {

    /** The ways a member can end. */
    public enum Status {
        /** Never run: the group was stopped before it started. */
        NOT_STARTED,
        /** Returned normally before any stop was asked of it (it may have been the stop's cause). */
        COMPLETED,
        /** Returned normally after the stop request, before the deadline. */
        STOPPED,
        /** Threw before the deadline (on its own, or while stopping). */
        FAILED,
        /** Still running at the deadline; it ended once interrupted, within the grace. */
        FORCED,
        /** Still running at the end of the grace after the interrupt; the group gave up on it. */
        ABANDONED;

        /** {@return true for the outcomes that mean the deadline was missed} */
        public boolean missedDeadline() {
            return this == FORCED || this == ABANDONED;
        }
    }

    /**
     * Checks that no part is null.
     *
     * @param name     the member's name
     * @param status   how the member ended
     * @param error    the member's error, if it threw
     * @param stopTime the time from the stop trigger to the member's end, if it ended after the trigger
     */
    public MemberResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(stopTime, "stopTime");
    }

    /** A result from nullable parts. */
    static MemberResult of(String name, Status status, Throwable error, Duration stopTime) {
        return new MemberResult(name, status, Optional.ofNullable(error), Optional.ofNullable(stopTime));
    }

    /** {@return {@code name=status}, then {@code  in N ms} with a stop time and {@code  (description)} with an error} */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name).append('=').append(status.name().toLowerCase(java.util.Locale.ROOT));
        stopTime.ifPresent(time -> text.append(" in ").append(time.toMillis()).append(" ms"));
        error.ifPresent(e -> text.append(" (").append(StopCause.describe(e)).append(')'));
        return text.toString();
    }
}
