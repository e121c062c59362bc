package dev.launcher.http.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client connection and the HTTP/1 protocol on it, written once ({@link #serveArrived}): receive a head,
 * receive its body (up to {@link ServerLimits#maxBufferedBody()}), run the exchange, finish the body, next. How
 * the serving thread waits for bytes and blocks is its {@link Scheduling}: a thread of its own from accept to close
 * ({@link #run()}), or an {@link EventLoop}'s owner ({@link #onReadable}) — and, if a handler blocks that owner
 * past the watchdog's threshold, the same thread away from the loop until its next wait gives the connection back.
 *
 * <p>States, in order: {@code IDLE} (waiting for a request's first byte), {@code READING} (a head is arriving),
 * {@code ACTIVE} (an exchange runs), then back to {@code IDLE}; {@code CLOSED} is final. Only an idle connection
 * with no request bytes waiting is closed by {@link #closeIfIdle()}; {@link #abort()} closes in any state. An event
 * loop's connection is also {@linkplain Placement placed}: on its loop, or away from it.
 */
final class Connection implements Runnable {

    /** A connection's states; {@link #move} checks each move. */
    enum State { IDLE, READING, ACTIVE, CLOSED }

    private static final State IDLE = State.IDLE;
    private static final State READING = State.READING;
    private static final State ACTIVE = State.ACTIVE;
    private static final State CLOSED = State.CLOSED;

    /** How long a closing connection keeps reading (and dropping) what the client still sends, so it gets the response. */
    private static final int LINGER_MILLIS = 1000;
    private static final long LINGER_BYTES = 1024 * 1024;
    /** How long the rest of a small unread request body may take to arrive before the connection gives up on it. */
    private static final int DISCARD_MILLIS = 1000;

    private final LauncherHttpServer server;
    private final Wire wire;
    private final ServerLimits limits;
    private final EventLoop loop;
    private final AtomicReference<State> state = new AtomicReference<>(State.IDLE);
    /**
     * True while a thread works on the connection (an event loop's connection between a readiness and its next
     * wait): what it has read is on its way to a handler.
     */
    private volatile boolean inHand;
    /** True while {@link #pending} waits for its body: a request read, not yet run. */
    private volatile boolean bodyPending;
    private final AtomicBoolean finished = new AtomicBoolean();
    private ConnectionBuffers buffers;
    private RequestInput input;
    private OutputStream output;
    private volatile ServerExchange exchange;
    private final HeadBuffer headBuffer = new HeadBuffer();
    /**
     * When what is being received must have arrived ({@code nanoTime}): a head (the request time limit), or a
     * body buffered before its exchange (an idle interval after its last piece); 0 when nothing is.
     */
    private volatile long arrivalDeadline;
    /** A head parsed on the loop whose exchange waits for its body to arrive; the serving thread's only. */
    private RequestHead pending;
    /** The head the loop refused, to be answered. */
    private HttpError refusal;
    /** How many bytes of {@link #pending}'s body had arrived at the last look. */
    private int bodyBuffered;
    /** The scan of {@link #pending}'s chunked body as it arrives; null when none is under way. */
    private RequestBody.ChunkedBody bodyScan;
    /**
     * True while {@link #pending}'s client waits for {@code 100 Continue} before it sends the body: sent by the
     * connection before it receives the body, or, for a body too large to receive first, by the exchange when the
     * handler first reads.
     */
    private boolean continueOwed;
    /** When the connection last became idle ({@code nanoTime}). */
    private volatile long idleSince = System.nanoTime();
    /** When the connection was opened ({@code nanoTime}). */
    private final long openedAt = idleSince;
    /** True once a request byte has been read: the connection is no longer waiting for its first request. */
    private volatile boolean used;
    /** The loop's key of this connection's channel (event loop only). */
    private volatile SelectionKey key;
    /** How the thread serving the connection now waits and blocks; that thread's only. */
    private Scheduling scheduling = Scheduling.OWN_THREAD;

    /**
     * Where an event loop's connection is served: {@code ON_LOOP} (by the loop's owner, and its periodic
     * {@link #sweep}), or {@code AWAY} (by a thread the loop left behind in this connection's handler, until it
     * gives the connection back). Moves: {@code ON_LOOP → AWAY} when the watchdog hands the loop on,
     * {@code AWAY → ON_LOOP} when the connection is given back or the hand-off fails.
     */
    enum Placement { ON_LOOP, AWAY }

    private final AtomicReference<Placement> placement = new AtomicReference<>(Placement.ON_LOOP);

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
        input.countGrowthIn(server.bodyBuffers());
        output = new ResponseOutput(wire.asOutputStream(), buffers.output);
    }

    /**
     * Serves the connection on the calling thread, from its first request to its close: the same protocol as on
     * an event loop ({@link #serveArrived}), its waits for bytes blocking this thread instead of returning to a
     * loop.
     */
    @Override
    public void run() {
        try {
            open();
            inHand = true;
            scheduling = Scheduling.OWN_THREAD;
            serve();
        } finally {
            // whatever ended the protocol, the connection is done
            finish(true);
        }
    }

    /** Runs the exchange of {@code head} and says what the connection does next. The state is {@code READING}. */
    private Next serveOne(RequestHead head) throws IOException, InterruptedException {
        arrivalDeadline = 0;
        if (!move(READING, ACTIVE)) {
            return Next.CLOSE;
        }
        input.timeout(limits.idleMillis());
        return exchange(head);
    }

    /** Moves to {@code next} from whatever state the connection is in; false if it is closed. */
    private boolean moveTo(State next) {
        while (true) {
            State current = state.get();
            if (current == CLOSED) {
                return false;
            }
            if (move(current, next)) {
                return true;
            }
        }
    }

    /**
     * Moves from {@code from} to {@code next} if the state is {@code from}; false if it is not. Every move is told
     * to the server (a stop waits on them), and counts exchanges in flight.
     *
     * @throws AssertionError if no connection ever moves from {@code from} to {@code next}
     */
    private boolean move(State from, State next) {
        boolean possible;
        switch (from) {
            case IDLE:
                possible = next == READING || next == IDLE || next == CLOSED;
                break;
            case READING:
                possible = true;
                break;
            case ACTIVE:
                possible = next != ACTIVE;
                break;
            case CLOSED:
            default:
                possible = next == CLOSED;
                break;
        }
        if (!possible) {
            throw new AssertionError("impossible connection move " + from + " -> " + next);
        }
        if (!state.compareAndSet(from, next)) {
            return false;
        }
        if (from != next) {
            server.connectionMoved(from == ACTIVE, next == ACTIVE);
        }
        return true;
    }

    /** Closes the state, from any; true if this call closed it. */
    private boolean close() {
        while (true) {
            State current = state.get();
            if (current == CLOSED) {
                return false;
            }
            if (move(current, CLOSED)) {
                return true;
            }
        }
    }

    // ---- event loop: its entry, and what the loop asks of the connection --------------------------------------

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
            // a connection an event loop serves has a selectable wire (LauncherHttpServer.adopt)
            key = ((Wire.Selectable) wire).register(selector, this);
        }
    }

    /** {@return the loop's key of this connection, or null before {@link #register}} */
    SelectionKey key() {
        return key;
    }

    /**
     * Moves the connection's {@link Placement} from {@code from} to {@code to}.
     *
     * @throws AssertionError if it is not {@code from}, or no connection moves from {@code from} to {@code to}
     */
    void place(Placement from, Placement to) {
        if (from == to || !placement.compareAndSet(from, to)) {
            throw new AssertionError("impossible placement move " + placement.get() + " -> " + to
                    + " (expected from " + from + ")");
        }
    }

    /**
     * Reads what has arrived and serves it, on the loop's owner: heads are parsed without waiting, each exchange
     * runs in a blocking section of {@code tenure}. Returns when the connection waits for more bytes or is closed
     * — or, if the loop moved on to another thread meanwhile, once this thread has served what arrived whole and
     * given the connection back.
     */
    void onReadable(EventLoop.Tenure tenure) {
        scheduling = tenure;
        try {
            // reading marks the connection busy first, so that closeIfIdle cannot close it under bytes just read
            inHand = true;
            if (!move(IDLE, READING) && state.get() != READING) {
                finish(true);
                return;
            }
            if (input.readNow() < 0) {
                finishOn(state.get() == READING && input.buffered() == 0);
                return;
            }
        } catch (IOException | RuntimeException e) {
            finishOn(false);
            return;
        }
        serve();
    }

    /** Runs the protocol from what is buffered; whatever it throws ends the connection (lingering). */
    private void serve() {
        try {
            serveArrived();
        } catch (IOException | RuntimeException e) {
            finishOn(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finishOn(false);
        }
    }

    /**
     * The HTTP/1 protocol, written once: receive a head, receive its body (up to the limit), run the exchange,
     * finish the body, next. Returns when the connection finished or waits for bytes the way its
     * {@link #scheduling} does ({@link #awaitBytes}).
     */
    private void serveArrived() throws IOException, InterruptedException {
        while (true) {
            RequestHead head = pending;
            if (head == null) {
                if (input.buffered() == 0) {
                    if (!becomeIdle() || !awaitBytes()) {
                        return;
                    }
                    continue;
                }
                if (!moveTo(READING)) {
                    finish(true);
                    return;
                }
                Arrival arrival = headArrival();
                if (arrival == Arrival.WAIT) {
                    if (!awaitBytes()) {
                        return;
                    }
                    continue;
                }
                if (arrival == Arrival.REFUSED) {
                    refuseAndClose();
                    return;
                }
                head = pending;
            }
            Arrival body = bodyArrival(head);
            if (body == Arrival.WAIT) {
                if (continueOwed) {
                    sendContinue();
                }
                if (!awaitBytes()) {
                    return;
                }
                continue;
            }
            if (body == Arrival.REFUSED) {
                refuseAndClose();
                return;
            }
            pending = null;
            Next next;
            enterBlocking();
            try {
                next = serveOne(head);
            } finally {
                leaveBlocking();
            }
            if (next != Next.KEEP) {
                finishOn(next == Next.CLOSE);
                return;
            }
        }
    }

    /** Answers the {@link #refusal} and closes, in a blocking section: answering may wait for the client. */
    private void refuseAndClose() {
        enterBlocking();
        try {
            refuse();
            finish(false);
        } finally {
            leaveBlocking();
        }
    }

    private void enterBlocking() {
        scheduling.enterBlocking(this);
    }

    private void leaveBlocking() {
        scheduling = scheduling.leaveBlocking();
    }

    /**
     * Waits for more bytes, the way the {@link #scheduling} does: true if some arrived and this thread goes on;
     * false if it returns (the connection is watched, given back to its loop, or finished).
     */
    private boolean awaitBytes() throws IOException {
        inHand = false;
        if (server.isStopping()) {
            server.connectionMoved(false, false);
        }
        return scheduling.awaitBytes(this);
    }

    /** {@return when the current wait for bytes ends ({@code nanoTime}): what is being received is due, or the idle timeout} */
    private long waitDeadline() {
        return arrivalDeadline != 0 ? arrivalDeadline : idleSince + limits.idleMillis() * 1_000_000L;
    }

    /** The wait for bytes passed its {@link #waitDeadline}: a request part-way in is answered 408; an idle connection closes. */
    private void expire() {
        if (state.get() == READING) {
            refusal = new HttpError(408, "request took too long to arrive");
            refuseAndClose();
        } else {
            finish(true);
        }
    }

    /**
     * Blocks the connection's own thread until bytes arrive — true — or until the {@link #waitDeadline} passes
     * ({@link #expire}), the client closes, or the server closes the connection — false, the connection finished.
     */
    boolean readWaiting() throws IOException {
        long millis = (waitDeadline() - System.nanoTime()) / 1_000_000L;
        int n;
        try {
            if (millis <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            n = input.readWaiting((int) Math.min(Integer.MAX_VALUE, millis));
        } catch (SocketTimeoutException e) {
            expire();
            return false;
        }
        inHand = true;
        if (n < 0) {
            finish(input.buffered() == 0);
            return false;
        }
        if (!move(IDLE, READING) && state.get() == CLOSED) {
            finish(true);
            return false;
        }
        return true;
    }

    /** What {@link #headArrival} or {@link #bodyArrival} found. */
    private enum Arrival {
        /** The head is parsed ({@link #pending}); its body has arrived, or is left to the handler. */
        COMPLETE,
        /** More bytes must come first. */
        WAIT,
        /** The head or body was refused ({@link #refusal}): it is to be answered, and the connection closes. */
        REFUSED
    }

    /**
     * Parses the head that starts at the buffered bytes once it has all arrived, into {@link #pending}, or says to
     * wait for more; never waits.
     */
    private Arrival headArrival() throws IOException {
        used = true;
        if (arrivalDeadline == 0) {
            arrivalDeadline = System.nanoTime() + limits.requestMillis() * 1_000_000L;
        }
        if (!input.headArrived(limits.maxHeadBytes())) {
            if (input.full()) {
                // a head larger than the buffer: room for all of it, up to the limit
                input.reserve(limits.maxHeadBytes());
            }
            return Arrival.WAIT;
        }
        input.bufferedOnly(true);
        try {
            RequestHead head = RequestHead.read(input, limits.maxHeadBytes(), limits.maxHeaders());
            if (head == null) {
                throw new java.io.EOFException("no request");
            }
            pending = head;
            arrivalDeadline = 0;
            bodyBuffered = -1;
            bodyScan = null;
            continueOwed = head.expectContinue && head.bodyLength != 0;
            return Arrival.COMPLETE;
        } catch (HttpError e) {
            refusal = e;
            return Arrival.REFUSED;
        } finally {
            input.bufferedOnly(false);
            input.endScan();
        }
    }

    /**
     * Receives the body of {@code head} before its exchange runs, without waiting: {@code COMPLETE} once it has
     * all arrived, {@code WAIT} for more, {@code REFUSED} if it is a malformed chunked body ({@link #refusal}: 400).
     * A body larger than {@link ServerLimits#maxBufferedBody()} is not waited for ({@code COMPLETE}): its handler
     * reads it as it comes (a fixed-length one as soon as its head says so, a chunked one once that much of it has
     * arrived); nor is one whose buffer cannot grow within the server's {@link ServerLimits#bodyBufferBudget()}.
     * The input buffer grows only as the bytes arrive, and each piece gives the client another idle interval (past
     * it: 408).
     */
    private Arrival bodyArrival(RequestHead head) {
        long length = head.bodyLength;
        int cap = limits.maxBufferedBody();
        boolean whole;
        boolean tooLarge;
        int total;
        if (length == RequestHead.CHUNKED) {
            if (bodyScan == null) {
                bodyScan = new RequestBody.ChunkedBody(input);
            }
            RequestBody.ChunkedBody.Scan scan = bodyScan.scan();
            if (scan == RequestBody.ChunkedBody.Scan.MALFORMED) {
                refusal = new HttpError(400, bodyScan.failure().getMessage());
                bodyReceived();
                return Arrival.REFUSED;
            }
            whole = scan == RequestBody.ChunkedBody.Scan.COMPLETE;
            tooLarge = input.buffered() >= cap;
            total = cap;
        } else {
            whole = input.buffered() >= length;
            tooLarge = length > cap;
            total = (int) Math.min(length, Integer.MAX_VALUE);
        }
        if (whole || tooLarge) {
            if (whole) {
                // the client sent the body without waiting for 100 Continue: none is owed (RFC 9110, 10.1.1)
                continueOwed = false;
            }
            bodyReceived();
            return Arrival.COMPLETE;
        }
        if (input.buffered() > bodyBuffered || arrivalDeadline == 0) {
            // each piece gives the client another idle interval, as a read waiting for it would
            arrivalDeadline = System.nanoTime() + limits.idleMillis() * 1_000_000L;
        }
        bodyBuffered = input.buffered();
        if (!input.roomFor(total)) {
            // the server's budget for such buffers is spent: the handler reads the rest as it comes, as a larger one
            bodyReceived();
            return Arrival.COMPLETE;
        }
        bodyPending = true;
        return Arrival.WAIT;
    }

    /** The body of {@link #pending} is received (or left to its handler): nothing is being waited for. */
    private void bodyReceived() {
        arrivalDeadline = 0;
        bodyPending = false;
        bodyScan = null;
    }

    /**
     * Sends {@code 100 Continue} before receiving the body, as the JDK's server does before its handler runs; in a
     * blocking section (a client that reads nothing could make the write wait).
     */
    private void sendContinue() throws IOException {
        continueOwed = false;
        enterBlocking();
        try {
            output.write(StatusLines.CONTINUE);
            output.flush();
        } finally {
            leaveBlocking();
        }
    }

    /** Answers the {@link #refusal}; the connection then closes, lingering. On a thread that may block. */
    private void refuse() {
        try {
            sendError(refusal.status(), refusal.getMessage());
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
    }

    /** Moves to {@code IDLE}, or closes if the server closes idle connections; true if still open. */
    private boolean becomeIdle() {
        idleSince = System.nanoTime();
        if (!moveTo(IDLE)) {
            finish(true);
            return false;
        }
        if (server.isClosingIdle() && firstRequestDue() == 0 && move(IDLE, CLOSED)) {
            finish(true);
            return false;
        }
        return true;
    }

    /**
     * {@return when the stop stops waiting for this connection's first request ({@code nanoTime}), or 0 if it does
     * not wait for it} It waits while no request byte has arrived, up to
     * {@link LauncherHttpServer#FIRST_REQUEST_NANOS} after the connection opened.
     */
    long firstRequestDue() {
        if (used) {
            return 0;
        }
        long due = openedAt + LauncherHttpServer.FIRST_REQUEST_NANOS;
        return due - System.nanoTime() > 0 ? due : 0;
    }

    /**
     * The loop's periodic check, on its thread: closes an idle connection past the idle timeout (or, once the
     * server closes idle connections, any idle one), answers 408 to a head past its deadline, and finishes a
     * connection closed from another thread.
     */
    void sweep(long now, EventLoop.Tenure tenure) {
        if (placement.get() == Placement.AWAY) {
            return;
        }
        State current = state.get();
        if (current == CLOSED) {
            finish(true);
        } else if (current == IDLE) {
            boolean idleTooLong = now - idleSince > limits.idleMillis() * 1_000_000L;
            if (((server.isClosingIdle() && firstRequestDue() == 0) || idleTooLong)
                    && wire.available() == 0 && move(IDLE, CLOSED)) {
                finish(true);
            }
        } else if (current == READING && arrivalDeadline != 0 && now - arrivalDeadline > 0) {
            scheduling = tenure;
            expire();
        }
    }

    /** Finishes; unless {@code graceful}, in a blocking section, since a lingering close waits for the client. */
    private void finishOn(boolean graceful) {
        if (graceful) {
            finish(true);
            return;
        }
        enterBlocking();
        try {
            finish(false);
        } finally {
            leaveBlocking();
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
        close();
        inHand = false;
        bodyPending = false;
        if (input != null) {
            input.releaseGrowth();
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
        ServerExchange current = new ServerExchange(this, head, server.contextFor(head.uri), body, continueOwed);
        continueOwed = false;
        exchange = current;
        server.dispatch(current);
        boolean complete = current.awaitEnd();
        exchange = null;
        if (!complete) {
            return Next.LINGER;
        }
        if (current.closeAfter() || state.get() == CLOSED) {
            return body.complete() && input.buffered() == 0 ? Next.CLOSE : Next.LINGER;
        }
        if (body.complete()) {
            input.shrinkTo(buffers.input);
            return Next.KEEP;
        }
        input.timeout(DISCARD_MILLIS);
        try {
            if (!body.discardRest()) {
                return Next.LINGER;
            }
            input.shrinkTo(buffers.input);
            return Next.KEEP;
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
        State current = state.get();
        if (current != IDLE && current != READING) {
            return false;
        }
        return wire.available() > 0;
    }

    /** {@return true if the connection waits for the rest of a request body, every byte sent so far read} */
    boolean awaitsBody() {
        return bodyPending && !inHand && state.get() == READING && wire.available() == 0;
    }

    /**
     * {@return true if the stop must wait for this connection} An exchange runs, a request was read (its body is
     * being received, or a thread is taking it to its handler), or request bytes have arrived that the server has
     * not read yet (its loop is busy). A connection idle or receiving a head, with nothing unread, does not hold
     * the stop; one waiting for its first request says so apart ({@link #firstRequestDue()}).
     */
    boolean holdsStop() {
        switch (state.get()) {
            case ACTIVE:
                return true;
            case IDLE:
            case READING:
                return inHand || bodyPending || wire.available() > 0;
            case CLOSED:
            default:
                return false;
        }
    }

    /**
     * Closes the connection if it is waiting for a request and no request byte has arrived: the stop's first
     * phase. A connection with bytes waiting reads them and is served; one still waiting for its first request
     * ({@link #firstRequestDue()}) stays open.
     */
    void closeIfIdle() {
        if (state.get() == IDLE && wire.available() == 0 && firstRequestDue() == 0 && move(IDLE, CLOSED)) {
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
        close();
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
