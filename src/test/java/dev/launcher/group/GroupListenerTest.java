package dev.launcher.group;

import static dev.launcher.group.GroupTesting.PROMPTLY;
import static dev.launcher.group.GroupTesting.SIGTERM;
import static dev.launcher.group.GroupTesting.SLACK;
import static dev.launcher.group.GroupTesting.await;
import static dev.launcher.group.GroupTesting.awaitIgnoringInterrupts;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.since;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.GroupTesting.untilStopped;
import static dev.launcher.group.MemberResult.Status.ABANDONED;
import static dev.launcher.group.MemberResult.Status.FORCED;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.RecordingListener;
import dev.launcher.group.GroupTesting.Running;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The listener: which events, on which thread, and that a throwing listener breaks nothing. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GroupListenerTest {

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
        Duration left = listener.stopRequested.get(0);
        assertTrue(left.compareTo(timeout.minus(drain)) <= 0, "time left " + left);
        assertTrue(left.compareTo(timeout.minus(drain).minus(SLACK)) >= 0, "time left " + left);
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

    /** Records the events during which another thread could not read the group's state: the lock was held. */
    private static final class LockProbe implements GroupListener {
        final List<String> blocked = Collections.synchronizedList(new ArrayList<>());
        volatile ServiceGroup group;

        private void probe(String event) {
            try {
                CompletableFuture.supplyAsync(() -> group.state()).get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                blocked.add(event);
            }
        }

        @Override
        public void memberStarted(String member) {
            probe("memberStarted");
        }

        @Override
        public void ready(Duration startTime) {
            probe("ready");
        }

        @Override
        public void stopTriggered(StopCause cause, Duration drainDelay) {
            probe("stopTriggered");
        }

        @Override
        public void stopRequested(Duration timeLeft) {
            probe("stopRequested");
        }

        @Override
        public void deadlinePassed(List<String> stragglers) {
            probe("deadlinePassed");
        }

        @Override
        public void memberEnded(MemberResult result) {
            probe("memberEnded " + result.name());
        }
    }

    /** No event is delivered under the group's lock: on a stop through the deadline to an abandoned member. */
    @Test
    void eventsAreNeverDeliveredUnderTheLock() throws Exception {
        LockProbe probe = new LockProbe();
        CountDownLatch release = new CountDownLatch(1);
        probe.group = ServiceGroup.builder().shutdownTimeout(Duration.ofMillis(100))
                .interruptGrace(Duration.ofMillis(100)).listener(probe)
                .add("polite", untilStopped())
                .add("stuck", ctx -> {
                    ctx.started();
                    awaitIgnoringInterrupts(release);
                }).build();
        Running running = start(probe.group);
        running.awaitReady();
        probe.group.requestStop(SIGTERM);
        Outcome outcome = running.outcome();
        release.countDown();
        assertEquals(ABANDONED, outcome.member("stuck").status());
        assertEquals(List.of(), probe.blocked);
    }

    /** No event is delivered under the group's lock when the stop came before run(). */
    @Test
    void theEarlyStopEventIsNotDeliveredUnderTheLock() {
        LockProbe probe = new LockProbe();
        probe.group = ServiceGroup.builder().listener(probe).add("a", untilStopped()).build();
        probe.group.requestStop(SIGTERM);
        probe.group.run();
        assertEquals(List.of(), probe.blocked);
    }
}
