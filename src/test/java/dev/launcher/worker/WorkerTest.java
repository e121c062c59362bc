package dev.launcher.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.MemberResult;
import dev.launcher.group.Outcome;
import dev.launcher.group.ServiceContext;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Worker}: its schedule on a fake clock; its failures and its stop as the member of a real group. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WorkerTest {

    /** How long a test waits for something that should happen promptly; a bound, not a measurement. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final long MS = 1_000_000;

    /**
     * A context on a fake clock: each wait for the stop passes the time asked at once, until {@code ticks} jobs
     * have run; then it reports the stop. Jobs pass time with {@link #spend}.
     */
    private static final class FakeTime implements ServiceContext {
        long now = 1_000 * MS;
        final List<Long> jobStarts = new ArrayList<>();
        private final int ticks;

        FakeTime(int ticks) {
            this.ticks = ticks;
        }

        void spend(long millis) {
            now += millis * MS;
        }

        /** A job's start, in ms since the worker started. */
        void jobStarted() {
            jobStarts.add((now - 1_000 * MS) / MS);
        }

        @Override
        public void started() {
        }

        @Override
        public boolean isStopTriggered() {
            return jobStarts.size() >= ticks;
        }

        @Override
        public boolean isStopRequested() {
            return jobStarts.size() >= ticks;
        }

        @Override
        public void awaitStop() {
            throw new AssertionError("the worker waits with a timeout");
        }

        @Override
        public boolean awaitStop(Duration timeout) {
            if (isStopRequested()) {
                return true;
            }
            now += Math.max(0, timeout.toNanos());
            return false;
        }

        @Override
        public Optional<Duration> timeLeft() {
            return Optional.empty();
        }

        @Override
        public Optional<StopCause> cause() {
            return Optional.empty();
        }

        @Override
        public boolean requestStop(StopCause cause) {
            return false;
        }
    }

    /** Jobs start at a fixed rate: the n-th n intervals after the start, however long each job takes. */
    @Test
    void jobsStartAtAFixedRate() throws Exception {
        FakeTime time = new FakeTime(6);
        new Worker(Duration.ofMillis(100), tick -> {
            time.jobStarted();
            time.spend(90);   // 90% of the interval: a fixed delay would drift by 90 ms a tick
        }, () -> time.now).run(time);
        assertEquals(List.of(100L, 200L, 300L, 400L, 500L, 600L), time.jobStarts);
    }

    /** A job that overruns skips the ticks it missed: the next job starts at the next due tick, not at once. */
    @Test
    void missedTicksAreSkipped() throws Exception {
        FakeTime time = new FakeTime(4);
        List<Long> ticks = new ArrayList<>();
        new Worker(Duration.ofMillis(100), tick -> {
            ticks.add(tick);
            time.jobStarted();
            time.spend(tick == 1 ? 250 : 10);   // the first runs past the ticks due at 200 and 300 ms
        }, () -> time.now).run(time);
        assertEquals(List.of(100L, 400L, 500L, 600L), time.jobStarts);
        assertEquals(List.of(1L, 2L, 3L, 4L), ticks, "ticks count runs, not slots");
    }

    /** A job that ends exactly on a due tick misses that tick; one that ends just before it does not. */
    @Test
    void aJobEndingOnADueTickMissesIt() throws Exception {
        FakeTime onTime = new FakeTime(3);
        new Worker(Duration.ofMillis(100), tick -> {
            onTime.jobStarted();
            onTime.spend(tick == 1 ? 100 : 1);
        }, () -> onTime.now).run(onTime);
        assertEquals(List.of(100L, 300L, 400L), onTime.jobStarts, "a job ending at 200 ms: 200 is missed");
        FakeTime justBefore = new FakeTime(3);
        new Worker(Duration.ofMillis(100), tick -> {
            justBefore.jobStarted();
            justBefore.spend(tick == 1 ? 99 : 1);
        }, () -> justBefore.now).run(justBefore);
        assertEquals(List.of(100L, 200L, 300L), justBefore.jobStarts);
    }

    /** The last job's duration is empty before the first job ends, then what the last job took. */
    @Test
    void lastJobDurationIsTheLastJobs() throws Exception {
        FakeTime time = new FakeTime(2);
        Worker worker = new Worker(Duration.ofMillis(100), tick -> {
            time.jobStarted();
            time.spend(tick == 1 ? 30 : 40);
        }, () -> time.now);
        assertEquals(Optional.empty(), worker.lastJobDuration());
        worker.run(time);
        assertEquals(Optional.of(Duration.ofMillis(40)), worker.lastJobDuration());
        assertEquals(2, worker.jobsRun());
    }

    /** A group of the one worker, run on another thread. */
    private static CompletableFuture<Outcome> runAlone(ServiceGroup group) {
        return CompletableFuture.supplyAsync(group::run);
    }

    /** A job that throws ends the worker as FAILED with that error, stops the group, and counts as a failed job. */
    @Test
    void aJobThatThrowsFailsTheWorker() throws Exception {
        IOException boom = new IOException("boom");
        Worker worker = new Worker(Duration.ofMillis(20), tick -> {
            if (tick == 3) {
                throw boom;
            }
        });
        Outcome outcome = runAlone(ServiceGroup.builder().add("worker", worker).build())
                .get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(StopCause.Kind.MEMBER_FAILED, outcome.cause().kind());
        assertSame(boom, outcome.cause().error().orElseThrow());
        assertEquals(MemberResult.Status.FAILED, outcome.member("worker").status());
        assertEquals(3, worker.jobsRun());
        assertEquals(1, worker.jobsFailed());
    }

    /** A stop during a job lets the job finish, then the worker returns (STOPPED) without starting another. */
    @Test
    void aStopDuringAJobLetsItFinishAndStartsNoOther() throws Exception {
        CountDownLatch inJob = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> ticks = new CopyOnWriteArrayList<>();
        Worker worker = new Worker(Duration.ofMillis(10), tick -> {
            ticks.add(tick);
            inJob.countDown();
            release.await();
        });
        ServiceGroup group = ServiceGroup.builder().add("worker", worker).build();
        CompletableFuture<Outcome> run = runAlone(group);
        assertTrue(inJob.await(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS), "the first job started");
        group.requestStop(StopCause.requested("test"));
        assertEquals(0, worker.jobsRun(), "the job is still running");
        release.countDown();
        Outcome outcome = run.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(MemberResult.Status.STOPPED, outcome.member("worker").status());
        assertEquals(List.of(1L), ticks);
        assertEquals(1, worker.jobsRun());
        assertEquals(0, worker.jobsFailed());
    }

    /** The interval must be above zero. */
    @Test
    void intervalMustBeAboveZero() {
        assertThrows(IllegalArgumentException.class, () -> new Worker(Duration.ZERO, tick -> { }));
        assertThrows(IllegalArgumentException.class, () -> new Worker(Duration.ofMillis(-1), tick -> { }));
        assertThrows(NullPointerException.class, () -> new Worker(Duration.ofSeconds(1), null));
    }
}
