package dev.launcher.group;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs named {@link Service members}, each on its own thread, and stops them all together.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li><b>One ends, all end.</b> The first member to return — normally or by throwing — triggers the stop of all
 *       the others; so does {@link #requestStop}. Only the first trigger counts: it is the {@link Outcome#cause()}.
 *       Members returning during the stop do not replace it.</li>
 *   <li><b>The stop sequence</b>, all on one deadline ({@code shutdownTimeout}, counted from the trigger):
 *     <ol>
 *       <li>the group stops being {@linkplain #isReady() ready};</li>
 *       <li>if the stop was {@linkplain StopCause.Kind#REQUESTED requested}, members keep running for the
 *           {@code drainDelay} (it ends early if every member has ended) — time for a load balancer to notice;</li>
 *       <li>every member is asked to stop ({@link ServiceContext#isStopRequested()}), and they stop
 *           concurrently — or stage by stage, if a {@linkplain ServiceGroupBuilder#stopOrder stop order} is set;</li>
 *       <li>at the deadline, the members still running are interrupted;</li>
 *       <li>after the {@code interruptGrace}, those still running are abandoned: named in the outcome as
 *           {@link MemberResult.Status#ABANDONED}, their threads (daemon threads) left behind.</li>
 *     </ol>
 *     So {@link #run()} returns at the latest {@code shutdownTimeout + interruptGrace} after the trigger.</li>
 *   <li><b>Readiness</b>: the group is ready from the moment every member has called
 *       {@link ServiceContext#started()} until the stop is triggered.</li>
 * </ul>
 *
 * <h2>Use</h2>
 * <pre>{@code
 * ServiceGroup group = ServiceGroup.builder()
 *         .shutdownTimeout(Duration.ofSeconds(5))
 *         .add("http", httpService)
 *         .add("worker", worker)
 *         .build();
 * Outcome outcome = group.run();   // blocks until every member ended or was abandoned
 * }</pre>
 * A group runs once: a second {@link #run()} throws {@link IllegalStateException}. A stop requested before
 * {@code run()} makes {@code run()} return at once with every member {@link MemberResult.Status#NOT_STARTED}.
 * Every other method may be called from any thread at any time. A member that throws is not propagated: its error
 * is in the outcome ({@link Outcome#failure()}).
 */
public final class ServiceGroup {

    /** The group's life, in order; it only moves forward. */
    public enum State {
        /** Built, {@link #run()} not called yet. */
        NEW,
        /** Members are running, not all have started. */
        STARTING,
        /** Every member has started; the group is ready. */
        RUNNING,
        /** The stop is triggered; members keep running through the drain delay. */
        DRAINING,
        /** Members are asked to stop. */
        STOPPING,
        /** Every member ended or was abandoned; the outcome is known. */
        TERMINATED
    }

    /** The shutdown timeout when none is set: 5 seconds. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** The grace after the interrupt when none is set: 500 milliseconds. */
    public static final Duration DEFAULT_INTERRUPT_GRACE = Duration.ofMillis(500);
    /** The requester recorded when the thread in {@link #run()} is interrupted. */
    public static final String INTERRUPTED = "interrupted";

    private final List<Member> members;
    private final List<List<Member>> stages;
    private final Duration shutdownTimeout;
    private final Duration drainDelay;
    private final Duration interruptGrace;
    private final GroupListener listener;

    private final GroupLock lock = new GroupLock();
    // guarded by lock
    private State state = State.NEW;
    /** The first trigger, null before it; written under the lock, read without it by {@link #isStopTriggered()}. */
    private volatile StopCause cause;
    private long runStartedAt;
    private long triggeredAt;
    private Instant triggeredInstant;
    /** How many stages, first to last, have been asked to stop. */
    private int stagesAsked;
    private int startedCount;
    private final List<MemberResult> unreported = new ArrayList<>();
    private Outcome outcome;
    // the run thread's own
    private boolean runInterrupted;

    ServiceGroup(ServiceGroupBuilder builder) {
        this.shutdownTimeout = builder.shutdownTimeout;
        this.drainDelay = builder.drainDelay;
        this.interruptGrace = builder.interruptGrace;
        this.listener = builder.listener;
        List<List<String>> order = builder.stages();
        List<Member> all = new ArrayList<>();
        for (int i = 0; i < builder.names.size(); i++) {
            String name = builder.names.get(i);
            int stage = (int) order.stream().takeWhile(names -> !names.contains(name)).count();
            all.add(new Member(name, builder.services.get(i), stage, this, lock));
        }
        this.members = List.copyOf(all);
        this.stages = order.stream().map(names -> all.stream().filter(m -> names.contains(m.name)).toList()).toList();
        if (builder.handle != null) {
            builder.handle.bind(this);
        }
    }

    /** {@return a new builder} */
    public static ServiceGroupBuilder builder() {
        return new ServiceGroupBuilder();
    }

    /**
     * Runs every member until the group stops, then returns how it stopped. Blocks the calling thread.
     *
     * <p>If the calling thread is interrupted, the group stops with cause {@value #INTERRUPTED} and {@code run}
     * still returns the outcome, with the thread's interrupt status set.
     *
     * @return the outcome; never null
     * @throws IllegalStateException if the group has already been run
     */
    public Outcome run() {
        if (startAll()) {                      // 1. start every member, unless a stop came first
            StopCause first = awaitTrigger();  // 2. wait for the first trigger
            drain(first);                      // 3. a requested stop keeps serving through the drain delay
            stopStageByStage();                // 4. ask the members to stop, each stage once the one before ended
            interruptStragglers();             // 5. at the deadline, interrupt those still running; wait the grace
        }
        Outcome result = collect();            // 6. abandon the rest; the outcome
        if (runInterrupted) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /**
     * Triggers the stop of the group, if nothing has triggered it yet. Idempotent, never blocks, safe from any
     * thread, including signal handlers and the members themselves.
     *
     * @param cause why; recorded only if this is the first trigger
     * @return true if this call triggered the stop, false if it had been triggered already
     */
    public boolean requestStop(StopCause cause) {
        Objects.requireNonNull(cause, "cause");
        return lock.read(() -> {
            if (this.cause != null) {
                return false;
            }
            this.cause = cause;
            triggeredAt = System.nanoTime();
            triggeredInstant = Instant.now();
            if (state == State.STARTING || state == State.RUNNING) {
                moveTo(State.DRAINING);
            }
            lock.signalAll();
            return true;
        });
    }

    /** {@return the current state} */
    public State state() {
        return lock.read(() -> state);
    }

    /** {@return true while every member has started and no stop has been triggered} */
    public boolean isReady() {
        return state() == State.RUNNING;
    }

    /** {@return true from the moment a stop is triggered; a volatile read, as {@link ServiceContext#isStopTriggered()}} */
    public boolean isStopTriggered() {
        return cause != null;
    }

    /**
     * Waits until the group is ready, or can no longer become ready (a stop was triggered), or the timeout passes.
     *
     * @param timeout how long to wait at most
     * @return true if the group is ready
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        lock.await(() -> state != State.NEW && state != State.STARTING || cause != null,
                GroupLock.deadlineAfter(timeout));
        return isReady();
    }

    /** {@return the stop's cause; empty until a stop is triggered} */
    public Optional<StopCause> cause() {
        return Optional.ofNullable(cause);
    }

    /** {@return when the stop was triggered (wall clock); empty until then} */
    public Optional<Instant> stopTriggeredAt() {
        return lock.read(() -> Optional.ofNullable(triggeredInstant));
    }

    /**
     * Waits until {@link #run()} has finished, or the timeout passes.
     *
     * @param timeout how long to wait at most
     * @return the outcome, or empty if the group has not terminated within the timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public Optional<Outcome> awaitOutcome(Duration timeout) throws InterruptedException {
        lock.await(() -> outcome != null, GroupLock.deadlineAfter(timeout));
        return lock.read(() -> Optional.ofNullable(outcome));
    }

    /** {@return the shutdown timeout: from the trigger to the interrupt of the stragglers} */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** {@return the members' names, in the order they were added} */
    public List<String> memberNames() {
        return members.stream().map(member -> member.name).toList();
    }

    /** {@code ServiceGroup[a, b] [STATE]}. */
    @Override
    public String toString() {
        return "ServiceGroup" + memberNames() + " [" + state() + "]";
    }

    // ---- the steps of run() ----

    /** Moves to STARTING and starts every member's thread; or, if a stop came before run(), reports it. */
    private boolean startAll() {
        StopCause early = lock.read(() -> {
            if (state != State.NEW) {
                throw new IllegalStateException("ServiceGroup" + memberNames() + " [" + state
                        + "]: run() may be called only once");
            }
            runStartedAt = System.nanoTime();
            if (cause == null) {
                moveTo(State.STARTING);
            }
            return cause;
        });
        if (early != null) {
            notifyListener(() -> listener.stopTriggered(early, Duration.ZERO));
            return false;
        }
        members.forEach(Member::start);
        return true;
    }

    private StopCause awaitTrigger() {
        runWait(() -> cause != null, GroupLock.FOREVER);
        StopCause first = cause;
        notifyListener(() -> listener.stopTriggered(first, drainDelayFor(first)));
        return first;
    }

    private void drain(StopCause first) {
        if (!drainDelayFor(first).isZero()) {
            long end = lock.read(() -> triggeredAt) + drainDelay.toNanos();
            runWait(this::allEnded, end);
        }
    }

    private void stopStageByStage() {
        long deadline = lock.read(this::deadline);
        for (int stage = 0; stage < stages.size(); stage++) {
            List<Member> asked = stages.get(stage);
            int through = stage + 1;
            lock.run(() -> askStages(through));
            if (stage == 0) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                notifyListener(() -> listener.stopRequested(left));
            }
            runWait(() -> asked.stream().allMatch(Member::ended), deadline);
        }
    }

    private void interruptStragglers() {
        List<Member> stragglers = lock.read(() -> {
            askStages(stages.size());
            return members.stream().filter(Member::markInterrupted).toList();
        });
        if (!stragglers.isEmpty()) {
            notifyListener(() -> listener.deadlinePassed(stragglers.stream().map(m -> m.name).toList()));
            stragglers.forEach(Member::interrupt);
            runWait(this::allEnded, GroupLock.deadlineAfter(interruptGrace));
        }
    }

    /** Builds the outcome (members still running are abandoned), moves to TERMINATED, reports the last ends. */
    private Outcome collect() {
        Outcome result = lock.read(() -> {
            long now = System.nanoTime();
            long lastEnd = members.stream().flatMap(m -> m.lastMoment(now).stream()).reduce(triggeredAt, Math::max);
            outcome = Outcome.of(cause, members.stream().map(Member::result).toList(),
                    Duration.ofNanos(lastEnd - triggeredAt), shutdownTimeout);
            moveTo(State.TERMINATED);
            return outcome;
        });
        reportEnded();
        result.members().values().stream().filter(member -> member.status() == MemberResult.Status.ABANDONED)
                .forEach(member -> notifyListener(() -> listener.memberEnded(member)));
        return result;
    }

    // ---- what members report, on their threads ----

    /** A member called {@link ServiceContext#started()}: the first call is heard, and may make the group ready. */
    void memberStarted(Member member) {
        State now = lock.read(() -> {
            if (!member.markStarted()) {
                return null;
            }
            if (++startedCount == members.size() && state == State.STARTING) {
                moveTo(State.RUNNING);
            }
            return state;
        });
        if (now != null) {
            notifyListener(() -> listener.memberStarted(member.name));
        }
        if (now == State.RUNNING) {   // only the last first report finds the group RUNNING
            Duration startTime = Duration.ofNanos(System.nanoTime() - runStartedAt);
            notifyListener(() -> listener.ready(startTime));
        }
    }

    /** A member returned ({@code failure} null) or threw: its result is fixed, then the stop is triggered. */
    void memberEnded(Member member, Throwable failure) {
        lock.run(() -> {
            long now = System.nanoTime();
            Duration stopTime = cause == null ? null : Duration.ofNanos(Math.max(0, now - triggeredAt));
            unreported.add(member.end(failure, isAsked(member), stopTime, now));
        });
        requestStop(failure == null ? StopCause.memberEnded(member.name) : StopCause.memberFailed(member.name, failure));
    }

    /** {@return true once the member's stage has been asked to stop} Called with the lock held. */
    boolean isAsked(Member member) {
        return member.stage < stagesAsked;
    }

    /** {@return the time left until the deadline; empty before the trigger} */
    Optional<Duration> timeLeft() {
        return lock.read(() -> cause == null ? Optional.empty()
                : Optional.of(Duration.ofNanos(deadline() - System.nanoTime())));
    }

    // ---- internals ----

    /** The one place the state changes; called with the lock held. */
    private void moveTo(State next) {
        boolean allowed = switch (state) {
            case NEW -> next == State.STARTING || next == State.TERMINATED;
            case STARTING -> next == State.RUNNING || next == State.DRAINING;
            case RUNNING -> next == State.DRAINING;
            case DRAINING -> next == State.STOPPING;
            case STOPPING -> next == State.TERMINATED;
            case TERMINATED -> false;
        };
        if (!allowed) {
            throw new AssertionError(state + " -> " + next);
        }
        state = next;
        lock.signalAll();
    }

    /** Asks the first {@code count} stages to stop; called with the lock held. */
    private void askStages(int count) {
        stagesAsked = Math.max(stagesAsked, count);
        if (state == State.DRAINING) {
            moveTo(State.STOPPING);
        }
        lock.signalAll();
    }

    /** The drain delay for this trigger: the configured one for a requested stop, else none. */
    private Duration drainDelayFor(StopCause first) {
        return first.kind() == StopCause.Kind.REQUESTED ? drainDelay : Duration.ZERO;
    }

    /** The stop deadline as a {@link System#nanoTime()} value; called with the lock held, after the trigger. */
    private long deadline() {
        return triggeredAt + shutdownTimeout.toNanos();
    }

    /** Called with the lock held. */
    private boolean allEnded() {
        return members.stream().allMatch(Member::ended);
    }

    /**
     * A wait of {@link #run()}: until the condition holds or the deadline passes, reporting members' ends to the
     * listener (outside the lock) as they come. An interrupt is remembered, requests the stop, and the wait goes on.
     */
    private void runWait(BooleanSupplier condition, long deadline) {
        while (true) {
            boolean done = lock.read(() -> {
                try {
                    while (!condition.getAsBoolean() && unreported.isEmpty() && lock.awaitChange(deadline)) {
                        // a change came: check again
                    }
                } catch (InterruptedException e) {
                    runInterrupted = true;
                    requestStop(StopCause.requested(INTERRUPTED));   // a no-op unless it is the first trigger
                }
                return condition.getAsBoolean() || GroupLock.passed(deadline);
            });
            reportEnded();
            if (done) {
                return;
            }
        }
    }

    /** Reports the members that ended since the last report. */
    private void reportEnded() {
        List<MemberResult> fresh = lock.read(() -> {
            List<MemberResult> taken = List.copyOf(unreported);
            unreported.clear();
            return taken;
        });
        fresh.forEach(result -> notifyListener(() -> listener.memberEnded(result)));
    }

    /** Delivers one listener event: never with the lock held; what the listener throws is ignored. */
    private void notifyListener(Runnable call) {
        if (lock.isHeld()) {
            throw new AssertionError("a listener event under the lock");
        }
        try {
            call.run();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable ignored) {
            // a listener must not break the group
        }
    }
}
