package dev.launcher.group;

import static dev.launcher.group.GroupTesting.PROMPTLY;
import static dev.launcher.group.GroupTesting.SIGTERM;
import static dev.launcher.group.GroupTesting.SLACK;
import static dev.launcher.group.GroupTesting.await;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.GroupTesting.untilStopped;
import static dev.launcher.group.MemberResult.Status.FAILED;
import static dev.launcher.group.MemberResult.Status.FORCED;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.Running;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Asking the members to stop: concurrently, or stage by stage with a stop order. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GroupStopOrderTest {

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
