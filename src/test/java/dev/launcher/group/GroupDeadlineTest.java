package dev.launcher.group;

import static dev.launcher.group.GroupTesting.PROMPTLY;
import static dev.launcher.group.GroupTesting.SIGTERM;
import static dev.launcher.group.GroupTesting.SLACK;
import static dev.launcher.group.GroupTesting.await;
import static dev.launcher.group.GroupTesting.awaitIgnoringInterrupts;
import static dev.launcher.group.GroupTesting.between;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.GroupTesting.untilStopped;
import static dev.launcher.group.MemberResult.Status.ABANDONED;
import static dev.launcher.group.MemberResult.Status.FORCED;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.RecordingListener;
import dev.launcher.group.GroupTesting.Running;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The deadline: stragglers interrupted (FORCED), then abandoned after the grace (ABANDONED). */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GroupDeadlineTest {

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
        Duration stubbornStop = outcome.member("stubborn").stopTime().orElseThrow();
        assertTrue(stubbornStop.compareTo(timeout) >= 0, outcome.toString());
        assertTrue(stubbornStop.compareTo(timeout.plus(SLACK)) <= 0, outcome.toString());
        assertEquals(STOPPED, outcome.member("polite").status());
        assertTrue(outcome.missedDeadline());
        assertFalse(outcome.hasFailure());
        assertTrue(outcome.failure().isEmpty());
        assertEquals(List.of(List.of("stubborn")), listener.deadlinePassed);
        // interrupted no sooner than the deadline
        Duration toInterrupt = between(t0, get(interruptedAt, "interrupt"));
        assertTrue(toInterrupt.compareTo(timeout) >= 0, "interrupted after " + toInterrupt);
        assertTrue(toInterrupt.compareTo(timeout.plus(SLACK)) <= 0, "interrupted after " + toInterrupt);
        Duration leftThen = get(timeLeftThen, "time left");
        assertTrue(leftThen.compareTo(Duration.ZERO) <= 0, "time left " + leftThen);
        assertTrue(leftThen.compareTo(SLACK.negated()) >= 0, "time left " + leftThen);
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
            assertTrue(outcome.stopTime().compareTo(toReturn) <= 0, outcome.toString());
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

    /** A timeout too long for a long of nanoseconds means "wait without limit", not an ArithmeticException. */
    @Test
    void hugeTimeoutsDoNotOverflow() throws Exception {
        ServiceGroup group = ServiceGroup.builder().add("w", ctx -> { }).build();
        Outcome outcome = group.run();
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        assertSame(outcome, group.awaitOutcome(forever).orElseThrow());
        assertFalse(group.awaitReady(forever));
    }
}
