package dev.launcher.group;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** How one member of a group ended. Immutable. */
public final class MemberResult {

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

    private final String name;
    private final Status status;
    private final Throwable error;
    private final Duration stopTime;

    MemberResult(String name, Status status, Throwable error, Duration stopTime) {
        this.name = Objects.requireNonNull(name);
        this.status = Objects.requireNonNull(status);
        this.error = error;
        this.stopTime = stopTime;
    }

    /** {@return the member's name} */
    public String name() {
        return name;
    }

    /** {@return how the member ended} */
    public Status status() {
        return status;
    }

    /** {@return the member's error, for {@link Status#FAILED} (and for a {@link Status#FORCED} member that threw)} */
    public Optional<Throwable> error() {
        return Optional.ofNullable(error);
    }

    /**
     * {@return the time from the stop trigger to the member's end; empty if the member ended before the trigger,
     * never ran, or was abandoned}
     */
    public Optional<Duration> stopTime() {
        return Optional.ofNullable(stopTime);
    }

    /** {@code name=status}, with the stop time in ms or the error when there is one. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name).append('=').append(status.name().toLowerCase());
        if (stopTime != null) {
            text.append(" in ").append(stopTime.toMillis()).append("ms");
        }
        if (error != null) {
            text.append(" (").append(StopCause.describe(error)).append(')');
        }
        return text.toString();
    }
}
