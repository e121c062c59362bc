package dev.launcher.app;

import java.io.PrintStream;
import java.time.Instant;

/** Event lines on stderr: an ISO-8601 UTC timestamp, a space, the message. Thread-safe; one line per event. */
final class Log {

    private final PrintStream out;

    Log(PrintStream out) {
        this.out = out;
    }

    /** Logs the message {@code key} with its arguments. */
    void event(String key, Object... args) {
        line(Messages.get(key, args));
    }

    /** Logs a line as it is (line breaks folded into spaces). */
    void line(String text) {
        String line = Instant.now() + " " + text.replace('\n', ' ').replace('\r', ' ');
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
