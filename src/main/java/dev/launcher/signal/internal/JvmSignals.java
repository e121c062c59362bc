package dev.launcher.signal.internal;

import dev.launcher.signal.SignalSource;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Process signals through {@code sun.misc.Signal}: the only class that touches {@code sun.misc}. Not API: use
 * {@link SignalSource#jvm()}.
 *
 * <p>A signal the process started with ignored stays ignored: the JVM refuses to replace the ignore. Under
 * {@code -Xrs} the JVM reserves the signal. Both are reported by {@link #install}, never thrown.
 */
public final class JvmSignals implements SignalSource {

    /** Use {@link SignalSource#jvm()}. */
    public JvmSignals() {
    }

    @Override
    public List<Unhandled> install(List<String> names, Consumer<String> handler) {
        List<Unhandled> unhandled = new ArrayList<>();
        for (String name : names) {
            String full = "SIG" + name;
            try {
                SignalHandler previous = Signal.handle(new Signal(name), signal -> handler.accept(full));
                if (previous == SignalHandler.SIG_IGN) {
                    unhandled.add(new Unhandled(full, true, ""));
                }
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                unhandled.add(new Unhandled(full, false, String.valueOf(e.getMessage())));
            }
        }
        return unhandled;
    }
}
