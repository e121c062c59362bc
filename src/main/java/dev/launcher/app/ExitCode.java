package dev.launcher.app;

import dev.launcher.group.Outcome;

/**
 * Every exit code of the launcher and what it means: the one home of that policy. {@link Launcher#start} returns
 * {@link #of(Outcome)} (or {@link #USAGE}, or {@link #OK} for {@code --help}); a second signal halts with
 * {@link #secondSignal(String)}; the shutdown hook halts with the code the launcher returned.
 */
enum ExitCode {
    /** Stopped on request, or a member ended normally; every member stopped in time. */
    OK(0),
    /** A member failed (at start, while running, or while stopping). */
    MEMBER_FAILED(1),
    /** Bad command line or environment; nothing was started. */
    USAGE(2),
    /** The deadline passed: members were interrupted or abandoned. */
    FORCED(3),
    /** A second SIGINT during the stop forced the exit (128 + 2). */
    SECOND_SIGINT(130),
    /** A second SIGTERM during the stop forced the exit (128 + 15). */
    SECOND_SIGTERM(143);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** {@return the process exit status} */
    int code() {
        return code;
    }

    /** A failing cause wins; then a missed deadline; then a failure while stopping; else OK. */
    static ExitCode of(Outcome outcome) {
        if (outcome.cause().isFailure()) {
            return MEMBER_FAILED;
        }
        if (outcome.missedDeadline()) {
            return FORCED;
        }
        return outcome.hasFailure() ? MEMBER_FAILED : OK;
    }

    /** The exit for a second stop signal: 128 + its number, as a shell reports a death by that signal. */
    static ExitCode secondSignal(String signal) {
        return switch (signal) {
            case "SIGINT" -> SECOND_SIGINT;
            case "SIGTERM" -> SECOND_SIGTERM;
            default -> throw new IllegalArgumentException("not a stop signal: " + signal);
        };
    }
}
