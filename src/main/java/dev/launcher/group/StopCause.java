package dev.launcher.group;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a group stopped: the first trigger, and only the first, is recorded.
 *
 * <p>{@link #toString()} is a short plain-English form, e.g. {@code SIGTERM}, {@code /shutdown},
 * {@code member worker ended}, {@code member http failed: cannot listen on ...}. An application that shows causes
 * to its users renders them itself from {@link #kind()}, {@link #source()} and {@link #error()}.
 *
 * @param kind   the kind of trigger
 * @param source the requester for {@link Kind#REQUESTED} (e.g. {@code SIGTERM}), the member's name otherwise
 * @param error  the member's error for {@link Kind#MEMBER_FAILED}; empty for the other kinds
 */
public record StopCause(Kind kind, String source, Optional<Throwable> error) {

    /** The form of {@link #toString()} for {@link Kind#MEMBER_ENDED}: the member's name. */
    public static final String ENDED_FORMAT = "member %s ended";
    /** The form of {@link #toString()} for {@link Kind#MEMBER_FAILED}: the member's name, the error's description. */
    public static final String FAILED_FORMAT = "member %s failed: %s";

    /** The kinds of trigger. */
    public enum Kind {
        /** Someone asked the group to stop: a signal, an HTTP request, an API call. */
        REQUESTED,
        /** A member returned normally. */
        MEMBER_ENDED,
        /** A member threw. */
        MEMBER_FAILED
    }

    /**
     * Checks the parts.
     *
     * @param kind   the kind of trigger
     * @param source the requester, or the member's name
     * @param error  the member's error for {@link Kind#MEMBER_FAILED}, else empty
     * @throws IllegalArgumentException if an error is given for a kind other than {@link Kind#MEMBER_FAILED}, or
     *                                  none for that kind
     */
    public StopCause {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(error, "error");
        if (error.isPresent() != (kind == Kind.MEMBER_FAILED)) {
            throw new IllegalArgumentException("an error goes with MEMBER_FAILED and only with it: " + kind);
        }
    }

    /**
     * A stop requested from outside the members.
     *
     * @param source who asked, as it should appear in logs (e.g. {@code SIGTERM}, {@code /shutdown}); not null
     * @return the cause
     */
    public static StopCause requested(String source) {
        return new StopCause(Kind.REQUESTED, source, Optional.empty());
    }

    /**
     * {@return the cause for a member that returned normally}
     *
     * @param member the member's name
     */
    public static StopCause memberEnded(String member) {
        return new StopCause(Kind.MEMBER_ENDED, member, Optional.empty());
    }

    /**
     * {@return the cause for a member that threw}
     *
     * @param member the member's name
     * @param error  what it threw; not null
     */
    public static StopCause memberFailed(String member, Throwable error) {
        return new StopCause(Kind.MEMBER_FAILED, member, Optional.of(error));
    }

    /** {@return true if a member failed} */
    public boolean isFailure() {
        return kind == Kind.MEMBER_FAILED;
    }

    /** {@return the requester; {@code member NAME ended}; or {@code member NAME failed: DESCRIPTION}} */
    @Override
    public String toString() {
        return switch (kind) {
            case REQUESTED -> source;
            case MEMBER_ENDED -> String.format(ENDED_FORMAT, source);
            case MEMBER_FAILED -> String.format(FAILED_FORMAT, source, describe(error.orElseThrow()));
        };
    }

    /**
     * {@return a one-line description of an error: its message, or its class name when it has none}
     *
     * @param error not null
     */
    public static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getName() : message;
    }
}
