package dev.launcher.app;

import java.io.PrintStream;
import java.time.Instant;

/**
 * Event lines on stderr: an ISO-8601 UTC timestamp, a space, the message. Thread-safe; one line per event.
 *
 * <p>The outcome line is the last: once {@link #last} has printed it, every later line is dropped.
 */
final class Log {

    private final PrintStream out;
    private boolean sealed;

    Log(PrintStream out) {
        this.out = out;
    }

    /** Logs the message {@code key} with its arguments; false if the log is already sealed. */
    boolean event(String key, Object... args) {
        return eventThen(() -> { }, key, args);
    }

    /**
     * Logs the message {@code key}, then runs {@code action} before any other line can be logged — unless the log
     * is sealed, in which case neither happens.
     *
     * @return whether the line was logged and the action run
     */
    synchronized boolean eventThen(Runnable action, String key, Object... args) {
        if (sealed) {
            return false;
        }
        print(Messages.get(key, args));
        action.run();
        return true;
    }

    /** Logs the message {@code key} as the last line; later lines are dropped. */
    synchronized void last(String key, Object... args) {
        if (!sealed) {
            print(Messages.get(key, args));
            sealed = true;
        }
    }

    private void print(String text) {
        out.println(Instant.now() + " " + text.replace('\n', ' ').replace('\r', ' '));
        out.flush();
    }
}
