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

    /**
     * A signal that cannot be handled, and why.
     *
     * @param signal         the signal's name, e.g. {@code SIGINT}
     * @param ignoredAtStart true if the process started with the signal ignored (a shell's {@code cmd &} does so
     *                       for SIGINT)
     * @param detail         the JVM's own words when it refused the handler (e.g. under {@code -Xrs}); empty
     *                       otherwise
     */
    record Unhandled(String signal, boolean ignoredAtStart, String detail) {
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
}
