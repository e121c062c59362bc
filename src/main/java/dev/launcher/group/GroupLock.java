package dev.launcher.group;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The lock of one group and its one condition ("something changed"): every read and write of the group's and
 * its members' state goes through {@link #read} or {@link #run}, and every wait through {@link #await}. Deadlines
 * are {@link System#nanoTime()} values; {@link #FOREVER} is none.
 */
final class GroupLock {

    /** A deadline that never comes. */
    static final long FOREVER = Long.MAX_VALUE;
    /** Waits this long or longer are waits without a deadline (about 100 years). */
    private static final Duration MAX_WAIT = Duration.ofDays(36_500);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** {@return what {@code read} returns, read under the lock} */
    <T> T read(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code write} under the lock, then wakes every waiter. */
    void run(Runnable write) {
        lock.lock();
        try {
            write.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter; called with the lock held. */
    void signalAll() {
        changed.signalAll();
    }

    /** Waits until the condition (read under the lock) holds or the deadline passes. */
    void await(BooleanSupplier condition, long deadline) throws InterruptedException {
        lock.lock();
        try {
            while (!condition.getAsBoolean() && awaitChange(deadline)) {
                // a change came: check again
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits with the lock held (taking it if needed) for a change or the deadline.
     *
     * @return false once the deadline has passed
     */
    boolean awaitChange(long deadline) throws InterruptedException {
        lock.lock();
        try {
            if (deadline == FOREVER) {
                changed.await();
            } else if (passed(deadline)) {
                return false;
            } else {
                changed.awaitNanos(deadline - System.nanoTime());
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** {@return true if the calling thread holds the lock} */
    boolean isHeld() {
        return lock.isHeldByCurrentThread();
    }

    /** {@return true once the deadline has passed} */
    static boolean passed(long deadline) {
        return deadline != FOREVER && deadline - System.nanoTime() <= 0;
    }

    /** {@return a deadline {@code timeout} from now, saturating at {@link #FOREVER}} */
    static long deadlineAfter(Duration timeout) {
        if (timeout.compareTo(MAX_WAIT) >= 0) {
            return FOREVER;
        }
        return System.nanoTime() + Math.max(0, timeout.toNanos());
    }
}
