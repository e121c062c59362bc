package dev.launcher.app;

import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;
import dev.launcher.signal.SignalSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's side of a stop: what turns SIGINT, SIGTERM and the JVM's own shutdown into a stop of the group,
 * and how the process then ends.
 *
 * <ul>
 *   <li>The first SIGINT/SIGTERM requests the stop (or joins one under way, logging so); a second one during the
 *       stop halts at once with {@link ExitCode#secondSignal} — unless the outcome is logged already, in which
 *       case the process is exiting with the logged code and the signal changes nothing.</li>
 *   <li>Any other JVM exit (a member's {@code System.exit}, SIGHUP) runs the shutdown hook: it requests the stop
 *       with cause {@value #JVM_SHUTDOWN}, waits for the launcher to log the outcome, then halts with the code the
 *       launcher returns. On the launcher's own exit it does nothing.</li>
 * </ul>
 */
final class ProcessStop {

    /** The cause recorded when the JVM shuts down under the group. */
    static final String JVM_SHUTDOWN = "JVM shutdown";
    /** The stop signals, without the SIG prefix. */
    static final List<String> SIGNALS = List.of("INT", "TERM");
    /** How long the hook waits, beyond the group's own bound, for the launcher to return its exit code. */
    private static final Duration HOOK_SLACK = Duration.ofSeconds(1);

    private final ServiceGroup group;
    private final Log log;
    private final ProcessControl process;
    private final AtomicInteger signals = new AtomicInteger();
    private final CompletableFuture<ExitCode> exitCode = new CompletableFuture<>();

    ProcessStop(ServiceGroup group, Log log, ProcessControl process) {
        this.group = group;
        this.log = log;
        this.process = process;
    }

    /** Routes the stop signals here (logging those that cannot be handled) and registers the shutdown hook. */
    void install(SignalSource source) {
        for (SignalSource.Unhandled unhandled : source.install(SIGNALS, this::onSignal)) {
            if (unhandled.ignoredAtStart()) {
                log.event("log.signal.ignored", unhandled.signal());
            } else {
                log.event("log.signal.refused", unhandled.signal(), unhandled.detail());
            }
        }
        Thread hook = new Thread(this::onJvmShutdown, "launcher-shutdown-hook");
        hook.setDaemon(false);
        process.addShutdownHook(hook);
    }

    /** The launcher logged its outcome and returns {@code code}: the hook lets the JVM exit with it. */
    void exiting(ExitCode code) {
        exitCode.complete(code);
    }

    /** Handles one signal; called on the JVM's signal thread; never blocks, except to halt the process. */
    private void onSignal(String signal) {
        if (signals.incrementAndGet() == 1) {
            if (!group.requestStop(StopCause.requested(signal))) {
                log.event("log.signal.joined", signal, causeText(signal));
            }
            return;
        }
        ExitCode code = ExitCode.secondSignal(signal);
        log.eventThen(() -> process.halt(code.code()), "log.signal.second", signal, causeText(signal), code.code());
    }

    private void onJvmShutdown() {
        if (exitCode.isDone()) {
            return;
        }
        log.event("log.shutdown.hook");
        group.requestStop(StopCause.requested(JVM_SHUTDOWN));
        Duration bound = group.shutdownTimeout().plus(ServiceGroup.DEFAULT_INTERRUPT_GRACE).plus(HOOK_SLACK);
        try {
            group.awaitOutcome(bound);
            process.halt(exitCode.get(HOOK_SLACK.toMillis() * 2, TimeUnit.MILLISECONDS).code());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the launcher did not finish: let the JVM end with its own status
        }
    }

    private String causeText(String otherwise) {
        return group.cause().map(Messages::cause).orElse(otherwise);
    }
}
