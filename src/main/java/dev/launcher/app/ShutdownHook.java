package dev.launcher.app;

import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fallback for exits the launcher did not start (a member's {@code System.exit}, SIGHUP): it stops the group,
 * waits for the launcher to log the outcome, then ends the process with the launcher's exit code. On the
 * launcher's own exit it returns at once.
 */
final class ShutdownHook {

    /** The cause recorded when the JVM shuts down under the group. */
    static final String CAUSE = "JVM shutdown";

    private final ServiceGroup group;
    private final Log log;
    private final ProcessControl process;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

    ShutdownHook(ServiceGroup group, Log log, ProcessControl process) {
        this.group = group;
        this.log = log;
        this.process = process;
    }

    /** A thread to register with the JVM. */
    Thread thread() {
        Thread thread = new Thread(this::run, "launcher-shutdown-hook");
        thread.setDaemon(false);
        return thread;
    }

    /** The launcher logged its outcome and is about to exit with {@code code}. */
    void exitCodeKnown(int code) {
        exitCode.complete(code);
    }

    private void run() {
        if (exitCode.isDone()) {
            return;
        }
        log.event("log.shutdown.hook");
        group.requestStop(StopCause.requested(CAUSE));
        Duration bound = group.shutdownTimeout().plus(ServiceGroup.DEFAULT_INTERRUPT_GRACE).plusSeconds(1);
        try {
            group.awaitOutcome(bound);
            process.halt(exitCode.get(2, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the launcher did not finish: let the JVM end with its own status
        }
    }
}
