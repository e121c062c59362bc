package dev.launcher.group;

import static dev.launcher.group.GroupTesting.PROMPTLY;
import static dev.launcher.group.GroupTesting.SIGTERM;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.returnsWhen;
import static dev.launcher.group.GroupTesting.since;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.GroupTesting.throwsWhen;
import static dev.launcher.group.GroupTesting.untilStopped;
import static dev.launcher.group.MemberResult.Status.COMPLETED;
import static dev.launcher.group.MemberResult.Status.FAILED;
import static dev.launcher.group.MemberResult.Status.NOT_STARTED;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.RecordingListener;
import dev.launcher.group.GroupTesting.Running;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a stop is triggered: one ends, all end; requestStop; the first trigger wins; an interrupted run(). */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GroupTriggerTest {

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
}
