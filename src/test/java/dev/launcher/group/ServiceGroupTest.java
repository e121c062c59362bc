package dev.launcher.group;

import static dev.launcher.group.GroupTesting.PROMPTLY;
import static dev.launcher.group.GroupTesting.SLACK;
import static dev.launcher.group.GroupTesting.await;
import static dev.launcher.group.GroupTesting.awaitIgnoringInterrupts;
import static dev.launcher.group.GroupTesting.between;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.returnsWhen;
import static dev.launcher.group.GroupTesting.since;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.GroupTesting.throwsWhen;
import static dev.launcher.group.GroupTesting.untilStopped;
import static dev.launcher.group.MemberResult.Status.ABANDONED;
import static dev.launcher.group.MemberResult.Status.COMPLETED;
import static dev.launcher.group.MemberResult.Status.FAILED;
import static dev.launcher.group.MemberResult.Status.FORCED;
import static dev.launcher.group.MemberResult.Status.NOT_STARTED;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.RecordingListener;
import dev.launcher.group.GroupTesting.Running;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The semantics of {@link ServiceGroup}: one ends, all end; the stop sequence; readiness; the context. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ServiceGroupTest {

    private static final StopCause SIGTERM = StopCause.requested("SIGTERM");

    // ---- one ends, all end ----

    /** A member returning normally stops the others: cause MEMBER_ENDED, the ender COMPLETED, the others STOPPED. */
    @Test
    void memberReturningStopsTheOthers() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ServiceGroup group = ServiceGroup.builder()
                .add("a", untilStopped()).add("w", returnsWhen(go)).add("b", untilStopped()).build();
        Running running = start(group);
        running.awaitReady();
        go.countDown();
        Outcome outcome = running.outcome();
        assertEquals(StopCause.Kind.MEMBER_ENDED, outcome.cause().kind());
        assertEquals("w", outcome.cause().source());
        assertEquals("member w ended", outcome.cause().toString());
        assertEquals(COMPLETED, outcome.member("w").status());
        assertEquals(List.of("a", "b"), outcome.membersWith(STOPPED));
        assertFalse(outcome.hasFailure());
        assertFalse(outcome.missedDeadline());
        assertTrue(outcome.failure().isEmpty());
    }

    /** A member throwing stops the others: cause MEMBER_FAILED with its error, the thrower FAILED. */
    @Test
    void memberThrowingStopsTheOthers() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Exception boom = new IllegalStateException("boom");
        ServiceGroup group = ServiceGroup.builder()
                .add("a", untilStopped()).add("w", throwsWhen(go, boom)).add("b", untilStopped()).build();
        Running running = start(group);
        running.awaitReady();
        go.countDown();
        Outcome outcome = running.outcome();
        assertEquals(StopCause.Kind.MEMBER_FAILED, outcome.cause().kind());
        assertEquals("w", outcome.cause().source());
        assertSame(boom, outcome.cause().error().orElseThrow());
        assertEquals("member w failed: boom", outcome.cause().toString());
        assertEquals(FAILED, outcome.member("w").status());
        assertSame(boom, outcome.member("w").error().orElseThrow());
        assertEquals(List.of("a", "b"), outcome.membersWith(STOPPED));
        assertTrue(outcome.hasFailure());
        assertFalse(outcome.missedDeadline());
    }

    /** A member throwing an {@link Error}, not an exception, is FAILED like any other thrower. */
    @Test
    void memberThrowingAnErrorIsFailed() throws Exception {
        AssertionError bad = new AssertionError("bad");
        ServiceGroup group = ServiceGroup.builder()
                .add("a", untilStopped()).add("w", ctx -> {
                    throw bad;
                }).build();
        Outcome outcome = start(group).outcome();
        assertSame(bad, outcome.cause().error().orElseThrow());
        assertEquals(FAILED, outcome.member("w").status());
        assertEquals(STOPPED, outcome.member("a").status());
    }

    /** A member that ends during start-up stops the group before it was ever ready. */
    @Test
    void memberEndingDuringStartUpStopsTheGroupUnready() throws Exception {
        RecordingListener listener = new RecordingListener();
        ServiceGroup group = ServiceGroup.builder().listener(listener)
                .add("a", untilStopped()).add("w", ctx -> { }).build();
        Outcome outcome = start(group).outcome();
        assertEquals("member w ended", outcome.cause().toString());
        assertEquals(COMPLETED, outcome.member("w").status());
        assertEquals(STOPPED, outcome.member("a").status());
        assertTrue(listener.ready.isEmpty(), "never ready: " + listener.ready);
        assertFalse(group.isReady());
    }

    /** Member stop times count from the trigger: empty for the member that ended first, present for the others. */
    @Test
    void memberStopTimesCountFromTheTrigger() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ServiceGroup group = ServiceGroup.builder().add("a", untilStopped()).add("w", returnsWhen(go)).build();
        Running running = start(group);
        running.awaitReady();
        go.countDown();
        Outcome outcome = running.outcome();
        assertTrue(outcome.member("w").stopTime().isEmpty(), outcome.toString());
        Duration stopped = outcome.member("a").stopTime().orElseThrow();
        assertFalse(stopped.isNegative(), outcome.toString());
        assertTrue(stopped.compareTo(outcome.stopTime()) <= 0, outcome.toString());
        assertTrue(outcome.stopTime().compareTo(PROMPTLY) < 0, outcome.toString());
    }

    /** Each member's run is called exactly once, on a daemon thread named after the member. */
    @Test
    void memberRunsOnceOnItsOwnNamedDaemonThread() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        ServiceGroup group = ServiceGroup.builder().add("worker-1", ctx -> {
            calls.incrementAndGet();
            thread.complete(Thread.currentThread());
            ctx.started();
            ctx.awaitStop();
        }).build();
        Running running = start(group);
        running.awaitReady();
        Thread memberThread = get(thread, "member thread");
        assertEquals("worker-1", memberThread.getName());
        assertTrue(memberThread.isDaemon());
        assertNotSame(running.thread, memberThread);
        group.requestStop(SIGTERM);
        running.outcome();
        assertEquals(1, calls.get());
    }

    // ---- requestStop ----

    /** The first requestStop wins and returns true; later ones return false and do not replace the cause. */
    @Test
    void requestStopFirstCallWins() throws Exception {
        ServiceGroup group = ServiceGroup.builder().add("a", untilStopped()).add("b", untilStopped()).build();
        Running running = start(group);
        running.awaitReady();
        assertTrue(group.requestStop(SIGTERM));
        assertFalse(group.requestStop(StopCause.requested("/shutdown")));
        assertSame(SIGTERM, group.cause().orElseThrow());
        Outcome outcome = running.outcome();
        assertSame(SIGTERM, outcome.cause());
        assertEquals("SIGTERM", outcome.cause().toString());
        assertEquals(List.of("a", "b"), outcome.membersWith(STOPPED));
        assertFalse(group.requestStop(StopCause.requested("late")), "after termination");
        assertSame(SIGTERM, group.cause().orElseThrow());
    }

    /** A null cause is rejected. */
    @Test
    void requestStopRejectsNull() {
        ServiceGroup group = ServiceGroup.builder().add("a", untilStopped()).build();
        assertThrows(NullPointerException.class, () -> group.requestStop(null));
        assertTrue(group.cause().isEmpty());
    }

    /** A member may request the stop through its context; it acts exactly like {@link ServiceGroup#requestStop}. */
    @Test
    void requestStopFromContextActsLikeTheGroup() throws Exception {
        CompletableFuture<List<Boolean>> answers = new CompletableFuture<>();
        StopCause self = StopCause.requested("self");
        ServiceGroup group = ServiceGroup.builder().add("a", untilStopped()).add("m", ctx -> {
            ctx.started();
            boolean first = ctx.requestStop(self);
            ctx.awaitStop();
            answers.complete(List.of(first, ctx.requestStop(StopCause.requested("again"))));
        }).build();
        Outcome outcome = start(group).outcome();
        assertEquals(List.of(true, false), get(answers, "member's answers"));
        assertSame(self, outcome.cause());
        assertEquals(List.of("a", "m"), outcome.membersWith(STOPPED));
    }

    /** A stop requested before run() makes run() return at once with every member NOT_STARTED. */
    @Test
    void requestStopBeforeRunEndsRunAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        ServiceGroup group = ServiceGroup.builder()
                .add("a", ctx -> calls.incrementAndGet()).add("b", ctx -> calls.incrementAndGet()).build();
        assertTrue(group.requestStop(SIGTERM));
        assertFalse(group.requestStop(StopCause.requested("/shutdown")));
        long t0 = System.nanoTime();
        Outcome outcome = group.run();
        assertTrue(since(t0).compareTo(Duration.ofSeconds(1)) < 0, "run took " + since(t0));
        assertSame(SIGTERM, outcome.cause());
        assertEquals(List.of("a", "b"), outcome.membersWith(NOT_STARTED));
        assertTrue(outcome.member("a").stopTime().isEmpty());
        assertEquals(Duration.ZERO, outcome.stopTime());
        assertEquals(0, calls.get());
        assertEquals(ServiceGroup.State.TERMINATED, group.state());
        assertFalse(outcome.hasFailure());
        assertFalse(outcome.missedDeadline());
    }

    /** Interrupting the thread in run() stops the group with cause "interrupted"; run() returns, interrupt set. */
    @Test
    void interruptingRunStopsTheGroup() throws Exception {
        ServiceGroup group = ServiceGroup.builder().add("a", untilStopped()).build();
        Running running = start(group);
        running.awaitReady();
        running.thread.interrupt();
        Outcome outcome = running.outcome();
        assertEquals(StopCause.Kind.REQUESTED, outcome.cause().kind());
        assertEquals("interrupted", outcome.cause().toString());
        assertEquals(STOPPED, outcome.member("a").status());
        assertTrue(running.interruptedAfterRun, "interrupt status restored");
    }

    // ---- deadline and forced path ----

    /** A member ignoring the stop request but answering the interrupt is interrupted at the deadline: FORCED. */
    @Test
    void memberIgnoringStopIsInterruptedAtTheDeadline() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        Duration grace = SLACK.multipliedBy(2);
        CompletableFuture<Long> interruptedAt = new CompletableFuture<>();
        CompletableFuture<Duration> timeLeftThen = new CompletableFuture<>();
        RecordingListener listener = new RecordingListener();
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(timeout).interruptGrace(grace).listener(listener)
                .add("polite", untilStopped())
                .add("stubborn", ctx -> {
                    ctx.started();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interruptedAt.complete(System.nanoTime());
                        timeLeftThen.complete(ctx.timeLeft().orElseThrow());
                    }
                }).build();
        Running running = start(group);
        running.awaitReady();
        long t0 = System.nanoTime();
        group.requestStop(SIGTERM);
        Outcome outcome = running.outcome();
        assertEquals(FORCED, outcome.member("stubborn").status(), outcome.toString());
        assertTrue(outcome.member("stubborn").error().isEmpty());
        assertTrue(outcome.member("stubborn").stopTime().orElseThrow().compareTo(timeout) >= 0, outcome.toString());
        assertEquals(STOPPED, outcome.member("polite").status());
        assertTrue(outcome.missedDeadline());
        assertFalse(outcome.hasFailure());
        assertTrue(outcome.failure().isEmpty());
        assertEquals(List.of(List.of("stubborn")), listener.deadlinePassed);
        // interrupted no sooner than the deadline
        Duration toInterrupt = between(t0, get(interruptedAt, "interrupt"));
        assertTrue(toInterrupt.compareTo(timeout) >= 0, "interrupted after " + toInterrupt);
        assertTrue(get(timeLeftThen, "time left").compareTo(Duration.ZERO) <= 0);
        // run() returns once the forced member ends, well inside the grace
        Duration toReturn = between(t0, running.returnedAt);
        assertTrue(toReturn.compareTo(timeout) >= 0, "returned after " + toReturn);
        assertTrue(toReturn.compareTo(timeout.plus(SLACK)) <= 0, "returned after " + toReturn);
    }

    /** A forced member that throws when interrupted is FORCED with its error, and the error is reported. */
    @Test
    void forcedMemberThatThrowsKeepsItsError() throws Exception {
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(Duration.ofMillis(100))
                .add("stubborn", ctx -> {
                    ctx.started();
                    new CountDownLatch(1).await();
                }).build();
        Running running = start(group);
        running.awaitReady();
        group.requestStop(SIGTERM);
        Outcome outcome = running.outcome();
        MemberResult stubborn = outcome.member("stubborn");
        assertEquals(FORCED, stubborn.status());
        assertInstanceOf(InterruptedException.class, stubborn.error().orElseThrow());
        assertTrue(outcome.missedDeadline());
        assertSame(stubborn.error().orElseThrow(), outcome.failure().orElseThrow().getCause());
    }

    /** A member ignoring interrupts too is ABANDONED; run() returns after shutdownTimeout + interruptGrace. */
    @Test
    void memberIgnoringInterruptsIsAbandoned() throws Exception {
        Duration timeout = Duration.ofMillis(200);
        Duration grace = Duration.ofMillis(200);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Thread> stuckThread = new CompletableFuture<>();
        RecordingListener listener = new RecordingListener();
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(timeout).interruptGrace(grace).listener(listener)
                .add("polite", untilStopped())
                .add("stuck", ctx -> {
                    stuckThread.complete(Thread.currentThread());
                    ctx.started();
                    awaitIgnoringInterrupts(release);
                }).build();
        try {
            Running running = start(group);
            running.awaitReady();
            long t0 = System.nanoTime();
            group.requestStop(SIGTERM);
            Outcome outcome = running.outcome();
            Duration toReturn = between(t0, running.returnedAt);
            assertTrue(toReturn.compareTo(timeout.plus(grace)) >= 0, "returned after " + toReturn);
            assertTrue(toReturn.compareTo(timeout.plus(grace).plus(SLACK)) <= 0, "returned after " + toReturn);
            assertEquals(ABANDONED, outcome.member("stuck").status());
            assertTrue(outcome.member("stuck").stopTime().isEmpty());
            assertEquals(STOPPED, outcome.member("polite").status());
            assertTrue(outcome.stopTime().compareTo(timeout.plus(grace)) >= 0, outcome.toString());
            assertTrue(outcome.missedDeadline());
            assertFalse(outcome.hasFailure());
            assertEquals(ServiceGroup.State.TERMINATED, group.state());
            assertEquals(List.of(List.of("stuck")), listener.deadlinePassed);
            listener.awaitEnded(2);
            assertEquals(ABANDONED, listener.endedResult("stuck").status());
        } finally {
            release.countDown();
        }
        // the abandoned member ending later is not reported again
        Thread thread = get(stuckThread, "stuck thread");
        thread.join(PROMPTLY.toMillis());
        assertFalse(thread.isAlive());
        assertEquals(ABANDONED, listener.endedResult("stuck").status());
    }

    /** A member that throws while stopping is FAILED and the outcome has a failure; the cause stays the request. */
    @Test
    void memberThrowingWhileStoppingIsFailed() throws Exception {
        IOException flush = new IOException("flush failed");
        ServiceGroup group = ServiceGroup.builder()
                .add("a", untilStopped())
                .add("m", ctx -> {
                    ctx.started();
                    ctx.awaitStop();
                    throw flush;
                }).build();
        Running running = start(group);
        running.awaitReady();
        group.requestStop(SIGTERM);
        Outcome outcome = running.outcome();
        assertSame(SIGTERM, outcome.cause());
        assertEquals(FAILED, outcome.member("m").status());
        assertSame(flush, outcome.member("m").error().orElseThrow());
        assertTrue(outcome.member("m").stopTime().isPresent());
        assertEquals(STOPPED, outcome.member("a").status());
        assertTrue(outcome.hasFailure());
        assertFalse(outcome.missedDeadline());
        assertSame(flush, outcome.failure().orElseThrow().getCause());
    }

    /** Members are asked to stop together: each can wait for the other while stopping. */
    @Test
    void membersStopConcurrently() throws Exception {
        CountDownLatch aStopping = new CountDownLatch(1);
        CountDownLatch bStopping = new CountDownLatch(1);
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(PROMPTLY)
                .add("a", ctx -> {
                    ctx.started();
                    ctx.awaitStop();
                    aStopping.countDown();
                    bStopping.await();
                })
                .add("b", ctx -> {
                    ctx.started();
                    ctx.awaitStop();
                    bStopping.countDown();
                    aStopping.await();
                }).build();
        Running running = start(group);
        running.awaitReady();
        group.requestStop(SIGTERM);
        Outcome outcome = running.outcome(PROMPTLY.plus(SLACK));
        assertEquals(List.of("a", "b"), outcome.membersWith(STOPPED), outcome.toString());
    }

    // ---- drain delay ----

    /** After a requested stop, members are asked to stop only once the drain delay has passed; readiness ends at once. */
    @Test
    void drainDelayPostponesTheStopRequest() throws Exception {
        Duration drain = Duration.ofMillis(300);
        Duration timeout = Duration.ofSeconds(3);
        CompletableFuture<Long> stopSeenAt = new CompletableFuture<>();
        RecordingListener listener = new RecordingListener();
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(timeout).drainDelay(drain).listener(listener)
                .add("m", ctx -> {
                    ctx.started();
                    ctx.awaitStop();
                    stopSeenAt.complete(System.nanoTime());
                }).build();
        Running running = start(group);
        running.awaitReady();
        long t0 = System.nanoTime();
        group.requestStop(SIGTERM);
        assertFalse(group.isReady(), "not ready once the stop is triggered");
        Outcome outcome = running.outcome();
        Duration toStop = between(t0, get(stopSeenAt, "stop request"));
        assertTrue(toStop.compareTo(drain) >= 0, "asked to stop after " + toStop);
        assertTrue(toStop.compareTo(drain.plus(SLACK)) <= 0, "asked to stop after " + toStop);
        assertEquals(STOPPED, outcome.member("m").status());
        assertEquals(List.of(drain), listener.drainDelays);
        Duration timeLeft = listener.stopRequested.get(0);
        assertTrue(timeLeft.compareTo(timeout.minus(drain)) <= 0, "time left " + timeLeft);
        assertTrue(timeLeft.compareTo(Duration.ZERO) > 0, "time left " + timeLeft);
    }

    /** During the drain delay the group is DRAINING, members run unasked, and the drain ends when all have ended. */
    @Test
    void drainEndsEarlyWhenEveryMemberHasEnded() throws Exception {
        Duration drain = Duration.ofSeconds(10);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<ServiceContext> context = new CompletableFuture<>();
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(drain.multipliedBy(2)).drainDelay(drain)
                .add("a", returnsWhen(go))
                .add("b", ctx -> {
                    context.complete(ctx);
                    ctx.started();
                    go.await();
                }).build();
        Running running = start(group);
        running.awaitReady();
        ServiceContext ctx = get(context, "context");
        long t0 = System.nanoTime();
        group.requestStop(SIGTERM);
        assertEquals(ServiceGroup.State.DRAINING, group.state());
        assertFalse(group.isReady());
        assertFalse(ctx.isStopRequested());
        assertFalse(ctx.awaitStop(Duration.ofMillis(20)));
        assertSame(SIGTERM, ctx.cause().orElseThrow());
        go.countDown();
        Outcome outcome = running.outcome();
        Duration toReturn = between(t0, running.returnedAt);
        assertTrue(toReturn.compareTo(drain) < 0, "returned after " + toReturn);
        assertEquals(List.of("a", "b"), outcome.membersWith(COMPLETED), "returned before being asked");
    }

    /** With a member-ended or member-failed cause there is no drain delay: the others are asked to stop at once. */
    @ParameterizedTest(name = "member throws: {0}")
    @ValueSource(booleans = {false, true})
    void noDrainDelayWhenAMemberEnds(boolean throwing) throws Exception {
        Duration drain = Duration.ofSeconds(3);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Long> stopSeenAt = new CompletableFuture<>();
        RecordingListener listener = new RecordingListener();
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(drain.multipliedBy(2)).drainDelay(drain)
                .listener(listener)
                .add("m", ctx -> {
                    ctx.started();
                    ctx.awaitStop();
                    stopSeenAt.complete(System.nanoTime());
                })
                .add("w", throwing ? throwsWhen(go, new IOException("boom")) : returnsWhen(go)).build();
        Running running = start(group);
        running.awaitReady();
        long t0 = System.nanoTime();
        go.countDown();
        Outcome outcome = running.outcome();
        Duration toStop = between(t0, get(stopSeenAt, "stop request"));
        assertTrue(toStop.compareTo(drain) < 0, "asked to stop after " + toStop);
        assertEquals(throwing, outcome.cause().isFailure());
        assertEquals(STOPPED, outcome.member("m").status());
        listener.awaitTriggered();
        assertEquals(List.of(Duration.ZERO), listener.drainDelays);
    }

    // ---- readiness and state ----

    /** The group is not ready until every member has called started(). */
    @Test
    void notReadyUntilEveryMemberStarted() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch goA = new CountDownLatch(1);
        CountDownLatch goB = new CountDownLatch(1);
        CountDownLatch aStarted = new CountDownLatch(1);
        CompletableFuture<ServiceContext> context = new CompletableFuture<>();
        ServiceGroup group = ServiceGroup.builder()
                .add("a", ctx -> {
                    entered.countDown();
                    goA.await();
                    ctx.started();
                    aStarted.countDown();
                    ctx.awaitStop();
                })
                .add("b", ctx -> {
                    context.complete(ctx);
                    entered.countDown();
                    goB.await();
                    ctx.started();
                    ctx.awaitStop();
                }).build();
        assertEquals(ServiceGroup.State.NEW, group.state());
        Running running = start(group);
        await(entered, "members running");
        assertEquals(ServiceGroup.State.STARTING, group.state());
        assertFalse(group.isReady());
        goA.countDown();
        await(aStarted, "a started");
        assertFalse(group.isReady(), "b has not started");
        assertFalse(group.isReady());
        goB.countDown();
        running.awaitReady();
        assertEquals(ServiceGroup.State.RUNNING, group.state());
        assertTrue(group.isReady());
        group.requestStop(SIGTERM);
        running.outcome();
    }

    /** awaitReady returns false once its timeout passes while a member has not started. */
    @Test
    void awaitReadyTimesOutWhileStarting() throws Exception {
        Duration wait = Duration.ofMillis(100);
        ServiceGroup group = ServiceGroup.builder().add("lazy", ctx -> ctx.awaitStop()).build();
        Running running = start(group);
        long t0 = System.nanoTime();
        assertFalse(group.awaitReady(wait));
        Duration waited = since(t0);
        assertTrue(waited.compareTo(wait) >= 0, "waited " + waited);
        assertTrue(waited.compareTo(wait.plus(SLACK)) <= 0, "waited " + waited);
        group.requestStop(SIGTERM);
        running.outcome();
    }

    /** awaitReady returns false promptly, long before its timeout, when a stop is triggered before the group is ready. */
    @Test
    void awaitReadyReturnsFalsePromptlyWhenStopTriggeredFirst() throws Exception {
        ServiceGroup group = ServiceGroup.builder().add("lazy", ctx -> ctx.awaitStop()).build();
        Running running = start(group);
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                return group.awaitReady(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        group.requestStop(SIGTERM);
        assertFalse(get(ready, "awaitReady"));
        running.outcome();
        assertFalse(group.awaitReady(Duration.ofMinutes(5)), "after termination");
    }

    /**
     * A member sees the trigger at once — isStopTriggered turns true with the readiness change, before the drain
     * delay ends — while isStopRequested waits for the delay.
     */
    @Test
    void stopTriggeredIsVisibleBeforeTheStopRequest() throws Exception {
        CompletableFuture<ServiceContext> context = new CompletableFuture<>();
        ServiceGroup group = ServiceGroup.builder().drainDelay(Duration.ofSeconds(1)).add("m", ctx -> {
            context.complete(ctx);
            ctx.started();
            ctx.awaitStop();
        }).build();
        Running running = start(group);
        running.awaitReady();
        ServiceContext member = get(context, "context");
        assertFalse(member.isStopTriggered());
        group.requestStop(SIGTERM);
        assertFalse(group.isReady());
        assertTrue(member.isStopTriggered());
        assertFalse(member.isStopRequested(), "the drain delay has not passed");
        assertTrue(member.awaitStop(Duration.ofSeconds(10)), "asked to stop once the delay passed");
        running.outcome();
    }

    /** Readiness ends the moment a stop is triggered. */
    @Test
    void readinessEndsWhenStopTriggered() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CompletableFuture<ServiceContext> context = new CompletableFuture<>();
        ServiceGroup group = ServiceGroup.builder().add("m", ctx -> {
            context.complete(ctx);
            ctx.started();
            hold.await();
        }).build();
        Running running = start(group);
        running.awaitReady();
        assertTrue(group.isReady());
        group.requestStop(SIGTERM);
        assertFalse(group.isReady());
        assertFalse(group.awaitReady(Duration.ZERO));
        assertFalse(group.isReady());
        hold.countDown();
        running.outcome();
    }

    /** started() is idempotent: repeated calls by one member do not make the group ready. */
    @Test
    void startedIsIdempotent() throws Exception {
        CountDownLatch aStarted = new CountDownLatch(1);
        CountDownLatch goB = new CountDownLatch(1);
        RecordingListener listener = new RecordingListener();
        ServiceGroup group = ServiceGroup.builder().listener(listener)
                .add("a", ctx -> {
                    ctx.started();
                    ctx.started();
                    ctx.started();
                    aStarted.countDown();
                    ctx.awaitStop();
                })
                .add("b", ctx -> {
                    goB.await();
                    ctx.started();
                    ctx.awaitStop();
                }).build();
        Running running = start(group);
        await(aStarted, "a started");
        assertFalse(group.isReady());
        assertEquals(ServiceGroup.State.STARTING, group.state());
        goB.countDown();
        running.awaitReady();
        group.requestStop(SIGTERM);
        running.outcome();
        assertEquals(List.of("a", "b"), listener.started);
        assertEquals(1, listener.ready.size());
    }

    /** The state moves forward: NEW, STARTING, RUNNING, DRAINING or STOPPING, STOPPING, TERMINATED. */
    @Test
    void stateMovesForwardThroughThePhases() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch stopSeen = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        ServiceGroup group = ServiceGroup.builder().add("m", ctx -> {
            entered.countDown();
            go.await();
            ctx.started();
            ctx.awaitStop();
            stopSeen.countDown();
            hold.await();
        }).build();
        assertEquals(ServiceGroup.State.NEW, group.state());
        assertEquals("ServiceGroup[m] [NEW]", group.toString());
        Running running = start(group);
        await(entered, "member running");
        assertEquals(ServiceGroup.State.STARTING, group.state());
        go.countDown();
        running.awaitReady();
        assertEquals(ServiceGroup.State.RUNNING, group.state());
        group.requestStop(SIGTERM);
        assertTrue(Set.of(ServiceGroup.State.DRAINING, ServiceGroup.State.STOPPING).contains(group.state()),
                group.toString());
        await(stopSeen, "stop request");
        assertEquals(ServiceGroup.State.STOPPING, group.state());
        hold.countDown();
        running.outcome();
        assertEquals(ServiceGroup.State.TERMINATED, group.state());
        assertEquals("ServiceGroup[m] [TERMINATED]", group.toString());
    }

    // ---- the member's context ----

    /** awaitStop(Duration) returns false when the timeout passes, and true once the stop is requested. */
    @Test
    void contextAwaitStopTimesOutThenSeesTheStop() throws Exception {
        Duration wait = Duration.ofMillis(100);
        CountDownLatch waited = new CountDownLatch(1);
        CompletableFuture<Boolean> timedOut = new CompletableFuture<>();
        CompletableFuture<Duration> timedOutAfter = new CompletableFuture<>();
        CompletableFuture<List<Boolean>> noWait = new CompletableFuture<>();
        CompletableFuture<List<Boolean>> afterStop = new CompletableFuture<>();
        CompletableFuture<ServiceContext> context = new CompletableFuture<>();
        ServiceGroup group = ServiceGroup.builder().add("m", ctx -> {
            context.complete(ctx);
            ctx.started();
            long t0 = System.nanoTime();
            timedOut.complete(ctx.awaitStop(wait));
            timedOutAfter.complete(since(t0));
            noWait.complete(List.of(ctx.awaitStop(Duration.ZERO), ctx.awaitStop(Duration.ofSeconds(-1))));
            waited.countDown();
            boolean stopped = ctx.awaitStop(Duration.ofMinutes(5));
            afterStop.complete(List.of(stopped, ctx.awaitStop(Duration.ZERO), ctx.isStopRequested()));
        }).build();
        Running running = start(group);
        await(waited, "timed waits");
        assertFalse(get(timedOut, "awaitStop(100ms)"));
        Duration after = get(timedOutAfter, "awaitStop(100ms) time");
        assertTrue(after.compareTo(wait) >= 0, "returned after " + after);
        assertTrue(after.compareTo(wait.plus(SLACK)) <= 0, "returned after " + after);
        assertEquals(List.of(false, false), get(noWait, "zero and negative waits"));
        group.requestStop(SIGTERM);
        assertEquals(List.of(true, true, true), get(afterStop, "waits after the stop"));
        running.outcome();
        ServiceContext ctx = get(context, "context");
        assertTrue(ctx.isStopRequested(), "never goes back to false");
        ctx.awaitStop();
    }

    /** timeLeft and cause are empty until the stop is triggered, and present after. */
    @Test
    void contextDeadlineAppearsWithTheTrigger() throws Exception {
        Duration timeout = Duration.ofSeconds(10);
        CountDownLatch hold = new CountDownLatch(1);
        CompletableFuture<ServiceContext> context = new CompletableFuture<>();
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(timeout).add("m", ctx -> {
            context.complete(ctx);
            ctx.started();
            ctx.awaitStop();
            hold.await();
        }).build();
        Running running = start(group);
        running.awaitReady();
        ServiceContext ctx = get(context, "context");
        assertEquals(Optional.empty(), ctx.timeLeft());
        assertEquals(Optional.empty(), ctx.cause());
        assertFalse(ctx.isStopRequested());
        long t0 = System.nanoTime();
        group.requestStop(SIGTERM);
        long t1 = System.nanoTime();
        long t2 = System.nanoTime();
        Duration left = ctx.timeLeft().orElseThrow();
        long t3 = System.nanoTime();
        // the deadline is between t0 + timeout and t1 + timeout; left was read between t2 and t3
        assertTrue(left.toNanos() >= t0 + timeout.toNanos() - t3, "time left " + left + " counted from the trigger");
        assertTrue(left.toNanos() <= t1 + timeout.toNanos() - t2, "time left " + left + " counted from the trigger");
        assertSame(SIGTERM, ctx.cause().orElseThrow());
        hold.countDown();
        running.outcome();
    }

    // ---- run once, builder ----

    /** A second run() after the first returned throws IllegalStateException. */
    @Test
    void runTwiceThrows() {
        ServiceGroup group = ServiceGroup.builder().add("w", ctx -> { }).build();
        group.run();
        IllegalStateException e = assertThrows(IllegalStateException.class, group::run);
        assertTrue(e.getMessage().contains("run()"), e.getMessage());
    }

    /** run() while the group is running throws IllegalStateException and leaves the running group alone. */
    @Test
    void runWhileRunningThrows() throws Exception {
        ServiceGroup group = ServiceGroup.builder().add("a", untilStopped()).build();
        Running running = start(group);
        running.awaitReady();
        assertThrows(IllegalStateException.class, group::run);
        assertTrue(group.isReady());
        group.requestStop(SIGTERM);
        assertEquals(STOPPED, running.outcome().member("a").status());
    }

    /** A group needs at least one member. */
    @Test
    void builderRejectsNoMembers() {
        assertThrows(IllegalStateException.class, () -> ServiceGroup.builder().build());
    }

    /** Member names must be unique and not blank. */
    @Test
    void builderRejectsDuplicateAndBlankNames() {
        ServiceGroupBuilder builder = ServiceGroup.builder().add("a", untilStopped());
        assertThrows(IllegalArgumentException.class, () -> builder.add("a", untilStopped()));
        assertThrows(IllegalArgumentException.class, () -> builder.add(" ", untilStopped()));
        assertThrows(NullPointerException.class, () -> builder.add(null, untilStopped()));
        assertThrows(NullPointerException.class, () -> builder.add("b", null));
        assertEquals(List.of("a"), builder.build().memberNames());
    }

    /** The shutdown timeout must be above zero. */
    @ParameterizedTest(name = "{0} ms")
    @ValueSource(longs = {0, -1})
    void builderRejectsNonPositiveTimeout(long millis) {
        assertThrows(IllegalArgumentException.class,
                () -> ServiceGroup.builder().shutdownTimeout(Duration.ofMillis(millis)));
    }

    /** The drain delay must be shorter than the shutdown timeout; build() checks it. */
    @ParameterizedTest(name = "drain {0} ms, timeout 1000 ms")
    @ValueSource(longs = {1000, 1001})
    void builderRejectsDrainDelayNotShorterThanTimeout(long drainMillis) {
        ServiceGroupBuilder builder = ServiceGroup.builder().add("a", untilStopped())
                .shutdownTimeout(Duration.ofSeconds(1)).drainDelay(Duration.ofMillis(drainMillis));
        assertThrows(IllegalStateException.class, builder::build);
        builder.drainDelay(Duration.ofMillis(999));
        assertEquals(Duration.ofSeconds(1), builder.build().shutdownTimeout());
    }

    /** Negative drain delays and grace periods, and a null listener, are rejected. */
    @Test
    void builderRejectsNegativeDurationsAndNullListener() {
        ServiceGroupBuilder builder = ServiceGroup.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.drainDelay(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> builder.interruptGrace(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> builder.listener(null));
    }

    /** build() may be called twice; each group runs on its own, with the defaults and the members in order. */
    @Test
    void builderBuildsIndependentGroups() {
        ServiceGroupBuilder builder = ServiceGroup.builder().add("b", ctx -> { }).add("a", untilStopped());
        ServiceGroup first = builder.build();
        ServiceGroup second = builder.build();
        assertEquals(List.of("b", "a"), first.memberNames());
        assertEquals(ServiceGroup.DEFAULT_SHUTDOWN_TIMEOUT, first.shutdownTimeout());
        assertEquals("ServiceGroup[b, a] [NEW]", first.toString());
        assertEquals("member b ended", first.run().cause().toString());
        assertEquals(ServiceGroup.State.NEW, second.state());
        Outcome outcome = second.run();
        assertEquals(List.of("b", "a"), List.copyOf(outcome.members().keySet()));
        assertEquals(ServiceGroup.DEFAULT_SHUTDOWN_TIMEOUT, outcome.timeout());
    }

    // ---- outcome ----

    /** The outcome lists the members in the order they were added, with the group's timeout. */
    @Test
    void outcomeListsMembersInAddOrder() {
        Duration timeout = Duration.ofSeconds(2);
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(timeout)
                .add("c", untilStopped()).add("a", ctx -> { }).add("b", untilStopped()).build();
        Outcome outcome = group.run();
        assertEquals(List.of("c", "a", "b"), List.copyOf(outcome.members().keySet()));
        assertEquals(List.of("c", "b"), outcome.membersWith(STOPPED));
        assertEquals(timeout, outcome.timeout());
        assertThrows(IllegalArgumentException.class, () -> outcome.member("d"));
        assertTrue(outcome.toString().startsWith("cause=member a ended stopTime="), outcome.toString());
    }

    /** failure() carries the cause's error, with the errors of members that failed while stopping suppressed. */
    @Test
    void failureCarriesTheCauseWithOthersSuppressed() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Exception boom = new IllegalStateException("boom");
        Exception cleanup = new IOException("cleanup");
        ServiceGroup group = ServiceGroup.builder()
                .add("x", ctx -> {
                    ctx.started();
                    ctx.awaitStop();
                    throw cleanup;
                })
                .add("w", throwsWhen(go, boom))
                .add("y", untilStopped()).build();
        Running running = start(group);
        running.awaitReady();
        go.countDown();
        Outcome outcome = running.outcome();
        Exception failure = outcome.failure().orElseThrow();
        assertEquals("group stopped: member w failed: boom", failure.getMessage());
        assertSame(boom, failure.getCause());
        assertEquals(List.of(cleanup), List.of(failure.getSuppressed()));
        assertEquals(List.of("x", "w"), outcome.membersWith(FAILED));
        assertNotSame(failure, outcome.failure().orElseThrow(), "a new exception per call");
    }

    // ---- listener ----

    /** The listener hears memberStarted, ready, stopTriggered, stopRequested and memberEnded. */
    @Test
    void listenerHearsTheEvents() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        Duration drain = Duration.ofMillis(50);
        RecordingListener listener = new RecordingListener();
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(timeout).drainDelay(drain).listener(listener)
                .add("a", untilStopped()).add("b", untilStopped()).build();
        long t0 = System.nanoTime();
        Running running = start(group);
        running.awaitReady();
        listener.awaitStartedAndReady(2);
        Duration sinceStart = since(t0);
        assertEquals(Set.of("a", "b"), Set.copyOf(listener.started));
        assertEquals(2, listener.started.size());
        assertEquals(1, listener.ready.size());
        Duration startTime = listener.ready.get(0);
        assertFalse(startTime.isNegative());
        assertTrue(startTime.compareTo(sinceStart) <= 0, "start time " + startTime);
        group.requestStop(SIGTERM);
        running.outcome();
        // heard on the run thread, every one before run() returned
        assertEquals(List.of(SIGTERM), listener.triggered);
        assertEquals(List.of(drain), listener.drainDelays);
        assertEquals(2, listener.ended.size());
        assertEquals(1, listener.stopRequested.size());
        assertTrue(listener.stopRequested.get(0).compareTo(timeout.minus(drain)) <= 0);
        assertEquals(STOPPED, listener.endedResult("a").status());
        assertEquals(STOPPED, listener.endedResult("b").status());
        assertTrue(listener.deadlinePassed.isEmpty());
    }

    /** A listener that throws from every method does not break the group, on the normal or the forced path. */
    @Test
    void throwingListenerDoesNotBreakTheGroup() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GroupListener throwing = new GroupListener() {
            private void fail() {
                calls.incrementAndGet();
                throw new IllegalStateException("listener broke");
            }

            @Override
            public void memberStarted(String member) {
                fail();
            }

            @Override
            public void ready(Duration startTime) {
                fail();
            }

            @Override
            public void stopTriggered(StopCause cause, Duration drainDelay) {
                fail();
            }

            @Override
            public void stopRequested(Duration timeLeft) {
                fail();
            }

            @Override
            public void deadlinePassed(List<String> stragglers) {
                fail();
            }

            @Override
            public void memberEnded(MemberResult result) {
                fail();
            }
        };
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(Duration.ofMillis(100))
                .interruptGrace(SLACK.multipliedBy(2)).listener(throwing)
                .add("polite", untilStopped())
                .add("stubborn", ctx -> {
                    ctx.started();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        // ends once interrupted
                    }
                }).build();
        Running running = start(group);
        running.awaitReady();
        assertTrue(group.requestStop(SIGTERM));
        Outcome outcome = running.outcome();
        assertSame(SIGTERM, outcome.cause());
        assertEquals(STOPPED, outcome.member("polite").status());
        assertEquals(FORCED, outcome.member("stubborn").status());
        // memberStarted x2, ready, stopTriggered, stopRequested, deadlinePassed: all before run() returned
        assertTrue(calls.get() >= 6, "listener calls " + calls.get());
    }

    // ---- awaitOutcome ----

    /** awaitOutcome returns empty before the group ends, and the very outcome of run() once it has, on any thread. */
    @Test
    void awaitOutcomeFromAnotherThread() throws Exception {
        Duration wait = Duration.ofMillis(50);
        ServiceGroup group = ServiceGroup.builder().add("a", untilStopped()).build();
        long t0 = System.nanoTime();
        assertEquals(Optional.empty(), group.awaitOutcome(wait), "before run()");
        Duration waited = since(t0);
        assertTrue(waited.compareTo(wait) >= 0, "waited " + waited);
        assertTrue(waited.compareTo(wait.plus(SLACK)) <= 0, "waited " + waited);
        Running running = start(group);
        running.awaitReady();
        CompletableFuture<Optional<Outcome>> awaited = CompletableFuture.supplyAsync(() -> {
            try {
                return group.awaitOutcome(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        group.requestStop(SIGTERM);
        Outcome outcome = running.outcome();
        assertSame(outcome, get(awaited, "awaitOutcome").orElseThrow());
        assertSame(outcome, group.awaitOutcome(Duration.ZERO).orElseThrow());
    }

    // ---- found bugs ----

    /**
     * awaitReady returns false promptly when a stop was requested before run(): the group can no longer become ready.
     */
    @Test
    void awaitReadyReturnsPromptlyWhenStopRequestedBeforeRun() throws Exception {
        ServiceGroup group = ServiceGroup.builder().add("a", untilStopped()).build();
        group.requestStop(SIGTERM);
        Duration timeout = Duration.ofSeconds(3);
        long t0 = System.nanoTime();
        assertFalse(group.awaitReady(timeout));
        Duration waited = since(t0);
        assertTrue(waited.compareTo(timeout) < 0, "awaitReady waited " + waited + " for a group that cannot be ready");
    }

    /** A timeout too long for a long of nanoseconds means "wait without limit", not an ArithmeticException. */
    @Test
    void hugeTimeoutsDoNotOverflow() throws Exception {
        ServiceGroup group = ServiceGroup.builder().add("w", ctx -> { }).build();
        Outcome outcome = group.run();
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        assertSame(outcome, group.awaitOutcome(forever).orElseThrow());
        assertFalse(group.awaitReady(forever));
    }

    /** stopTriggeredAt is empty until the trigger, then the wall-clock moment of it. */
    @Test
    void stopTriggeredAtIsRecorded() throws Exception {
        ServiceGroup group = ServiceGroup.builder().add("a", context -> {
            context.started();
            context.awaitStop();
        }).build();
        assertTrue(group.stopTriggeredAt().isEmpty());
        java.time.Instant before = java.time.Instant.now();
        group.requestStop(StopCause.requested("test"));
        java.time.Instant at = group.stopTriggeredAt().orElseThrow();
        assertFalse(at.isBefore(before));
        assertFalse(at.isAfter(java.time.Instant.now()));
    }

    /** With a stop order, a later stage is asked to stop only once the earlier stage has ended. */
    @Test
    void stopOrderStopsStageByStage() throws Exception {
        java.util.concurrent.atomic.AtomicLong firstEnded = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong secondAsked = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CountDownLatch firstAsked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releaseFirst = new java.util.concurrent.CountDownLatch(1);
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(Duration.ofSeconds(5))
                .add("second", context -> {
                    context.started();
                    context.awaitStop();
                    secondAsked.set(System.nanoTime());
                })
                .add("first", context -> {
                    context.started();
                    context.awaitStop();
                    firstAsked.countDown();
                    releaseFirst.await();
                    firstEnded.set(System.nanoTime());
                })
                .stopOrder(List.of("first"), List.of("second"))
                .build();
        java.util.concurrent.CompletableFuture<Outcome> outcome =
                java.util.concurrent.CompletableFuture.supplyAsync(group::run);
        assertTrue(group.awaitReady(Duration.ofSeconds(5)));
        group.requestStop(StopCause.requested("test"));
        assertTrue(firstAsked.await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, secondAsked.get(), "second asked before first ended");
        releaseFirst.countDown();
        Outcome result = outcome.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(secondAsked.get() >= firstEnded.get(), "second asked before first ended");
        assertEquals(MemberResult.Status.STOPPED, result.member("first").status());
        assertEquals(MemberResult.Status.STOPPED, result.member("second").status());
    }

    /** With a stop order, a first stage that never ends still leaves every member asked and interrupted at the deadline. */
    @Test
    void stopOrderStillEndsAtTheDeadline() throws Exception {
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(Duration.ofMillis(300))
                .interruptGrace(Duration.ofMillis(200))
                .add("stuck", context -> {
                    context.started();
                    new java.util.concurrent.CountDownLatch(1).await();
                })
                .add("later", context -> {
                    context.started();
                    context.awaitStop();
                })
                .stopOrder(List.of("stuck"))
                .build();
        java.util.concurrent.CompletableFuture<Outcome> outcome =
                java.util.concurrent.CompletableFuture.supplyAsync(group::run);
        assertTrue(group.awaitReady(Duration.ofSeconds(5)));
        long start = System.nanoTime();
        group.requestStop(StopCause.requested("test"));
        Outcome result = outcome.get(10, java.util.concurrent.TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 290 && millis < 1500, "stop took " + millis + " ms");
        assertEquals(MemberResult.Status.FORCED, result.member("stuck").status());
        assertTrue(result.member("later").status() == MemberResult.Status.STOPPED
                || result.member("later").status() == MemberResult.Status.FORCED, result.toString());
    }

    /** A stop order naming an unknown member, or one member twice, is refused. */
    @Test
    void stopOrderIsValidated() {
        assertThrows(IllegalStateException.class, () -> ServiceGroup.builder().add("a", context -> { })
                .stopOrder(List.of("nobody")).build());
        assertThrows(IllegalArgumentException.class, () -> ServiceGroup.builder().add("a", context -> { })
                .stopOrder(List.of("a"), List.of("a")));
    }
}
