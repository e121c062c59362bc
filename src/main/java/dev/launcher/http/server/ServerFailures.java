package dev.launcher.http.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the failures the server survives — a thread it could not start ({@code OutOfMemoryError: unable to
 * create native thread}, a rejected task), an {@link Error} on one of its own threads — and logs each as one line
 * with the count so far (at most one line a second while they repeat; the count covers every one). Each costs at
 * most the connection that needed it; the loops, the accept thread and the watchdog go on. Thread-safe.
 */
final class ServerFailures {

    private static final System.Logger LOG = System.getLogger("dev.launcher.http.server");
    private static final long LOG_EVERY_NANOS = 1_000_000_000L;

    private final AtomicLong count = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    /**
     * Counts and logs one failure.
     *
     * @param what    what failed, e.g. "cannot start a thread for a blocked event loop"
     * @param failure the throwable
     * @param cost    what it cost, e.g. "the connection was closed"
     */
    void record(String what, Throwable failure, String cost) {
        long total = count.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            try {
                LOG.log(System.Logger.Level.WARNING, "HTTP server: " + what + " (" + failure + "); " + cost
                        + "; " + total + " such failure(s) since start");
            } catch (Throwable ignored) {
                // logging itself failed (out of memory): the count still has it
            }
        }
    }

    /** {@return the failures since the server was created} */
    long count() {
        return count.get();
    }
}
