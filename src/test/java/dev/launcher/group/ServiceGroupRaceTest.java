package dev.launcher.group;

import static dev.launcher.group.GroupTesting.PROMPTLY;
import static dev.launcher.group.GroupTesting.SLACK;
import static dev.launcher.group.GroupTesting.await;
import static dev.launcher.group.GroupTesting.between;
import static dev.launcher.group.GroupTesting.get;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.MemberResult.Status.COMPLETED;
import static dev.launcher.group.MemberResult.Status.FAILED;
import static dev.launcher.group.MemberResult.Status.NOT_STARTED;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.launcher.group.GroupTesting.Running;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Racing triggers: requests from several threads, a member failing and a member returning, in seeded random
 * order. A failure message names the seed; rerun with {@code -Drace.seed=<seed>} to replay the same schedules.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceGroupRaceTest {

    private static final int SCHEDULES = 300;
    private static final int REQUESTERS = 3;
    /** Largest random gap a trigger thread parks before firing: 0.3 ms. */
    private static final int MAX_GAP_NANOS = 300_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "trigger");
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** Racing triggers record exactly one cause, one that fired; every member ends; run() returns in time. */
    @Test
    void racingTriggersRecordExactlyOneCause() throws Exception {
        long seed = Long.getLong("race.seed", System.nanoTime());
        Random master = new Random(seed);
        long start = System.nanoTime();
        for (int i = 0; i < SCHEDULES; i++) {
            runTriggerSchedule(new Random(master.nextLong()), "seed " + seed + ", schedule " + i);
        }
        System.out.printf("racing triggers (in-process): %d schedules, seed %d, %d ms in all%n", SCHEDULES, seed,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** A request racing run()'s start-up either ends run() at once with nothing started, or stops every member. */
    @Test
    void requestStopRacingRunStartUp() throws Exception {
        long seed = Long.getLong("race.seed", System.nanoTime());
        Random master = new Random(seed);
        for (int i = 0; i < SCHEDULES; i++) {
            runStartUpSchedule(new Random(master.nextLong()), "seed " + seed + ", schedule " + i);
        }
    }

    private static void runTriggerSchedule(Random random, String where) throws Exception {
        CountDownLatch entered = new CountDownLatch(4);
        CountDownLatch go = new CountDownLatch(1);
        Queue<Thread> memberThreads = new ConcurrentLinkedQueue<>();
        List<StopCause> triggered = Collections.synchronizedList(new ArrayList<>());
        Exception boom = new IllegalStateException("boom");
        long failGap = random.nextInt(MAX_GAP_NANOS);
        long endGap = random.nextInt(MAX_GAP_NANOS);
        boolean readyFirst = random.nextBoolean();
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(TIMEOUT)
                .listener(new GroupListener() {
                    @Override
                    public void stopTriggered(StopCause cause, Duration drainDelay) {
                        triggered.add(cause);
                    }
                })
                .add("s1", ctx -> {
                    memberThreads.add(Thread.currentThread());
                    entered.countDown();
                    ctx.started();
                    ctx.awaitStop();
                })
                .add("w", ctx -> {
                    memberThreads.add(Thread.currentThread());
                    ctx.started();
                    entered.countDown();
                    go.await();
                    LockSupport.parkNanos(failGap);
                    throw boom;
                })
                .add("e", ctx -> {
                    memberThreads.add(Thread.currentThread());
                    ctx.started();
                    entered.countDown();
                    go.await();
                    LockSupport.parkNanos(endGap);
                })
                .add("s2", ctx -> {
                    memberThreads.add(Thread.currentThread());
                    ctx.started();
                    entered.countDown();
                    ctx.awaitStop();
                }).build();
        AtomicBoolean readyAfterStop = new AtomicBoolean();
        List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        for (int k = 0; k < REQUESTERS; k++) {
            StopCause request = StopCause.requested("req-" + k);
            long gap = random.nextInt(MAX_GAP_NANOS);
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                LockSupport.parkNanos(gap);
                boolean won = group.requestStop(request);
                if (group.isReady()) {
                    readyAfterStop.set(true);
                }
                return won;
            }, pool));
        }
        Running running = start(group);
        await(entered, where + ": members running");
        if (readyFirst) {
            assertTrue(group.awaitReady(PROMPTLY), where + ": ready");
        }
        long goAt = System.nanoTime();
        go.countDown();
        Outcome outcome = running.outcome(TIMEOUT.plus(SLACK));
        Duration toReturn = between(goAt, running.returnedAt);
        assertTrue(toReturn.compareTo(TIMEOUT.plusSeconds(1)) <= 0, where + ": run() returned after " + toReturn);
        List<Boolean> won = new ArrayList<>();
        for (CompletableFuture<Boolean> answer : answers) {
            won.add(get(answer, where + ": requester"));
        }
        for (Thread thread : memberThreads) {
            thread.join(PROMPTLY.toMillis());
            assertFalse(thread.isAlive(), where + ": member thread " + thread.getName() + " ended");
        }

        String context = where + ": " + outcome + " requests won " + won;
        StopCause cause = outcome.cause();
        assertSame(cause, group.cause().orElseThrow(), context);
        assertEquals(List.of(cause), triggered, context + ": exactly one stopTriggered");
        switch (cause.kind()) {
            case REQUESTED:
                assertEquals(1, Collections.frequency(won, true), context);
                assertEquals("req-" + won.indexOf(true), cause.source(), context);
                break;
            case MEMBER_FAILED:
                assertFalse(won.contains(true), context);
                assertEquals("w", cause.source(), context);
                assertSame(boom, cause.error().orElseThrow(), context);
                break;
            case MEMBER_ENDED:
                assertFalse(won.contains(true), context);
                assertEquals("e", cause.source(), context);
                assertEquals(COMPLETED, outcome.member("e").status(), context);
                break;
            default:
                fail(context);
        }
        assertEquals(STOPPED, outcome.member("s1").status(), context);
        assertEquals(STOPPED, outcome.member("s2").status(), context);
        assertEquals(FAILED, outcome.member("w").status(), context);
        assertSame(boom, outcome.member("w").error().orElseThrow(), context);
        assertTrue(Set.of(COMPLETED, STOPPED).contains(outcome.member("e").status()), context);
        assertFalse(outcome.missedDeadline(), context);
        assertSame(boom, outcome.failure().orElseThrow().getCause(), context);
        assertFalse(readyAfterStop.get(), context + ": ready after a requestStop returned");
        assertFalse(group.isReady(), context);
        assertEquals(ServiceGroup.State.TERMINATED, group.state(), context);
    }

    private static void runStartUpSchedule(Random random, String where) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        StopCause request = StopCause.requested("req");
        long requestGap = random.nextInt(MAX_GAP_NANOS);
        long runGap = random.nextInt(MAX_GAP_NANOS);
        ServiceGroup group = ServiceGroup.builder().shutdownTimeout(TIMEOUT)
                .add("a", GroupTesting.untilStopped()).add("b", GroupTesting.untilStopped()).build();
        CompletableFuture<Boolean> requested = CompletableFuture.supplyAsync(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            LockSupport.parkNanos(requestGap);
            return group.requestStop(request);
        }, pool);
        CompletableFuture<Outcome> ran = CompletableFuture.supplyAsync(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            LockSupport.parkNanos(runGap);
            return group.run();
        }, pool);
        go.countDown();
        Outcome outcome = get(ran, TIMEOUT.plus(SLACK), where + ": run()");
        String context = where + ": " + outcome;
        assertTrue(get(requested, where + ": requester"), context);
        assertSame(request, outcome.cause(), context);
        List<String> notStarted = outcome.membersWith(NOT_STARTED);
        if (notStarted.isEmpty()) {
            assertEquals(List.of("a", "b"), outcome.membersWith(STOPPED), context);
        } else {
            assertEquals(List.of("a", "b"), notStarted, context);
        }
        assertEquals(ServiceGroup.State.TERMINATED, group.state(), context);
    }
}
