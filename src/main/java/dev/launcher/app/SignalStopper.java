package dev.launcher.app;

import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;
import dev.launcher.signal.SignalSource;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns SIGINT/SIGTERM into stop requests. The process's first such signal requests the stop (or joins one under
 * way); the second exits at once with 128 + the signal's number.
 */
final class SignalStopper {

    private final ServiceGroup group;
    private final Log log;
    private final ProcessControl process;
    private final AtomicInteger received = new AtomicInteger();

    SignalStopper(ServiceGroup group, Log log, ProcessControl process) {
        this.group = group;
        this.log = log;
        this.process = process;
    }

    /** Handles one signal; called on the JVM's signal thread; never blocks, except to halt the process. */
    void onSignal(String signal) {
        if (received.incrementAndGet() == 1) {
            if (!group.requestStop(StopCause.requested(signal))) {
                log.event("log.signal.joined", signal, group.cause().map(Object::toString).orElse("?"));
            }
            return;
        }
        // once the outcome is logged the process is exiting with the logged code: the signal changes nothing
        int code = SignalSource.exitCodeFor(signal);
        log.eventThen(() -> process.halt(code), "log.signal.second", signal,
                group.cause().map(Object::toString).orElse(signal), code);
    }
}
