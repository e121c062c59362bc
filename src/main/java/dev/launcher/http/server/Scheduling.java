package dev.launcher.http.server;

import java.io.IOException;

/**
 * How the thread that serves a connection waits for bytes and runs what may block: the one thing that differs
 * between serving on an event loop and on a thread of its own. The HTTP/1 protocol ({@link Connection}) is written
 * once against it.
 *
 * <p>Three kinds:
 * <ul>
 *   <li>{@link #OWN_THREAD}: a thread that serves one connection from accept to close; its waits block it.</li>
 *   <li>An event loop's owner ({@link EventLoop.Tenure}): its waits hand the connection to the loop's selector and
 *       return; what may block runs in a blocking section, which the watchdog may end by handing the loop to
 *       another thread.</li>
 *   <li>A thread the loop left behind in a handler ({@link EventLoop#away()}): it serves what has arrived whole,
 *       and its first wait gives the connection back to the loop.</li>
 * </ul>
 */
abstract class Scheduling {

    /** A thread of the connection's own: waits block it, and nothing needs a blocking section. */
    static final Scheduling OWN_THREAD = new Scheduling() {
        @Override
        boolean awaitBytes(Connection connection) throws IOException {
            return connection.readWaiting();
        }

        @Override
        public String toString() {
            return "own thread";
        }
    };

    /**
     * Waits for more bytes for {@code connection}, whose every buffered byte has been looked at.
     *
     * @return true if some arrived and the calling thread goes on serving; false if it returns: the connection was
     *     left to be served again when bytes come, or it finished
     */
    abstract boolean awaitBytes(Connection connection) throws IOException;

    /** Enters a section that may block (an exchange, an answer written, a lingering close) for {@code connection}. */
    void enterBlocking(Connection connection) {
    }

    /**
     * Ends the section {@link #enterBlocking} began.
     *
     * @return how the calling thread goes on: this, or — if the loop moved on to another thread meanwhile — the
     *     loop's {@link EventLoop#away() away} scheduling
     */
    Scheduling leaveBlocking() {
        return this;
    }
}
