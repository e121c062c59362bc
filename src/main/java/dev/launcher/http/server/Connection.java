package dev.launcher.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection, served by one thread from accept to close: it reads a request head, runs the exchange,
 * waits for the response to complete, and reads the next request (keep-alive, pipelining).
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

    private final BlockingHttpServer server;
    private final Socket socket;
    private final ServerLimits limits;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private RequestInput input;
    private OutputStream output;
    private volatile ServerExchange exchange;
    private final HeadBuffer headBuffer = new HeadBuffer();

    Connection(BlockingHttpServer server, Socket socket, ServerLimits limits) {
        this.server = server;
        this.socket = socket;
        this.limits = limits;
    }

    @Override
    public void run() {
        ConnectionBuffers buffers = ConnectionBuffers.take();
        boolean graceful = true;
        try {
            socket.setTcpNoDelay(limits.noDelay());
            input = new RequestInput(socket, buffers.input);
            output = new ResponseOutput(socket.getOutputStream(), buffers.output);
            graceful = serve();
        } catch (IOException | RuntimeException e) {
            graceful = false;
        } catch (InterruptedException e) {
            graceful = false;
            Thread.currentThread().interrupt();
        } finally {
            close(graceful, buffers.input);
            if (exchange == null) {
                buffers.giveBack();
            }
            server.ended(this);
        }
    }

    /** Serves requests until the connection should close; returns false if the client may have unread data. */
    private boolean serve() throws IOException, InterruptedException {
        while (true) {
            if (input.buffered() == 0) {
                // an idle connection stays open while the server stops (a request may be on its way), until the
                // server closes idle connections
                state.set(IDLE);
                if (server.isClosingIdle()) {
                    return true;
                }
                input.timeout(limits.idleMillis());
                try {
                    if (!input.awaitByte()) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return true;
                }
            }
            if (!state.compareAndSet(IDLE, READING) && !state.compareAndSet(ACTIVE, READING)) {
                return true;
            }
            input.deadline(System.nanoTime() + limits.requestMillis() * 1_000_000L);
            RequestHead head;
            try {
                head = RequestHead.read(input, limits.maxHeadBytes(), limits.maxHeaders());
            } catch (HttpError e) {
                sendError(e.status(), e.getMessage());
                return false;
            } catch (SocketTimeoutException e) {
                sendError(408, "request took too long to arrive");
                return false;
            }
            if (head == null || !state.compareAndSet(READING, ACTIVE)) {
                return true;
            }
            input.timeout(limits.idleMillis());
            Next next = exchange(head);
            if (next != Next.KEEP) {
                return next == Next.CLOSE;
            }
        }
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

    /** {@return true if responses must say {@code Connection: close}: the server is stopping} */
    boolean closing() {
        return server.isStopping();
    }

    InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /**
     * {@return true if request bytes have arrived that this connection's thread has not read yet: a request is on
     * its way to a handler} (The thread reads promptly; such bytes wait only while it waits for a CPU.)
     */
    boolean hasUnreadRequest() {
        int current = state.get();
        if (current != IDLE && current != READING) {
            return false;
        }
        try {
            return socket.getInputStream().available() > 0;
        } catch (IOException e) {
            return false;
        }
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
        try {
            if (state.get() == IDLE && socket.getInputStream().available() == 0
                    && state.compareAndSet(IDLE, CLOSED)) {
                socket.close();
            }
        } catch (IOException e) {
            abort();
        }
    }

    /** Closes the connection in any state; an exchange in flight fails. Idempotent. */
    void abort() {
        state.set(CLOSED);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed either way
        }
        ServerExchange current = exchange;
        if (current != null) {
            current.responseFailed();
        }
    }

    /**
     * Closes the socket. Unless {@code graceful}, the client may still be sending (a body not read, a request after
     * an error): the write side is shut first and what arrives is dropped for a moment, so that the close does not
     * reset the connection and destroy the response before the client reads it.
     */
    private void close(boolean graceful, byte[] scratch) {
        state.set(CLOSED);
        try {
            if (!graceful && !socket.isClosed()) {
                if (output != null) {
                    output.flush();
                }
                socket.shutdownOutput();
                socket.setSoTimeout(LINGER_MILLIS);
                long deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
                InputStream in = socket.getInputStream();
                long dropped = 0;
                while (dropped < LINGER_BYTES && System.nanoTime() < deadline) {
                    int n = in.read(scratch);
                    if (n < 0) {
                        break;
                    }
                    dropped += n;
                }
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
    }
}
