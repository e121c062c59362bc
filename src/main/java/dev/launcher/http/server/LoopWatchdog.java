package dev.launcher.http.server;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the event loops for an owner stuck in a blocking section (a handler that waits on something, a slow
 * client, a response completed on another thread) and hands that loop to a new thread, so that a blocking handler
 * delays only its own connection. Checks every millisecond while some loop is in a section, backing off to every
 * 10 ms while none is, and sleeps once no loop has been in one for ~15 ms, until a loop enters one
 * ({@link #watch()}): an idle server costs it nothing. A section is cut loose after {@link #THRESHOLD_NANOS}, so
 * it delays the loop's other connections by at most ~2-3 ms (up to ~12 ms during a back-off).
 */
final class LoopWatchdog implements Runnable {

    /** How long a blocking section may run before its loop goes on without it. */
    static final long THRESHOLD_NANOS = 2_000_000L;
    private static final long BUSY_NAP_NANOS = 1_000_000L;
    private static final long QUIET_NAP_NANOS = 10_000_000L;

    private final List<EventLoop> loops;
    private volatile boolean stopped;
    private volatile Thread thread;
    /** True while the watchdog sleeps until a loop enters a blocking section. */
    private final AtomicBoolean asleep = new AtomicBoolean();

    private final ServerFailures failures;

    LoopWatchdog(List<EventLoop> loops, ServerFailures failures) {
        this.loops = loops;
        this.failures = failures;
    }

    /** Starts watching on a daemon thread named {@code name}. */
    void start(String name) {
        Thread watcher = new Thread(this, name);
        watcher.setDaemon(true);
        thread = watcher;
        watcher.start();
    }

    /** Stops watching. Idempotent. */
    void stop() {
        stopped = true;
        Thread watcher = thread;
        if (watcher != null) {
            LockSupport.unpark(watcher);
        }
    }

    /**
     * A loop has entered a blocking section: wakes the watchdog if it sleeps. Cheap when it is awake (one volatile
     * read); called by the loops' owners.
     */
    void watch() {
        if (asleep.get() && asleep.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    /** {@return true while the watchdog sleeps until a loop enters a blocking section} */
    boolean sleeping() {
        return asleep.get();
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                watchLoops();
            } catch (Error e) {
                failures.record("an error in the event loops' watchdog", e, "watching goes on");
            }
        }
    }

    private void watchLoops() {
        long nap = BUSY_NAP_NANOS;
        while (!stopped) {
            if (nap >= QUIET_NAP_NANOS && !check()) {
                // quiet for a while: sleep until a loop enters a section (announced first, then checked again,
                // so that a section entered meanwhile is not missed)
                asleep.set(true);
                while (asleep.get() && !stopped && !check()) {
                    LockSupport.park(this);
                }
                asleep.set(false);
                nap = BUSY_NAP_NANOS;
                continue;
            }
            LockSupport.parkNanos(this, nap);
            nap = check() ? BUSY_NAP_NANOS : Math.min(QUIET_NAP_NANOS, nap * 2);
        }
    }

    /**
     * Hands off the loops blocked past the threshold; true if some loop is in a blocking section now. A failure is
     * reported and the watching goes on: without the watchdog, one blocking handler would stall its loop.
     */
    private boolean check() {
        long now = System.nanoTime();
        boolean busy = false;
        for (EventLoop loop : loops) {
            try {
                busy |= loop.handOffIfBlocked(now, THRESHOLD_NANOS);
            } catch (RuntimeException | Error e) {
                failures.record("the watchdog's check of an event loop failed", e, "watching goes on");
            }
        }
        return busy;
    }
}
