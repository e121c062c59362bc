package dev.launcher.group;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a group stopped: the first trigger, and only the first, is recorded.
 *
 * <p>Immutable. {@link #toString()} is the short human-readable form used in logs, e.g. {@code SIGTERM},
 * {@code /shutdown}, {@code member worker ended}, {@code member http failed: cannot listen on ...}.
 */
public final class StopCause {

    /** The kinds of trigger. */
    public enum Kind {
        /** Someone asked the group to stop: a signal, an HTTP request, an API call. */
        REQUESTED,
        /** A member returned normally. */
        MEMBER_ENDED,
        /** A member threw. */
        MEMBER_FAILED
    }

    private final Kind kind;
    private final String source;
    private final Throwable error;

    private StopCause(Kind kind, String source, Throwable error) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.source = Objects.requireNonNull(source, "source");
        this.error = error;
    }

    /**
     * A stop requested from outside the members.
     *
     * @param source who asked, as it should appear in logs (e.g. {@code SIGTERM}, {@code /shutdown}); not null
     * @return the cause
     */
    public static StopCause requested(String source) {
        return new StopCause(Kind.REQUESTED, source, null);
    }

    /**
     * {@return the cause for a member that returned normally}
     *
     * @param member the member's name
     */
    public static StopCause memberEnded(String member) {
        return new StopCause(Kind.MEMBER_ENDED, member, null);
    }

    /**
     * {@return the cause for a member that threw}
     *
     * @param member the member's name
     * @param error  what it threw; not null
     */
    public static StopCause memberFailed(String member, Throwable error) {
        return new StopCause(Kind.MEMBER_FAILED, member, Objects.requireNonNull(error, "error"));
    }

    /** {@return the kind of trigger} */
    public Kind kind() {
        return kind;
    }

    /** {@return the requester for {@link Kind#REQUESTED}, the member's name otherwise} */
    public String source() {
        return source;
    }

    /** {@return the member's error for {@link Kind#MEMBER_FAILED}; empty otherwise} */
    public Optional<Throwable> error() {
        return Optional.ofNullable(error);
    }

    /** {@return true if a member failed} */
    public boolean isFailure() {
        return kind == Kind.MEMBER_FAILED;
    }

    @Override
    public String toString() {
        switch (kind) {
            case REQUESTED:
                return source;
            case MEMBER_ENDED:
                return "member " + source + " ended";
            case MEMBER_FAILED:
                return "member " + source + " failed: " + describe(error);
            default:
                throw new AssertionError(kind);
        }
    }

    /** A one-line description of an error: its message, or its class name when it has none. */
    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getName() : message;
    }
}
