package dev.launcher.http.server;

/**
 * The input and output buffers of one connection, kept by the thread that served it for its next connection, so
 * that a connection costs no buffer allocation on a pooled thread (16 KiB per connection otherwise: at 15 000
 * connections a second, most of the garbage). A connection that ends with an exchange still open does not give its
 * buffers back: a late writer on another thread must not write into the next connection's buffer.
 */
final class ConnectionBuffers {

    /** Each buffer's size. */
    static final int BYTES = 8192;

    private static final ThreadLocal<ConnectionBuffers> KEPT = new ThreadLocal<>();

    final byte[] input = new byte[BYTES];
    final byte[] output = new byte[BYTES];

    private ConnectionBuffers() {
    }

    /** {@return the buffers this thread kept, or new ones} They belong to the caller until {@link #giveBack()}. */
    static ConnectionBuffers take() {
        ConnectionBuffers kept = KEPT.get();
        if (kept == null) {
            return new ConnectionBuffers();
        }
        KEPT.set(null);
        return kept;
    }

    /** Keeps these buffers for the calling thread's next connection. */
    void giveBack() {
        KEPT.set(this);
    }
}
