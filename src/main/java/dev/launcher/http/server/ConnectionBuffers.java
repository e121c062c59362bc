package dev.launcher.http.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The input and output buffers of one connection, taken from a small shared pool when it opens and given back
 * when it closes, so that a new connection costs no buffer allocation (16 KiB per connection otherwise: at 15 000
 * connections a second, most of the garbage). A connection that ends with an exchange still open does not give
 * its buffers back: a late writer on another thread must not write into the next connection's buffer.
 */
final class ConnectionBuffers {

    /** Each buffer's size. */
    static final int BYTES = 8192;
    /** The most sets the pool keeps (1 MiB). */
    private static final int KEPT_MAX = 64;

    private static final ConcurrentLinkedQueue<ConnectionBuffers> KEPT = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger KEPT_COUNT = new AtomicInteger();

    final byte[] input = new byte[BYTES];
    final byte[] output = new byte[BYTES];

    private ConnectionBuffers() {
    }

    /** {@return buffers from the pool, or new ones} They belong to the caller until {@link #giveBack()}. */
    static ConnectionBuffers take() {
        ConnectionBuffers kept = KEPT.poll();
        if (kept == null) {
            return new ConnectionBuffers();
        }
        KEPT_COUNT.decrementAndGet();
        return kept;
    }

    /** Gives these buffers to the pool (or to the garbage collector when the pool is full); once. */
    void giveBack() {
        if (KEPT_COUNT.incrementAndGet() <= KEPT_MAX) {
            KEPT.offer(this);
        } else {
            KEPT_COUNT.decrementAndGet();
        }
    }
}
