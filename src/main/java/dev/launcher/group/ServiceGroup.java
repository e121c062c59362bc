package dev.launcher.group;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 *           concurrently — or stage by stage, if a {@linkplain Builder#stopOrder stop order} is set;</li>
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
 * Every other method may be called from any thread at any time.
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

    private final List<Member> members;
    private final List<List<Member>> stages;
    private final Duration shutdownTimeout;
    private final Duration drainDelay;
    private final Duration interruptGrace;
    private final GroupListener listener;

    /** A deadline that never comes. */
    private static final long FOREVER = Long.MAX_VALUE;
    /** Waits this long or longer are waits without a deadline (about 100 years). */
    private static final Duration MAX_WAIT = Duration.ofDays(36_500);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private State state = State.NEW;
    private StopCause cause;
    /** Set with {@code cause}, under the lock; read without it ({@link ServiceContext#isStopTriggered()}). */
    private volatile boolean triggered;
    private long runStartedAt;
    private long triggeredAt;
    private Instant triggeredInstant;
    private long deadline;
    private int startedCount;
    private int endedCount;
    private Outcome outcome;
    private final List<Member> endOrder = new ArrayList<>();

    private ServiceGroup(Builder builder) {
        this.shutdownTimeout = builder.shutdownTimeout;
        this.drainDelay = builder.drainDelay;
        this.interruptGrace = builder.interruptGrace;
        this.listener = builder.listener;
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < builder.names.size(); i++) {
            list.add(new Member(builder.names.get(i), builder.services.get(i)));
        }
        this.members = List.copyOf(list);
        this.stages = stagesOf(builder.stopOrder, list);
    }

    /** The stop stages: the members named in each stage, then one last stage of everyone else. */
    private static List<List<Member>> stagesOf(List<List<String>> order, List<Member> members) {
        List<List<Member>> stages = new ArrayList<>();
        List<Member> rest = new ArrayList<>(members);
        for (List<String> names : order) {
            List<Member> stage = new ArrayList<>();
            for (Member member : members) {
                if (names.contains(member.name)) {
                    stage.add(member);
                    rest.remove(member);
                }
            }
            stages.add(List.copyOf(stage));
        }
        if (!rest.isEmpty()) {
            stages.add(List.copyOf(rest));
        }
        return List.copyOf(stages);
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs every member until the group stops, then returns how it stopped. Blocks the calling thread.
     *
     * <p>If the calling thread is interrupted, the group stops with cause {@code interrupted} and {@code run}
     * still returns the outcome, with the thread's interrupt status set.
     *
     * @return the outcome; never null
     * @throws IllegalStateException if the group has already been run
     */
    public Outcome run() {
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException(this + ": run() may be called only once");
            }
            runStartedAt = System.nanoTime();
            if (cause != null) {
                Outcome early = terminate(System.nanoTime());
                StopCause first = cause;
                notifyListener(() -> listener.stopTriggered(first, Duration.ZERO));
                return early;
            }
            state = State.STARTING;
        } finally {
            lock.unlock();
        }
        // run each member
        for (Member member : members) {
            member.start();
        }
        Waiter waiter = new Waiter();
        // wait for the first trigger
        waiter.await(() -> cause != null, FOREVER);
        StopCause first = cause().orElseThrow();
        Duration delay = first.kind() == StopCause.Kind.REQUESTED ? drainDelay : Duration.ZERO;
        notifyListener(() -> listener.stopTriggered(first, delay));
        // keep serving through the drain delay
        if (!delay.isZero()) {
            waiter.await(this::allEnded, triggeredAt + delay.toNanos());
        }
        // ask the members to stop, stage by stage, each stage once the one before has ended
        for (int stage = 0; stage < stages.size(); stage++) {
            List<Member> asked = stages.get(stage);
            long left;
            lock.lock();
            try {
                asked.forEach(member -> member.stopAsked = true);
                state = State.STOPPING;
                changed.signalAll();
                left = deadline - System.nanoTime();
            } finally {
                lock.unlock();
            }
            if (stage == 0) {
                notifyListener(() -> listener.stopRequested(Duration.ofNanos(Math.max(0, left))));
            }
            waiter.await(() -> asked.stream().allMatch(member -> member.ended), deadline);
        }
        // interrupt the stragglers, give them a grace
        List<Member> stragglers = new ArrayList<>();
        lock.lock();
        try {
            for (Member member : members) {
                member.stopAsked = true;
                if (!member.ended) {
                    member.interruptedByGroup = true;
                    stragglers.add(member);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (!stragglers.isEmpty()) {
            List<String> names = new ArrayList<>();
            stragglers.forEach(m -> names.add(m.name));
            notifyListener(() -> listener.deadlinePassed(List.copyOf(names)));
            stragglers.forEach(m -> m.thread.interrupt());
            waiter.await(this::allEnded, deadlineAfter(interruptGrace));
        }
        Outcome result;
        lock.lock();
        try {
            result = terminate(System.nanoTime());
        } finally {
            lock.unlock();
        }
        waiter.reportEnded();
        for (MemberResult member : result.members().values()) {
            if (member.status() == MemberResult.Status.ABANDONED) {
                notifyListener(() -> listener.memberEnded(member));
            }
        }
        if (waiter.interrupted) {
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
        return trigger(Objects.requireNonNull(cause, "cause"));
    }

    /** {@return the current state} */
    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** {@return true while every member has started and no stop has been triggered} */
    public boolean isReady() {
        return state() == State.RUNNING;
    }

    /**
     * Waits until the group is ready, or can no longer become ready (a stop was triggered), or the timeout passes.
     *
     * @param timeout how long to wait at most
     * @return true if the group is ready
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        await(() -> state.compareTo(State.RUNNING) >= 0 || cause != null, deadlineAfter(timeout));
        return isReady();
    }

    /** {@return the stop's cause; empty until a stop is triggered} */
    public Optional<StopCause> cause() {
        lock.lock();
        try {
            return Optional.ofNullable(cause);
        } finally {
            lock.unlock();
        }
    }

    /** {@return when the stop was triggered (wall clock); empty until then} */
    public Optional<Instant> stopTriggeredAt() {
        lock.lock();
        try {
            return Optional.ofNullable(triggeredInstant);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@link #run()} has finished, or the timeout passes.
     *
     * @param timeout how long to wait at most
     * @return the outcome, or empty if the group has not terminated within the timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public Optional<Outcome> awaitOutcome(Duration timeout) throws InterruptedException {
        await(() -> outcome != null, deadlineAfter(timeout));
        lock.lock();
        try {
            return Optional.ofNullable(outcome);
        } finally {
            lock.unlock();
        }
    }

    /** {@return the shutdown timeout: from the trigger to the interrupt of the stragglers} */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** {@return the members' names, in the order they were added} */
    public List<String> memberNames() {
        List<String> names = new ArrayList<>();
        members.forEach(m -> names.add(m.name));
        return List.copyOf(names);
    }

    /** {@code ServiceGroup[a, b] [STATE]}. */
    @Override
    public String toString() {
        return "ServiceGroup" + memberNames() + " [" + state() + "]";
    }

    // ---- internals ----

    private boolean trigger(StopCause newCause) {
        lock.lock();
        try {
            if (cause != null) {
                return false;
            }
            cause = newCause;
            triggered = true;
            triggeredAt = System.nanoTime();
            triggeredInstant = Instant.now();
            deadline = triggeredAt + shutdownTimeout.toNanos();
            if (state == State.STARTING || state == State.RUNNING) {
                state = State.DRAINING;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Builds the outcome and moves to TERMINATED; called with the lock held. */
    private Outcome terminate(long now) {
        List<MemberResult> results = new ArrayList<>();
        for (Member member : members) {
            results.add(member.result());
        }
        long stopNanos = lastEnd(now) - triggeredAt;
        outcome = new Outcome(cause, results, Duration.ofNanos(stopNanos), shutdownTimeout);
        state = State.TERMINATED;
        changed.signalAll();
        return outcome;
    }

    private long lastEnd(long now) {
        long last = triggeredAt;
        for (Member member : members) {
            if (member.startedThread) {
                last = Math.max(last, member.ended ? member.endedAt : now);
            }
        }
        return last;
    }

    /** Whether every member has ended; called with the lock held. */
    private boolean allEnded() {
        return endedCount == members.size();
    }

    /** Waits until the condition holds or the deadline ({@link #FOREVER} for none) passes. */
    private void await(BooleanSupplier condition, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                if (deadlineNanos == FOREVER) {
                    changed.await();
                    continue;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The waits of {@link #run()}: they ignore interrupts (remembering them; the first one requests the stop) and
     * report members' ends to the listener, from the run thread, as they happen — so every event is reported
     * before run() returns.
     */
    private final class Waiter {
        boolean interrupted;
        private int reported;

        void await(BooleanSupplier condition, long deadlineNanos) {
            while (true) {
                try {
                    ServiceGroup.this.await(() -> condition.getAsBoolean() || endOrder.size() > reported,
                            deadlineNanos);
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        requestStop(StopCause.requested("interrupted"));
                    }
                    continue;
                }
                reportEnded();
                lock.lock();
                try {
                    if (condition.getAsBoolean()
                            || deadlineNanos != FOREVER && deadlineNanos - System.nanoTime() <= 0) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            }
        }

        /** Reports the members that ended since the last report. */
        void reportEnded() {
            List<MemberResult> fresh = new ArrayList<>();
            lock.lock();
            try {
                while (reported < endOrder.size()) {
                    fresh.add(endOrder.get(reported++).result());
                }
            } finally {
                lock.unlock();
            }
            fresh.forEach(result -> notifyListener(() -> listener.memberEnded(result)));
        }
    }

    /** A deadline {@code timeout} from now, saturating at {@link #FOREVER}. */
    private static long deadlineAfter(Duration timeout) {
        if (timeout.compareTo(MAX_WAIT) >= 0) {
            return FOREVER;
        }
        return System.nanoTime() + Math.max(0, timeout.toNanos());
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable ignored) {
            // a listener must not break the group
        }
    }

    /** One member: its thread, its context, and how it ended. Fields guarded by the group's lock. */
    private final class Member implements ServiceContext {
        final String name;
        final Service service;
        final Thread thread;
        boolean startedThread;
        boolean started;
        boolean ended;
        long endedAt;
        Throwable error;
        boolean stopAsked;
        boolean stopAskedAtEnd;
        boolean interruptedByGroup;
        boolean interruptedAtEnd;

        Member(String name, Service service) {
            this.name = name;
            this.service = service;
            this.thread = new Thread(this::runService, name);
            this.thread.setDaemon(true);
        }

        void start() {
            lock.lock();
            try {
                startedThread = true;
            } finally {
                lock.unlock();
            }
            thread.start();
        }

        private void runService() {
            Throwable failure = null;
            try {
                service.run(this);
            } catch (Throwable t) {
                failure = t;
            }
            end(failure);
        }

        private void end(Throwable failure) {
            lock.lock();
            try {
                ended = true;
                endedAt = System.nanoTime();
                error = failure;
                stopAskedAtEnd = stopAsked;
                interruptedAtEnd = interruptedByGroup;
                endedCount++;
                endOrder.add(this);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            trigger(failure == null ? StopCause.memberEnded(name) : StopCause.memberFailed(name, failure));
        }

        /** This member's result as of now; called with the lock held. */
        MemberResult result() {
            if (!startedThread) {
                return new MemberResult(name, MemberResult.Status.NOT_STARTED, null, null);
            }
            if (!ended) {
                return new MemberResult(name, MemberResult.Status.ABANDONED, null, null);
            }
            Duration stopTime = cause != null && endedAt >= triggeredAt
                    ? Duration.ofNanos(endedAt - triggeredAt) : null;
            MemberResult.Status status;
            if (interruptedAtEnd) {
                status = MemberResult.Status.FORCED;
            } else if (error != null) {
                status = MemberResult.Status.FAILED;
            } else if (!stopAskedAtEnd) {
                status = MemberResult.Status.COMPLETED;
            } else {
                status = MemberResult.Status.STOPPED;
            }
            return new MemberResult(name, status, error, stopTime);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void started() {
            boolean nowReady = false;
            lock.lock();
            try {
                if (started) {
                    return;
                }
                started = true;
                startedCount++;
                if (startedCount == members.size() && state == State.STARTING) {
                    state = State.RUNNING;
                    nowReady = true;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            notifyListener(() -> listener.memberStarted(name));
            if (nowReady) {
                Duration startTime = Duration.ofNanos(System.nanoTime() - runStartedAt);
                notifyListener(() -> listener.ready(startTime));
            }
        }

        @Override
        public boolean isStopTriggered() {
            return triggered;
        }

        @Override
        public boolean isStopRequested() {
            lock.lock();
            try {
                return stopAsked;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void awaitStop() throws InterruptedException {
            await(() -> stopAsked, FOREVER);
        }

        @Override
        public boolean awaitStop(Duration timeout) throws InterruptedException {
            await(() -> stopAsked, deadlineAfter(timeout));
            return isStopRequested();
        }

        @Override
        public Optional<Duration> timeLeft() {
            return deadline().map(d -> Duration.ofNanos(d - System.nanoTime()));
        }

        @Override
        public Optional<Long> deadline() {
            lock.lock();
            try {
                return cause == null ? Optional.empty() : Optional.of(ServiceGroup.this.deadline);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Optional<StopCause> cause() {
            return ServiceGroup.this.cause();
        }

        @Override
        public boolean requestStop(StopCause stopCause) {
            return ServiceGroup.this.requestStop(stopCause);
        }

        @Override
        public boolean isGroupReady() {
            return isReady();
        }
    }

    /** Builds a {@link ServiceGroup}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Service> services = new ArrayList<>();
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration drainDelay = Duration.ZERO;
        private Duration interruptGrace = DEFAULT_INTERRUPT_GRACE;
        private GroupListener listener = new GroupListener() { };
        private List<List<String>> stopOrder = List.of();

        private Builder() {
        }

        /**
         * Adds a member. Its thread is named {@code name}.
         *
         * @param name    unique in the group, not blank
         * @param service what the member runs
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or already taken
         */
        public Builder add(String name, Service service) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(service, "service");
            if (name.isBlank() || names.contains(name)) {
                throw new IllegalArgumentException("member name blank or taken: '" + name + "'");
            }
            names.add(name);
            services.add(service);
            return this;
        }

        /**
         * Sets the shutdown timeout: from the stop trigger to the interrupt of the stragglers. Default 5 s.
         *
         * @param timeout above zero
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder shutdownTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("shutdown timeout must be above zero: " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * How long members keep running after a requested stop before they are asked to stop; counts inside the
         * shutdown timeout, so it must be shorter than it (checked by {@link #build()}). Default zero.
         *
         * @param delay zero or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder drainDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("drain delay must not be negative: " + delay);
            }
            this.drainDelay = delay;
            return this;
        }

        /**
         * Sets how long to wait for stragglers after interrupting them. Default 500 ms.
         *
         * @param grace zero or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder interruptGrace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("interrupt grace must not be negative: " + grace);
            }
            this.interruptGrace = grace;
            return this;
        }

        /**
         * Stops the members in stages instead of all at once: the members of the first stage are asked to stop;
         * once they have all ended, those of the next; members named in no stage form a last stage. Members of one
         * stage stop concurrently; every stage shares the one deadline, and at the deadline every member still
         * running — asked yet or not — is interrupted. Example: {@code stopOrder(List.of("http"), List.of("worker"))}
         * stops taking requests before the worker that consumes what they queued. Default: one stage, everyone.
         *
         * @param stages the stages, first to stop first; each a list of member names
         * @return this builder
         * @throws IllegalArgumentException if a name appears twice (checked against the members at {@link #build()})
         */
        @SafeVarargs
        public final Builder stopOrder(List<String>... stages) {
            return stopOrder(List.of(stages));
        }

        /**
         * The same as {@link #stopOrder(List[])}, with the stages as a list.
         *
         * @param stages the stages, first to stop first; each a list of member names
         * @return this builder
         * @throws IllegalArgumentException if a name appears twice
         */
        public Builder stopOrder(List<List<String>> stages) {
            List<List<String>> order = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            for (List<String> stage : stages) {
                for (String name : stage) {
                    if (seen.contains(name)) {
                        throw new IllegalArgumentException("member named twice in the stop order: " + name);
                    }
                    seen.add(name);
                }
                order.add(List.copyOf(stage));
            }
            this.stopOrder = List.copyOf(order);
            return this;
        }

        /**
         * Sets who hears the group's events.
         *
         * @param listener not null
         * @return this builder
         */
        public Builder listener(GroupListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the group.
         *
         * @return a new group in state {@link State#NEW}
         * @throws IllegalStateException if there is no member, the stop order names an unknown member, or the drain
         *                               delay is not shorter than the timeout
         */
        public ServiceGroup build() {
            if (names.isEmpty()) {
                throw new IllegalStateException("a group needs at least one member");
            }
            for (List<String> stage : stopOrder) {
                for (String name : stage) {
                    if (!names.contains(name)) {
                        throw new IllegalStateException("stop order names no member: " + name);
                    }
                }
            }
            if (drainDelay.compareTo(shutdownTimeout) >= 0) {
                throw new IllegalStateException("drain delay " + drainDelay + " must be shorter than the shutdown timeout "
                        + shutdownTimeout);
            }
            return new ServiceGroup(this);
        }
    }
}
