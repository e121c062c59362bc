package dev.launcher.group;

import static dev.launcher.group.GroupTesting.PROMPTLY;
import static dev.launcher.group.GroupTesting.SIGTERM;
import static dev.launcher.group.GroupTesting.SLACK;
import static dev.launcher.group.GroupTesting.await;
import static dev.launcher.group.GroupTesting.between;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.since;
import static dev.launcher.group.GroupTesting.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.Running;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A member's context: awaitStop, timeLeft, cause. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GroupContextTest {

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


    /**
     * With a stop order, a member of a later stage sees no stop request while the stage before it runs, and sees it
     * once that stage has ended; the stop trigger it sees at once.
     */
    @Test
    void contextSeesItsOwnStagesRequest() throws Exception {
        CountDownLatch firstMayEnd = new CountDownLatch(1);
        CompletableFuture<ServiceContext> later = new CompletableFuture<>();
        ServiceGroup group = ServiceGroup.builder()
                .add("first", ctx -> {
                    ctx.started();
                    ctx.awaitStop();
                    firstMayEnd.await();
                })
                .add("second", ctx -> {
                    later.complete(ctx);
                    ctx.started();
                    ctx.awaitStop();
                })
                .stopOrder(List.of("first"), List.of("second")).build();
        Running running = start(group);
        running.awaitReady();
        ServiceContext second = get(later, "second's context");
        group.requestStop(SIGTERM);
        assertTrue(second.isStopTriggered());
        assertFalse(second.awaitStop(Duration.ofMillis(50)), "the first stage still runs");
        assertEquals(ServiceGroup.State.STOPPING, group.state());
        firstMayEnd.countDown();
        assertTrue(second.awaitStop(PROMPTLY), "asked once the first stage ended");
        assertEquals(List.of("first", "second"), running.outcome().membersWith(MemberResult.Status.STOPPED));
    }
}
