package dev.launcher.group;

import java.time.Duration;
import java.util.Optional;

/**
 * One member of a {@link ServiceGroup}: its thread, its phase, and — once it ends — its fixed result; also its
 * {@link ServiceContext}. Fields guarded by the group's lock; the methods that say so are called with it held.
 */
final class Member implements ServiceContext {

    /** A member's life; it only moves forward. */
    enum Phase {
        /** Its thread is not started. */
        NEW,
        /** Running. */
        RUNNING,
        /** Running, and interrupted by the group at the deadline. */
        INTERRUPTED,
        /** Returned or threw: its result is fixed. */
        ENDED
    }

    final String name;
    final int stage;
    private final Service service;
    private final Thread thread;
    private final ServiceGroup group;
    private final GroupLock lock;
    private Phase phase = Phase.NEW;
    private boolean reportedStarted;
    private long endedAt;
    private MemberResult result;

    Member(String name, Service service, int stage, ServiceGroup group, GroupLock lock) {
        this.name = name;
        this.service = service;
        this.stage = stage;
        this.group = group;
        this.lock = lock;
        this.thread = new Thread(this::runService, name);
        this.thread.setDaemon(true);
    }

    /** Starts the member's thread. */
    void start() {
        lock.run(() -> moveTo(Phase.RUNNING));
        thread.start();
    }

    /** Interrupts the member's thread (it was {@linkplain #markInterrupted() marked} first). */
    void interrupt() {
        thread.interrupt();
    }

    private void runService() {
        Throwable failure = null;
        try {
            service.run(this);
        } catch (Throwable t) {
            failure = t;
        }
        group.memberEnded(this, failure);
    }

    private void moveTo(Phase next) {
        boolean allowed = switch (phase) {
            case NEW -> next == Phase.RUNNING;
            case RUNNING -> next == Phase.INTERRUPTED || next == Phase.ENDED;
            case INTERRUPTED -> next == Phase.ENDED;
            case ENDED -> false;
        };
        if (!allowed) {
            throw new AssertionError(name + ": " + phase + " -> " + next);
        }
        phase = next;
    }

    /**
     * Ends the member and fixes its result: FORCED if it was interrupted, else FAILED if it threw, else STOPPED if
     * it had been asked to stop, else COMPLETED. Called with the lock held.
     *
     * @param stopTime from the trigger to now; null if no stop has been triggered
     * @return the result
     */
    MemberResult end(Throwable failure, boolean asked, Duration stopTime, long now) {
        MemberResult.Status status = phase == Phase.INTERRUPTED ? MemberResult.Status.FORCED
                : failure != null ? MemberResult.Status.FAILED
                : asked ? MemberResult.Status.STOPPED : MemberResult.Status.COMPLETED;
        moveTo(Phase.ENDED);
        endedAt = now;
        result = MemberResult.of(name, status, failure, stopTime);
        return result;
    }

    /** Moves a running member to INTERRUPTED; false if it is not running. Called with the lock held. */
    boolean markInterrupted() {
        if (phase != Phase.RUNNING) {
            return false;
        }
        moveTo(Phase.INTERRUPTED);
        return true;
    }

    /** Records the start-up report; true the first time. Called with the lock held. */
    boolean markStarted() {
        boolean first = !reportedStarted;
        reportedStarted = true;
        return first;
    }

    /** {@return true once the member has returned or thrown} Called with the lock held. */
    boolean ended() {
        return phase == Phase.ENDED;
    }

    /** {@return when the member ended; {@code now} while it runs; empty if it never ran} Called with the lock held. */
    Optional<Long> lastMoment(long now) {
        return switch (phase) {
            case NEW -> Optional.empty();
            case RUNNING, INTERRUPTED -> Optional.of(now);
            case ENDED -> Optional.of(endedAt);
        };
    }

    /** {@return the result: fixed if the member ended, else NOT_STARTED or ABANDONED} Called with the lock held. */
    MemberResult result() {
        return switch (phase) {
            case NEW -> MemberResult.of(name, MemberResult.Status.NOT_STARTED, null, null);
            case RUNNING, INTERRUPTED -> MemberResult.of(name, MemberResult.Status.ABANDONED, null, null);
            case ENDED -> result;
        };
    }

    @Override
    public void started() {
        group.memberStarted(this);
    }

    @Override
    public boolean isStopTriggered() {
        return group.isStopTriggered();
    }

    @Override
    public boolean isStopRequested() {
        return lock.read(() -> group.isAsked(this));
    }

    @Override
    public void awaitStop() throws InterruptedException {
        lock.await(() -> group.isAsked(this), GroupLock.FOREVER);
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        lock.await(() -> group.isAsked(this), GroupLock.deadlineAfter(timeout));
        return isStopRequested();
    }

    @Override
    public Optional<Duration> timeLeft() {
        return group.timeLeft();
    }

    @Override
    public Optional<StopCause> cause() {
        return group.cause();
    }

    @Override
    public boolean requestStop(StopCause cause) {
        return group.requestStop(cause);
    }

    /** {@code name [PHASE]}. */
    @Override
    public String toString() {
        return name + " [" + lock.read(() -> phase) + "]";
    }
}
