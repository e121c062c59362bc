package dev.launcher.signal;

import java.util.List;
import java.util.function.Consumer;

/**
 * Delivers process signals to a handler. The real source is {@link JvmSignals}; tests inject their own.
 */
public interface SignalSource {

    /** A signal that cannot be handled, and why. */
    final class Unhandled {
        private final String signal;
        private final boolean ignoredAtStart;
        private final String detail;

        public Unhandled(String signal, boolean ignoredAtStart, String detail) {
            this.signal = signal;
            this.ignoredAtStart = ignoredAtStart;
            this.detail = detail;
        }

        /** The signal's name, e.g. {@code SIGINT}. */
        public String signal() {
            return signal;
        }

        /** True if the process started with the signal ignored (a shell's {@code cmd &} does so for SIGINT). */
        public boolean ignoredAtStart() {
            return ignoredAtStart;
        }

        /** The JVM's own words, when it refused the handler (e.g. under {@code -Xrs}); empty otherwise. */
        public String detail() {
            return detail;
        }
    }

    /**
     * Routes the named signals (e.g. {@code INT}, {@code TERM}) to {@code handler}, which receives the signal's
     * name with the {@code SIG} prefix ({@code SIGTERM}). The handler runs on a thread of the source's choosing
     * and must not block for long. Never throws for a signal it cannot handle: it reports it.
     *
     * @return the signals that cannot be handled; empty when all are
     */
    List<Unhandled> install(List<String> names, Consumer<String> handler);

    /** The exit code conventionally used after a signal: 128 + its number (SIGINT 130, SIGTERM 143). */
    static int exitCodeFor(String signal) {
        switch (signal) {
            case "SIGHUP":
                return 129;
            case "SIGINT":
                return 130;
            case "SIGQUIT":
                return 131;
            case "SIGTERM":
                return 143;
            default:
                return 128;
        }
    }
}
