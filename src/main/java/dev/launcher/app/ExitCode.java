package dev.launcher.app;

import dev.launcher.group.Outcome;

/** The launcher's exit codes. */
enum ExitCode {
    /** Stopped on request, or a member ended normally; every member stopped in time. */
    OK(0),
    /** A member failed (at start, while running, or while stopping). */
    MEMBER_FAILED(1),
    /** Bad command line or environment; nothing was started. */
    USAGE(2),
    /** The deadline passed: members were interrupted or abandoned. */
    FORCED(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

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
}
