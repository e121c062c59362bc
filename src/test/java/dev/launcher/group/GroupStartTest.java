package dev.launcher.group;

import static dev.launcher.group.GroupTesting.SIGTERM;
import static dev.launcher.group.GroupTesting.SLACK;
import static dev.launcher.group.GroupTesting.await;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.since;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.GroupTesting.untilStopped;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.RecordingListener;
import dev.launcher.group.GroupTesting.Running;
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

/** Start-up and readiness, the state, run once, the outcome after run(). */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GroupStartTest {

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
}
