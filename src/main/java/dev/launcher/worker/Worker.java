package dev.launcher.worker;

import dev.launcher.group.Service;
import dev.launcher.group.ServiceContext;

import java.time.Duration;
import java.util.Objects;

/**
 * A group member that runs a {@link Job} every {@code interval}, at a fixed rate (a tick missed while a job
 * overran is skipped, not queued).
 *
 * <p>On a stop request it finishes the job it is running and starts no new one. A job that throws ends the member
 * with that error (a member failure). At the group's deadline the running job's thread is interrupted.
 */
public final class Worker implements Service {

    /** One run of the worker's work. */
    @FunctionalInterface
    public interface Job {
        /**
         * Does one run.
         *
         * @param tick 1 for the first run, then 2, 3, ...
         * @throws Exception to fail the member
         */
        void run(long tick) throws Exception;
    }

    private final Duration interval;
    private final Job job;

    /**
     * @param interval time between the starts of two runs; above zero
     * @param job      the work
     */
    public Worker(Duration interval, Job job) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("worker interval must be above zero: " + interval);
        }
        this.interval = interval;
        this.job = Objects.requireNonNull(job, "job");
    }

    @Override
    public void run(ServiceContext context) throws Exception {
        context.started();
        long period = interval.toNanos();
        long next = System.nanoTime() + period;
        for (long tick = 1; ; tick++) {
            if (context.awaitStop(Duration.ofNanos(next - System.nanoTime()))) {
                return;
            }
            job.run(tick);
            long now = System.nanoTime();
            next += period;
            if (next <= now) {
                // overran: skip the missed ticks
                next = now + period - ((now - next) % period);
            }
        }
    }
}
