package dev.launcher.app;

import dev.launcher.group.Outcome;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Once the launcher's group is ready, runs a throwaway group of two members through a whole stop — a requested
 * stop as SIGTERM makes one, its log lines and outcome line formatted as the launcher's are, into a log that writes
 * nowhere — on a background daemon thread. The stop path's code then runs warm when the real stop comes: its classes
 * loaded, its lambdas linked, its first calls made (idle SIGTERM → exit, docs/PERFORMANCE.md: ~28 ms cold, ~12 ms
 * rehearsed).
 *
 * <p>What a caller may rely on: the rehearsal touches nothing of the launcher's group, log, signals or process; it
 * runs {@value #AFTER_READY_MILLIS} ms after the group is ready, and not at all if a stop comes before that; anything
 * that goes wrong in it (no thread to be had, say) ends it silently, since it is only an aid. It takes a few
 * milliseconds of CPU and three short-lived threads.
 */
final class StopRehearsal {

    /** The longest the rehearsal waits for the group to be ready; a group slower to start is not rehearsed. */
    private static final Duration READY_WAIT = Duration.ofMinutes(1);
    /**
     * How long after the group is ready the rehearsal waits first: the first requests (a readiness probe, a start-up
     * poller) are served without it beside them on the CPUs. A stop that comes sooner runs cold.
     */
    static final long AFTER_READY_MILLIS = 250;
    /** The rehearsal group's deadline: its members stop at once, so it is never reached. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private StopRehearsal() {
    }

    /**
     * Starts the rehearsal for {@code group}: it runs {@value #AFTER_READY_MILLIS} ms after the group is ready.
     *
     * @param format the format the launcher's log lines are in
     * @return the rehearsal's outcome; empty if it did not run (a stop came first, or it failed)
     */
    static CompletableFuture<Optional<Outcome>> after(ServiceGroup group, Log.Format format) {
        CompletableFuture<Optional<Outcome>> result = new CompletableFuture<>();
        try {
            Thread thread = new Thread(() -> result.complete(runWhenReady(group, format)), "launcher-stop-rehearsal");
            thread.setDaemon(true);
            thread.start();
        } catch (RuntimeException | Error e) {
            // no thread for an aid: the stop runs cold
            result.complete(Optional.empty());
        }
        return result;
    }

    private static Optional<Outcome> runWhenReady(ServiceGroup group, Log.Format format) {
        try {
            if (!group.awaitReady(READY_WAIT) || group.awaitOutcome(Duration.ofMillis(AFTER_READY_MILLIS)).isPresent()
                    || group.isStopTriggered()) {
                return Optional.empty();
            }
            return Optional.of(rehearse(format));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (RuntimeException | Error e) {
            return Optional.empty();
        }
    }

    /** Runs the throwaway group through a stop requested by SIGTERM, logging as the launcher does, to nowhere. */
    private static Outcome rehearse(Log.Format format) {
        Log nowhere = Log.nowhere(format);
        ServiceGroup rehearsal = ServiceGroup.builder()
                .shutdownTimeout(TIMEOUT)
                .listener(new GroupLog(nowhere))
                .add("stop-rehearsal-a", context -> {
                    context.started();
                    context.awaitStop();
                })
                .add("stop-rehearsal-b", context -> {
                    context.started();
                    context.requestStop(StopCause.requested("SIGTERM"));
                    context.awaitStop();
                })
                .build();
        Outcome outcome = rehearsal.run();
        ExitCode code = ExitCode.of(outcome);
        nowhere.last("log.outcome", outcome.stopTime().toMillis(), code.code(), Messages.cause(outcome.cause()));
        return outcome;
    }
}
