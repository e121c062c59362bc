package dev.launcher.http.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that all the connections of one server may hold, together, in buffers grown to receive request bodies
 * whole before their exchanges run ({@link ServerLimits#bodyBufferBudget()}). A connection whose body would take
 * the total past the budget does not wait for it: its handler reads it as it comes, on the thread that runs the
 * handler — the server slows down for that request instead of running out of memory. Thread-safe.
 */
final class BufferBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limit the most bytes held at once; above zero */
    BufferBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("buffer budget " + limit);
        }
        this.limit = limit;
    }

    /** {@return true if {@code bytes} more fit in the budget, which now counts them; false (nothing counted) if not} */
    boolean take(long bytes) {
        while (true) {
            long now = used.get();
            if (bytes > limit - now) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back {@code bytes} taken before. */
    void give(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    /** {@return the bytes taken now} */
    long used() {
        return used.get();
    }

    /** {@return the most bytes held at once} */
    long limit() {
        return limit;
    }
}
