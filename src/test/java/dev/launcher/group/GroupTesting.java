package dev.launcher.group;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Shared helpers for the group tests: a runner thread, bounded awaits, stock members, a recording listener. */
final class GroupTesting {

    /** How long a test waits for something that should happen promptly; a bound, not a measurement. */
    static final Duration PROMPTLY = Duration.ofSeconds(5);
    /** A requested stop, as a signal gives it. */
    static final StopCause SIGTERM = StopCause.requested("SIGTERM");
    /** Scheduling slack added to upper bounds of timing assertions (2 cores, other builds running). */
    static final Duration SLACK = Duration.ofMillis(1500);

    private GroupTesting() {
    }

    // ---- running a group ----

    /** Runs {@code group.run()} on a new daemon thread named {@code runner}. */
    static Running start(ServiceGroup group) {
        Running running = new Running(group);
        running.thread.start();
        return running;
    }

    /** A group running on its own thread. */
    static final class Running {
        final ServiceGroup group;
        final Thread thread;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        /** {@link System#nanoTime()} when run() returned. */
        volatile long returnedAt;
        /** The runner's interrupt status right after run() returned. */
        volatile boolean interruptedAfterRun;

        Running(ServiceGroup group) {
            this.group = group;
            this.thread = new Thread(() -> {
                try {
                    Outcome result = group.run();
                    returnedAt = System.nanoTime();
                    interruptedAfterRun = Thread.currentThread().isInterrupted();
                    outcome.complete(result);
                } catch (Throwable t) {
                    returnedAt = System.nanoTime();
                    outcome.completeExceptionally(t);
                }
            }, "runner");
            this.thread.setDaemon(true);
        }

        /** The outcome, which must arrive {@link #PROMPTLY}. */
        Outcome outcome() {
            return outcome(PROMPTLY);
        }

        /** The outcome, which must arrive within {@code timeout}. */
        Outcome outcome(Duration timeout) {
            return get(outcome, timeout, "run() of " + group);
        }

        /** Asserts the group becomes ready {@link #PROMPTLY}. */
        void awaitReady() throws InterruptedException {
            assertTrue(group.awaitReady(PROMPTLY), () -> group + " ready within " + PROMPTLY);
        }
    }

    // ---- bounded waits ----

    /** Waits for the latch, failing the test if it is not released {@link #PROMPTLY}. */
    static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS), () -> what + " within " + PROMPTLY);
    }

    /** The future's value, failing the test if it does not complete {@link #PROMPTLY}. */
    static <T> T get(CompletableFuture<T> future, String what) {
        return get(future, PROMPTLY, what);
    }

    /** The future's value, failing the test if it does not complete within {@code timeout}. */
    static <T> T get(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail(what + " did not complete within " + timeout);
        } catch (ExecutionException e) {
            return fail(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted waiting for " + what);
        }
    }

    /** Waits for the latch and ignores interrupts, like a member that does not respond to them. */
    static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Time since a {@link System#nanoTime()} value. */
    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Time between two {@link System#nanoTime()} values. */
    static Duration between(long startNanos, long endNanos) {
        return Duration.ofNanos(endNanos - startNanos);
    }

    // ---- stock members ----

    /** Starts, then waits to be asked to stop, then returns. */
    static Service untilStopped() {
        return ctx -> {
            ctx.started();
            ctx.awaitStop();
        };
    }

    /** Starts, then returns normally once {@code go} is released, whether asked to stop or not. */
    static Service returnsWhen(CountDownLatch go) {
        return ctx -> {
            ctx.started();
            go.await();
        };
    }

    /** Starts, then throws {@code error} once {@code go} is released. */
    static Service throwsWhen(CountDownLatch go, Exception error) {
        return ctx -> {
            ctx.started();
            go.await();
            throw error;
        };
    }

    // ---- listener ----

    /** Records every event; thread-safe. */
    static final class RecordingListener implements GroupListener {
        final List<String> started = Collections.synchronizedList(new ArrayList<>());
        final List<Duration> ready = Collections.synchronizedList(new ArrayList<>());
        final List<StopCause> triggered = Collections.synchronizedList(new ArrayList<>());
        final List<Duration> drainDelays = Collections.synchronizedList(new ArrayList<>());
        final List<Duration> stopRequested = Collections.synchronizedList(new ArrayList<>());
        final List<List<String>> deadlinePassed = Collections.synchronizedList(new ArrayList<>());
        final List<MemberResult> ended = Collections.synchronizedList(new ArrayList<>());
        private final Semaphore startedPermits = new Semaphore(0);
        private final Semaphore readyPermits = new Semaphore(0);
        private final Semaphore triggeredPermits = new Semaphore(0);
        private final Semaphore endedPermits = new Semaphore(0);

        @Override
        public void memberStarted(String member) {
            started.add(member);
            startedPermits.release();
        }

        @Override
        public void ready(Duration startTime) {
            ready.add(startTime);
            readyPermits.release();
        }

        @Override
        public void stopTriggered(StopCause cause, Duration drainDelay) {
            triggered.add(cause);
            drainDelays.add(drainDelay);
            triggeredPermits.release();
        }

        @Override
        public void stopRequested(Duration timeLeft) {
            stopRequested.add(timeLeft);
        }

        @Override
        public void deadlinePassed(List<String> stragglers) {
            deadlinePassed.add(stragglers);
        }

        @Override
        public void memberEnded(MemberResult result) {
            ended.add(result);
            endedPermits.release();
        }

        /**
         * Waits until {@code count} memberStarted events and the ready event have arrived; they may arrive after
         * the group became ready.
         */
        void awaitStartedAndReady(int count) throws InterruptedException {
            assertTrue(startedPermits.tryAcquire(count, PROMPTLY.toMillis(), TimeUnit.MILLISECONDS),
                    () -> count + " memberStarted events within " + PROMPTLY + ", got " + started);
            startedPermits.release(count);
            assertTrue(readyPermits.tryAcquire(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS),
                    () -> "ready event within " + PROMPTLY);
            readyPermits.release();
        }

        /**
         * Waits for the stopTriggered event; for a stop a member caused it is heard on the member's thread and may
         * arrive after run() returned.
         */
        void awaitTriggered() throws InterruptedException {
            assertTrue(triggeredPermits.tryAcquire(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS),
                    () -> "stopTriggered event within " + PROMPTLY);
            triggeredPermits.release();
        }

        /** Waits until {@code count} memberEnded events have arrived (they may arrive after run() returns). */
        void awaitEnded(int count) throws InterruptedException {
            assertTrue(endedPermits.tryAcquire(count, PROMPTLY.toMillis(), TimeUnit.MILLISECONDS),
                    () -> count + " memberEnded events within " + PROMPTLY + ", got " + ended);
            endedPermits.release(count);
        }

        /** The recorded memberEnded result of one member; exactly one must have arrived. */
        MemberResult endedResult(String member) {
            synchronized (ended) {
                List<MemberResult> found = new ArrayList<>();
                for (MemberResult r : ended) {
                    if (r.name().equals(member)) {
                        found.add(r);
                    }
                }
                if (found.size() != 1) {
                    fail("expected one memberEnded for " + member + ", got " + ended);
                }
                return found.get(0);
            }
        }
    }
}
