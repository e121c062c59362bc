package dev.launcher.worker;

import dev.launcher.group.Service;
import dev.launcher.group.ServiceContext;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

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
    private final LongSupplier clock;
    private final AtomicLong jobsRun = new AtomicLong();
    private final AtomicLong jobsFailed = new AtomicLong();
    private volatile long lastJobNanos = -1;

    /**
     * A worker that runs {@code job} every {@code interval}, once started as a member of a group.
     *
     * @param interval time between the starts of two runs; above zero
     * @param job      the work
     */
    public Worker(Duration interval, Job job) {
        this(interval, job, System::nanoTime);
    }

    /** A worker on the given clock ({@link System#nanoTime()} in use; another in tests of the schedule). */
    Worker(Duration interval, Job job, LongSupplier clock) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("worker interval must be above zero: " + interval);
        }
        this.interval = interval;
        this.job = Objects.requireNonNull(job, "job");
        this.clock = clock;
    }

    /** {@return jobs run so far, failed or not} */
    public long jobsRun() {
        return jobsRun.get();
    }

    /** {@return jobs that threw (at most one: a failing job ends the worker)} */
    public long jobsFailed() {
        return jobsFailed.get();
    }

    /** {@return how long the last job took; empty before the first job ends} */
    public Optional<Duration> lastJobDuration() {
        long nanos = lastJobNanos;
        return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }

    @Override
    public void run(ServiceContext context) throws Exception {
        context.started();
        long period = interval.toNanos();
        long next = clock.getAsLong() + period;
        for (long tick = 1; ; tick++) {
            if (context.awaitStop(Duration.ofNanos(next - clock.getAsLong()))) {
                return;
            }
            long start = clock.getAsLong();
            try {
                job.run(tick);
            } catch (Exception | Error e) {
                jobsFailed.incrementAndGet();
                throw e;
            } finally {
                lastJobNanos = clock.getAsLong() - start;
                jobsRun.incrementAndGet();
            }
            long now = clock.getAsLong();
            next += period;
            if (next <= now) {
                // overran: skip the missed ticks
                next = now + period - ((now - next) % period);
            }
        }
    }
}
