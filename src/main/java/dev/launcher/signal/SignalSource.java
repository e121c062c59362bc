package dev.launcher.signal;

import java.util.List;
import java.util.function.Consumer;

/**
 * Delivers process signals to a handler. The real source is {@link #jvm()}; tests inject their own.
 */
public interface SignalSource {

    /**
     * The process's real signals, through {@code sun.misc.Signal} (module {@code jdk.unsupported}). A signal the
     * process started with ignored stays ignored (the JVM refuses to replace the ignore), and under {@code -Xrs}
     * the JVM reserves SIGINT and SIGTERM: both are reported by {@link #install}, never thrown.
     *
     * @return a new source; installing a signal replaces any handler installed before for it
     */
    static SignalSource jvm() {
        // by name: keeps the one sun.misc user out of the javadoc build, which would warn about it
        try {
            return (SignalSource) Class.forName("dev.launcher.signal.internal.JvmSignals").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the JVM signal source", e);
        }
    }

    /** A signal that cannot be handled, and why. */
    final class Unhandled {
        private final String signal;
        private final boolean ignoredAtStart;
        private final String detail;

        /**
         * Describes one signal that cannot be handled.
         *
         * @param signal         the signal's name, e.g. {@code SIGINT}
         * @param ignoredAtStart whether the process started with it ignored
         * @param detail         the JVM's words when it refused the handler, else empty
         */
        public Unhandled(String signal, boolean ignoredAtStart, String detail) {
            this.signal = signal;
            this.ignoredAtStart = ignoredAtStart;
            this.detail = detail;
        }

        /** {@return the signal's name, e.g. {@code SIGINT}} */
        public String signal() {
            return signal;
        }

        /** {@return true if the process started with the signal ignored (a shell's {@code cmd &} does so for SIGINT)} */
        public boolean ignoredAtStart() {
            return ignoredAtStart;
        }

        /** {@return the JVM's own words, when it refused the handler (e.g. under {@code -Xrs}); empty otherwise} */
        public String detail() {
            return detail;
        }
    }

    /**
     * Routes the named signals (e.g. {@code INT}, {@code TERM}) to {@code handler}, which receives the signal's
     * name with the {@code SIG} prefix ({@code SIGTERM}). The handler runs on a thread of the source's choosing
     * and must not block for long. Never throws for a signal it cannot handle: it reports it.
     *
     * @param names   signal names without the SIG prefix
     * @param handler receives {@code SIGTERM}, {@code SIGINT}, ...
     * @return the signals that cannot be handled; empty when all are
     */
    List<Unhandled> install(List<String> names, Consumer<String> handler);

    /**
     * {@return the exit code conventionally used after a signal: 128 + its number (SIGINT 130, SIGTERM 143)}
     *
     * @param signal a name such as {@code SIGTERM}
     */
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
