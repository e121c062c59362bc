package dev.launcher.http.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection. It is served either by a thread of its own from accept to close ({@link #run()}), or by
 * an {@link EventLoop} ({@link #onReadable}): the loop parses request heads from what has arrived without waiting,
 * and runs each exchange in a {@linkplain EventLoop.Tenure blocking section} — if that blocks, the loop goes on
 * on another thread and this one finishes the exchange, then gives the connection back to the loop.
 *
 * <p>States, in order: {@code IDLE} (waiting for a request's first byte), {@code READING} (a head is arriving),
 * {@code ACTIVE} (an exchange runs), then back to {@code IDLE}; {@code CLOSED} is final. Only an idle connection
 * with no request bytes waiting is closed by {@link #closeIfIdle()}; {@link #abort()} closes in any state.
 */
final class Connection implements Runnable {

    static final int IDLE = 0;
    static final int READING = 1;
    static final int ACTIVE = 2;
    static final int CLOSED = 3;

    /** How long a closing connection keeps reading (and dropping) what the client still sends, so it gets the response. */
    private static final int LINGER_MILLIS = 1000;
    private static final long LINGER_BYTES = 1024 * 1024;
    /** How long the rest of a small unread request body may take to arrive before the connection gives up on it. */
    private static final int DISCARD_MILLIS = 1000;

    private final LauncherHttpServer server;
    private final Wire wire;
    private final ServerLimits limits;
    private final EventLoop loop;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final AtomicBoolean finished = new AtomicBoolean();
    private ConnectionBuffers buffers;
    private RequestInput input;
    private OutputStream output;
    private volatile ServerExchange exchange;
    private final HeadBuffer headBuffer = new HeadBuffer();
    /** When the head being read must have arrived ({@code nanoTime}); 0 when no head is being read. */
    private volatile long headDeadline;
    /** When the connection last became idle ({@code nanoTime}). */
    private volatile long idleSince = System.nanoTime();
    /** The loop's key of this connection's channel (event loop only). */
    private volatile SelectionKey key;
    /** True while a thread that left the loop serves this connection (event loop only). */
    private volatile boolean away;

    /**
     * @param loop the event loop that serves the connection, or null if a thread of its own does ({@link #run()})
     */
    Connection(LauncherHttpServer server, Wire wire, ServerLimits limits, EventLoop loop) {
        this.server = server;
        this.wire = wire;
        this.limits = limits;
        this.loop = loop;
    }

    /** Takes the connection's buffers; called once, by the thread that serves it first. */
    private void open() {
        buffers = ConnectionBuffers.take();
        input = new RequestInput(wire, buffers.input);
        output = new ResponseOutput(wire.asOutputStream(), buffers.output);
    }

    /** Serves the connection on the calling thread, from its first request to its close. */
    @Override
    public void run() {
        Next next = Next.LINGER;
        try {
            open();
            next = serve();
        } catch (IOException | RuntimeException e) {
            next = Next.LINGER;
        } catch (InterruptedException e) {
            next = Next.LINGER;
            Thread.currentThread().interrupt();
        } finally {
            finish(next != Next.LINGER);
        }
    }

    /** Serves requests, waiting for each, until the connection should close; returns how it closes. */
    private Next serve() throws IOException, InterruptedException {
        while (true) {
            if (input.buffered() == 0) {
                // an idle connection stays open while the server stops (a request may be on its way), until the
                // server closes idle connections
                if (!moveTo(IDLE) || server.isClosingIdle()) {
                    return Next.CLOSE;
                }
                input.timeout(limits.idleMillis());
                try {
                    if (!input.awaitByte()) {
                        return Next.CLOSE;
                    }
                } catch (SocketTimeoutException e) {
                    return Next.CLOSE;
                }
            }
            if (!state.compareAndSet(IDLE, READING) && !state.compareAndSet(ACTIVE, READING)) {
                return Next.CLOSE;
            }
            headDeadline = System.nanoTime() + limits.requestMillis() * 1_000_000L;
            Next next = serveOne(null);
            if (next != Next.KEEP) {
                return next;
            }
        }
    }

    /**
     * Serves one request: reads its head unless given (waiting for it until {@link #headDeadline}), runs its
     * exchange, and says what the connection does next. The state is {@code READING} on entry.
     */
    private Next serveOne(RequestHead given) throws IOException, InterruptedException {
        RequestHead head = given;
        if (head == null) {
            input.deadline(headDeadline);
            try {
                head = RequestHead.read(input, limits.maxHeadBytes(), limits.maxHeaders());
            } catch (HttpError e) {
                sendError(e.status(), e.getMessage());
                return Next.LINGER;
            } catch (SocketTimeoutException e) {
                sendError(408, "request took too long to arrive");
                return Next.LINGER;
            }
            if (head == null) {
                return Next.CLOSE;
            }
        }
        headDeadline = 0;
        if (!state.compareAndSet(READING, ACTIVE)) {
            return Next.CLOSE;
        }
        input.timeout(limits.idleMillis());
        return exchange(head);
    }

    /** Moves to {@code next} from any state but {@code CLOSED}; false if closed. */
    private boolean moveTo(int next) {
        while (true) {
            int current = state.get();
            if (current == CLOSED) {
                return false;
            }
            if (state.compareAndSet(current, next)) {
                return true;
            }
        }
    }

    // ---- event loop ------------------------------------------------------------------------------------------

    /** Takes the buffers, before the loop first serves the connection; on the loop's thread. */
    void prepare() {
        if (input == null) {
            open();
        }
    }

    /**
     * Registers the channel with the loop's selector, the first time the connection must wait for bytes (one that
     * is served and closed at once never is); on the loop's thread.
     */
    void register(Selector selector) throws IOException {
        if (key == null) {
            key = wire.register(selector, this);
        }
    }

    /** {@return the loop's key of this connection, or null before {@link #register}} */
    SelectionKey key() {
        return key;
    }

    /** Marks the connection as served away from its loop (by a thread that left it), or back on it. */
    void away(boolean away) {
        this.away = away;
    }

    /**
     * Serves what has arrived, on the loop's thread: parses heads without waiting, runs each exchange in a
     * blocking section of {@code tenure}, and returns when the connection waits for more bytes or is closed — or,
     * if the loop moved on to another thread meanwhile, once this thread has given the connection back.
     */
    void onReadable(EventLoop.Tenure tenure) {
        boolean graceful = false;
        try {
            // reading marks the connection busy first, so that closeIfIdle cannot close it under bytes just read
            if (!state.compareAndSet(IDLE, READING) && state.get() != READING) {
                finish(true);
                return;
            }
            if (input.readNow() < 0) {
                graceful = state.get() == READING && input.buffered() == 0;
                finish(graceful, tenure);
                return;
            }
            serveArrived(tenure);
        } catch (IOException | RuntimeException e) {
            finish(false, tenure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(false, tenure);
        }
    }

    private void serveArrived(EventLoop.Tenure tenure) throws IOException, InterruptedException {
        while (true) {
            if (input.buffered() == 0) {
                if (becomeIdle()) {
                    loop.watch(this);
                }
                return;
            }
            if (!moveTo(READING)) {
                finish(true);
                return;
            }
            if (headDeadline == 0) {
                headDeadline = System.nanoTime() + limits.requestMillis() * 1_000_000L;
            }
            RequestHead head = null;
            input.beginHead();
            try {
                head = RequestHead.read(input, limits.maxHeadBytes(), limits.maxHeaders());
                input.endHead();
            } catch (IOException e) {
                if (e != RequestInput.WOULD_WAIT) {
                    throw e;
                }
                boolean full = input.headFillsBuffer();
                input.rewindHead();
                if (!full) {
                    loop.watch(this);
                    return;
                }
                // a head larger than the buffer is read while waiting, below
            } catch (HttpError e) {
                // read it again below, where errors are answered
                input.rewindHead();
            }
            if (head == null && input.buffered() == 0) {
                finish(true);
                return;
            }
            tenure.enterBlocking(this);
            Next next;
            try {
                next = serveOne(head);
            } finally {
                if (!tenure.leaveBlocking()) {
                    tenure = null;
                }
            }
            if (tenure == null) {
                // the loop went on without this thread: finish here and give the connection back
                continueAway(next);
                return;
            }
            if (next != Next.KEEP) {
                finish(next == Next.CLOSE, tenure);
                return;
            }
        }
    }

    /** Serves, on a thread that left the loop, what is buffered; then gives the connection back to the loop. */
    private void continueAway(Next next) {
        try {
            while (next == Next.KEEP && input.buffered() > 0) {
                if (!moveTo(READING)) {
                    next = Next.CLOSE;
                    break;
                }
                headDeadline = System.nanoTime() + limits.requestMillis() * 1_000_000L;
                next = serveOne(null);
            }
        } catch (IOException | RuntimeException e) {
            next = Next.LINGER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next = Next.LINGER;
        }
        if (next != Next.KEEP) {
            finish(next == Next.CLOSE);
            return;
        }
        if (becomeIdle()) {
            loop.giveBack(this);
        }
    }

    /** Moves to {@code IDLE}, or closes if the server closes idle connections; true if still open. */
    private boolean becomeIdle() {
        idleSince = System.nanoTime();
        if (!moveTo(IDLE)) {
            finish(true);
            return false;
        }
        if (server.isClosingIdle() && state.compareAndSet(IDLE, CLOSED)) {
            finish(true);
            return false;
        }
        return true;
    }

    /**
     * The loop's periodic check, on its thread: closes an idle connection past the idle timeout (or, once the
     * server closes idle connections, any idle one), answers 408 to a head past its deadline, and finishes a
     * connection closed from another thread.
     */
    void sweep(long now, EventLoop.Tenure tenure) {
        if (away) {
            return;
        }
        int current = state.get();
        if (current == CLOSED) {
            finish(true);
        } else if (current == IDLE) {
            if ((server.isClosingIdle() || now - idleSince > limits.idleMillis() * 1_000_000L)
                    && wire.available() == 0 && state.compareAndSet(IDLE, CLOSED)) {
                finish(true);
            }
        } else if (current == READING && headDeadline != 0 && now - headDeadline > 0) {
            tenure.enterBlocking(this);
            try {
                sendError(408, "request took too long to arrive");
            } catch (IOException | RuntimeException e) {
                // closing anyway
            } finally {
                tenure.leaveBlocking();
            }
            finish(false);
        }
    }

    /** Finishes on the loop's thread, inside a blocking section when the close may wait (lingering). */
    private void finish(boolean graceful, EventLoop.Tenure tenure) {
        if (graceful || tenure == null) {
            finish(graceful);
            return;
        }
        tenure.enterBlocking(this);
        try {
            finish(false);
        } finally {
            tenure.leaveBlocking();
        }
    }

    // ---- both ------------------------------------------------------------------------------------------------

    /**
     * Closes (lingering unless {@code graceful}), gives the buffers back and tells the server; once, on the thread
     * that serves the connection.
     */
    private void finish(boolean graceful) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        state.set(CLOSED);
        if (input != null) {
            close(graceful, buffers.input);
            if (exchange == null) {
                buffers.giveBack();
            }
        } else {
            wire.close();
        }
        if (loop != null) {
            loop.forget(this);
        }
        server.ended(this);
    }

    /** What a connection does after an exchange. */
    private enum Next {
        /** Read the next request. */
        KEEP,
        /** Close: nothing more is expected from the client. */
        CLOSE,
        /** Close, letting the client finish sending first (a body left unread). */
        LINGER
    }

    /** Runs one exchange and says what the connection does next. */
    private Next exchange(RequestHead head) throws IOException, InterruptedException {
        RequestBody body = RequestBody.of(head, input);
        ServerExchange current = new ServerExchange(this, head, server.contextFor(head.uri), body);
        exchange = current;
        server.dispatch(current);
        boolean complete = current.awaitEnd();
        exchange = null;
        server.exchangeEnded();
        if (!complete) {
            return Next.LINGER;
        }
        if (current.closeAfter() || state.get() == CLOSED) {
            return body.complete() && input.buffered() == 0 ? Next.CLOSE : Next.LINGER;
        }
        if (body.complete()) {
            return Next.KEEP;
        }
        input.timeout(DISCARD_MILLIS);
        try {
            return body.discardRest() ? Next.KEEP : Next.LINGER;
        } catch (SocketTimeoutException e) {
            // the client does not send the body it announced
            return Next.CLOSE;
        }
    }

    /** Writes a response the server makes itself (an error before any handler), then the connection closes. */
    private void sendError(int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        headBuffer.clear().append(StatusLines.of(status)).field("Date", HttpDate.now())
                .field("Content-Type", "text/plain; charset=utf-8")
                .field("Content-Length", Integer.toString(body.length))
                .field("Connection", "close").append("\r\n").writeTo(output);
        output.write(body);
        output.flush();
    }

    /** {@return the buffer the exchange assembles its response head in} */
    HeadBuffer headBuffer() {
        return headBuffer;
    }

    /** {@return the buffered output the exchange writes its response to} */
    OutputStream output() {
        return output;
    }

    /** {@return true if responses must say {@code Connection: close}: the server is stopping or winding down} */
    boolean closing() {
        return server.closesAfterResponses();
    }

    InetSocketAddress remoteAddress() {
        return wire.remoteAddress();
    }

    InetSocketAddress localAddress() {
        return wire.localAddress();
    }

    /**
     * {@return true if request bytes have arrived that the server has not read yet: a request is on
     * its way to a handler} (They are read promptly; such bytes wait only while the loop or thread is busy.)
     */
    boolean hasUnreadRequest() {
        int current = state.get();
        if (current != IDLE && current != READING) {
            return false;
        }
        return wire.available() > 0;
    }

    /** {@return true while an exchange runs} */
    boolean isActive() {
        return state.get() == ACTIVE;
    }

    /**
     * Closes the connection if it is waiting for a request and no request byte has arrived: the stop's first
     * phase. A connection with bytes waiting reads them and is served.
     */
    void closeIfIdle() {
        if (state.get() == IDLE && wire.available() == 0 && state.compareAndSet(IDLE, CLOSED)) {
            wire.close();
            if (loop != null) {
                loop.sweepSoon();
            }
        }
    }

    /** Closes the connection now and tells the server, on the thread that serves it. Idempotent. */
    void fail() {
        abort();
        finish(true);
    }

    /** Closes the connection in any state; an exchange in flight fails. Idempotent. */
    void abort() {
        state.set(CLOSED);
        wire.close();
        ServerExchange current = exchange;
        if (current != null) {
            current.responseFailed();
        }
        if (loop != null) {
            loop.sweepSoon();
        }
    }

    /**
     * Closes the socket. Unless {@code graceful}, the client may still be sending (a body not read, a request after
     * an error): the write side is shut first and what arrives is dropped for a moment, so that the close does not
     * reset the connection and destroy the response before the client reads it.
     */
    private void close(boolean graceful, byte[] scratch) {
        try {
            if (!graceful && !wire.isClosed()) {
                if (output != null) {
                    output.flush();
                }
                wire.shutdownOutput();
                long deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
                long dropped = 0;
                long left;
                while (dropped < LINGER_BYTES && (left = (deadline - System.nanoTime()) / 1_000_000L) > 0) {
                    int n = wire.read(scratch, 0, scratch.length, (int) left);
                    if (n < 0) {
                        break;
                    }
                    dropped += n;
                }
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            wire.close();
        }
    }
}
