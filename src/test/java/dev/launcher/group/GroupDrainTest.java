package dev.launcher.group;

import static dev.launcher.group.GroupTesting.SIGTERM;
import static dev.launcher.group.GroupTesting.SLACK;
import static dev.launcher.group.GroupTesting.await;
import static dev.launcher.group.GroupTesting.between;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.returnsWhen;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.GroupTesting.throwsWhen;
import static dev.launcher.group.MemberResult.Status.COMPLETED;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.RecordingListener;
import dev.launcher.group.GroupTesting.Running;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The drain delay: after a requested stop, members keep running before they are asked to stop. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GroupDrainTest {

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
}
