package dev.launcher.http.server;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An HTTP/1.1 server with the {@code com.sun.net.httpserver} API — the same handlers, filters, exchanges and
 * contexts as {@link HttpServer#create()} — that replaces the JDK's implementation, whose single dispatcher thread
 * hands every keep-alive request to a pool thread and back.
 *
 * <h2>Threads</h2>
 * By default a few {@linkplain EventLoop event loops} (one per CPU but one, at least one) accept and serve every
 * connection: a loop's thread reads what has arrived and runs the handler inline, with no thread hand-off per request or per
 * connection. Handlers may block: once one has run for 2 ms its loop goes on on another thread
 * ({@link LoopWatchdog}), so a blocking handler holds up only its own connection. Handler threads are named
 * {@code http-loop-PORT-N}. {@code -Dlauncher.http.threads=platform} (or {@code virtual}) gives each connection a
 * thread of its own instead ({@link ConnectionThreads}); so does {@link #setExecutor} before {@link #start()},
 * running each connection as one task on the given executor, which must run as many tasks at once as there are
 * connections.
 *
 * <h2>Behaviour a caller may rely on</h2>
 * <ul>
 *   <li>Malformed requests get 400 (unsupported HTTP version 505, unsupported transfer coding 501, a head past
 *       the limits 431, a head too slow to arrive 408) and their connection is closed; no handler sees them.
 *       Limits: {@link ServerLimits}.</li>
 *   <li>Keep-alive and pipelining. A request body up to {@link ServerLimits#maxBufferedBody()} (256 KiB) is
 *       received whole before the handler runs, holding no thread while it arrives; {@code Expect: 100-continue}
 *       is then answered by the server before the handler runs, as the JDK's server does. A larger body the
 *       handler reads as it comes ({@code 100 Continue} sent when it first reads). A request body the handler
 *       left unread is discarded if it has all arrived or is under 64 KiB, else the connection closes after the
 *       response.</li>
 *   <li>Requests go to the context with the longest matching path prefix, through its authenticator and filters;
 *       none matches: 404. A handler that throws before sending headers gets its client a 500 (a 400 if it
 *       read a malformed chunked body: the connection then closes; only a body past the buffered limit can be
 *       malformed by then, a smaller one is refused before the handler).</li>
 *   <li>A response is complete when its body stream or its exchange is closed; until then the connection waits,
 *       so a handler may complete it from another thread.</li>
 *   <li>Stop in phases: {@link #stopAccepting()}, {@link #closeIdleConnections()}, wait for
 *       {@link #activeExchanges()} to reach 0, then {@link #closeConnections()}; {@link #stop(int)} does all
 *       four and ends the server's threads.</li>
 * </ul>
 */
public final class LauncherHttpServer extends HttpServer {

    private final ServerLimits limits;
    private final List<ServerContext> contexts = new CopyOnWriteArrayList<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore connectionPermits;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * How long {@link #shutdown} keeps idle connections open after the last exchange began: a client (a proxy's
     * pool) still sending on a kept connection gets its request served rather than a close under it.
     */
    static final long QUIET_NANOS = 10_000_000L;
    /**
     * How long {@link #shutdown} waits for the first request of a connection that has received no byte yet: the
     * client opened it to send one (a proxy connects, then writes when its event loop gets to it), so it is not
     * idle, and closing it would lose that request. Go's {@code Server.Shutdown} waits 5 s for such a connection
     * ({@code StateNew}); this server 1 s, well above a proxy's connect-to-write delay, short enough that a client
     * that connects and sends nothing costs the stop at most that.
     */
    static final long FIRST_REQUEST_NANOS = 1_000_000_000L;
    /** When the last exchange began during the stop ({@code nanoTime}). */
    private volatile long lastBegun;
    /** Signalled, while stopping, at every connection's state change. */
    private final Condition connectionsMoved = lock.newCondition();
    /** The exchanges running now: connections in the {@code ACTIVE} state. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private ServerSocketChannel listener;
    private InetSocketAddress boundAddress;
    /** True if the listener was {@linkplain #create(ServerSocketChannel) adopted}: the caller owns it. */
    private boolean adopted;
    /** The adopted listener's blocking mode, restored once the server has let go of it. */
    private boolean adoptedBlocking;
    /** The selector the accept thread waits on (thread per connection only). */
    private volatile java.nio.channels.Selector acceptSelector;
    private Executor executor;
    private ExecutorService ownExecutor;
    private final List<EventLoop> loops = new ArrayList<>();
    private LoopWatchdog watchdog;
    private Thread acceptor;
    private boolean started;
    /** Set when a loop stopped accepting at the connection limit; the next connection to close resumes them. */
    private volatile boolean acceptPaused;
    private volatile boolean stopping;
    private final AtomicBoolean listenerClosing = new AtomicBoolean();
    private volatile boolean closingIdle;
    /** While false, every response says {@code Connection: close}; consulted once per response. */
    private volatile java.util.function.BooleanSupplier keepAlive = () -> true;

    private final ServerFailures failures = new ServerFailures();
    /** The buffers grown for request bodies received whole, all connections together. */
    private final BufferBudget bodyBuffers;
    /** Makes the server's threads (tests); null: its own. */
    private java.util.concurrent.ThreadFactory threadFactory;

    /** How many event loops serve connections; 0 for a thread per connection. */
    private final int loopCount;

    private LauncherHttpServer(ServerLimits limits, int loopCount) {
        this.limits = limits;
        this.loopCount = loopCount;
        this.connectionPermits = new Semaphore(limits.maxConnections());
        this.bodyBuffers = new BufferBudget(limits.bodyBufferBudget());
    }

    /** {@return where the connections count the buffers they grow to receive bodies whole} */
    BufferBudget bodyBuffers() {
        return bodyBuffers;
    }

    /**
     * {@return a server bound to {@code address}, not yet started}
     *
     * @param address the address to listen on (port 0: any free port)
     * @param backlog pending connections the kernel may queue; 0 or less: 50
     * @throws IOException if the address cannot be bound (e.g. {@link BindException}: in use)
     */
    public static LauncherHttpServer create(InetSocketAddress address, int backlog) throws IOException {
        return create(address, backlog, ServerLimits.fromSystemProperties(),
                ConnectionThreads.eventLoops() ? ConnectionThreads.loopCount() : 0);
    }

    /**
     * {@return a server that serves on {@code listener}, an already bound listening socket (e.g. the one
     * {@link System#inheritedChannel()} returns when systemd passes one), not yet started}
     *
     * <p>The server never closes an adopted listener: the caller owns it. When the server stops it stops accepting
     * from it and lets go of it (every selector of the server releases it; its blocking mode is restored), but it
     * neither accepts the connections the kernel has queued meanwhile nor closes the socket, so that they stay in
     * its backlog for whoever accepts next (the next process that inherits it). In a process started by systemd
     * with {@code StandardInput=socket}, the process's exit closes its own descriptor and systemd's copy keeps
     * listening.
     *
     * @param listener a bound {@link ServerSocketChannel}, blocking or not
     * @throws IOException if its address cannot be read
     * @throws IllegalArgumentException if it is not bound
     */
    public static LauncherHttpServer create(ServerSocketChannel listener) throws IOException {
        return create(listener, ServerLimits.fromSystemProperties(),
                ConnectionThreads.eventLoops() ? ConnectionThreads.loopCount() : 0);
    }

    /** {@return a server on an adopted {@code listener}, as {@link #create(ServerSocketChannel)}} For tests. */
    static LauncherHttpServer create(ServerSocketChannel listener, ServerLimits limits, int loops)
            throws IOException {
        Objects.requireNonNull(listener, "listener");
        InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
        if (address == null || !listener.isOpen()) {
            throw new IllegalArgumentException("not a bound listening socket: " + listener);
        }
        LauncherHttpServer server = new LauncherHttpServer(limits, loops);
        synchronized (server) {
            server.listener = listener;
            server.boundAddress = address;
            server.adopted = true;
            server.adoptedBlocking = listener.isBlocking();
        }
        return server;
    }

    /**
     * {@return a server with the given limits, served by {@code loops} event loops (0: a thread per connection)}
     * For tests and tuning.
     */
    static LauncherHttpServer create(InetSocketAddress address, int backlog, ServerLimits limits, int loops)
            throws IOException {
        LauncherHttpServer server = new LauncherHttpServer(limits, loops);
        server.bind(address, backlog);
        return server;
    }

    /**
     * Loads and initializes what the first request needs (this package's classes, the {@code Date} header, header
     * maps, URI parsing), so that it does not wait for them: a start-up aid, optional, safe on any thread.
     */
    public static void prepare() {
        for (Class<?> type : new Class<?>[] {Connection.class, RequestInput.class, RequestHead.class,
                RequestBody.FixedLengthBody.class, RequestBody.ChunkedBody.class, ServerExchange.class,
                EventLoop.class, EventLoop.Tenure.class, LoopWatchdog.class, Wire.class,
                ResponseBody.class, ResponseBody.Framing.class, StatusLines.class, HeadBuffer.class, HttpError.class,
                ConnectionBuffers.class, ResponseOutput.class,
                Filter.Chain.class}) {
            try {
                Class.forName(type.getName(), true, type.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
        HttpDate.now();
        com.sun.net.httpserver.Headers headers = new com.sun.net.httpserver.Headers();
        headers.add("Content-Length", "0");
        headers.getFirst("Connection");
        URI.create("/").getPath();
        new StringBuilder().append(0L).toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public synchronized void bind(InetSocketAddress address, int backlog) throws IOException {
        Objects.requireNonNull(address, "address");
        if (listener != null) {
            throw new BindException("server already bound");
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, backlog > 0 ? backlog : 50);
            boundAddress = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        listener = channel;
    }

    /**
     * Starts the event loops, which accept and serve connections — or, with a thread per connection, a daemon
     * thread that accepts them ({@link ConnectionThreads}).
     *
     * @throws IllegalStateException if not bound, or already started
     */
    @Override
    public synchronized void start() {
        if (listener == null) {
            throw new IllegalStateException("server not bound");
        }
        if (started) {
            throw new IllegalStateException("server already started");
        }
        started = true;
        int port = boundAddress.getPort();
        if (executor == null && loopCount > 0) {
            ownExecutor = ConnectionThreads.loopThreads(port, threadFactory);
            try {
                for (int i = 0; i < loopCount; i++) {
                    loops.add(new EventLoop(ownExecutor, failures));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open a selector", e);
            }
            try {
                // the loops accept: a new connection costs no thread hand-off either
                listener.configureBlocking(false);
                for (EventLoop loop : loops) {
                    loop.acceptFrom(listener, this);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot register the listening socket", e);
            }
            watchdog = new LoopWatchdog(List.copyOf(loops), failures);
            watchdog.start("http-watchdog-" + port);
            for (EventLoop loop : loops) {
                loop.start(watchdog);
            }
            return;
        }
        if (executor == null) {
            ownExecutor = ConnectionThreads.create(threadFactory);
            executor = ownExecutor;
        }
        try {
            listener.configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the listening socket non-blocking", e);
        }
        acceptor = new Thread(this::acceptConnections, "http-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Accepts one connection for {@code loop}, on its thread, if one is waiting and the connection limit allows;
     * the connection goes to the loop with the fewest connections (this one when even).
     *
     * @return the connection if {@code loop} serves it; null if another loop serves it (or it failed at once)
     * @throws NoSuchElementException ({@link #NO_MORE}) when no more can be accepted now: none waiting,
     *     the connection limit, or stopping
     */
    Connection acceptFor(EventLoop loop) {
        if (stopping) {
            throw NO_MORE;
        }
        if (!connectionPermits.tryAcquire()) {
            acceptPaused = true;
            loop.pauseAccepting();
            if (connectionPermits.availablePermits() > 0) {
                loop.resumeAccepting();
            }
            throw NO_MORE;
        }
        SocketChannel channel;
        try {
            channel = listener.accept();
        } catch (IOException e) {
            connectionPermits.release();
            throw NO_MORE;
        }
        if (channel == null) {
            connectionPermits.release();
            throw NO_MORE;
        }
        EventLoop target = leastLoaded(loop);
        Connection connection = adopt(channel, target);
        if (connection != null && target != loop) {
            serve(connection, target);
            return null;
        }
        return connection;
    }

    /** {@return the loop with the fewest connections; {@code preferred} when even} */
    private EventLoop leastLoaded(EventLoop preferred) {
        EventLoop target = preferred;
        for (EventLoop other : loops) {
            if (other.size() < target.size()) {
                target = other;
            }
        }
        return target;
    }

    /**
     * {@return a connection for an accepted channel and its permit, served by {@code loop} (null: a thread of its
     * own); null if it failed at once} Every accepted connection comes through here; the caller hands it on with
     * {@link #serve(Connection, EventLoop)} (or, for the accepting loop itself, serves it at once).
     */
    private Connection adopt(SocketChannel channel, EventLoop loop) {
        Connection connection;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, limits.noDelay());
            Wire wire;
            if (loop != null) {
                wire = Wire.nonBlocking(channel);
            } else {
                channel.configureBlocking(true);
                wire = Wire.blocking(channel.socket());
            }
            connection = new Connection(this, wire, limits, loop);
        } catch (IOException | RuntimeException | Error e) {
            if (e instanceof Error) {
                failures.record("cannot take in a new connection", e, "the connection was closed");
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // gone either way
            }
            connectionPermits.release();
            return null;
        }
        connections.add(connection);
        return connection;
    }

    /** Hands a new connection to {@code loop}, or (null) to a thread of its own. */
    private void serve(Connection connection, EventLoop loop) {
        if (loop != null) {
            loop.arrive(connection);
            return;
        }
        try {
            executor.execute(connection);
        } catch (RejectedExecutionException | Error e) {
            // counted first: whoever sees the close sees the count
            if (!stopping) {
                failures.record("cannot start a thread for a connection", e, "the connection was closed");
            }
            connection.abort();
            ended(connection);
        }
    }

    /**
     * Takes in the connections the kernel completed but no loop accepted yet (the loops have let go of the
     * listening socket): they are served, each one request with {@code Connection: close}, instead of being reset
     * when the socket closes.
     */
    private void takeInBacklog() {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException | RuntimeException e) {
                return;
            }
            if (channel == null) {
                return;
            }
            if (!connectionPermits.tryAcquire()) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // gone either way
                }
                continue;
            }
            EventLoop target = loops.isEmpty() ? null : leastLoaded(loops.get(0));
            Connection connection = adopt(channel, target);
            if (connection != null) {
                serve(connection, target);
            }
        }
    }

    /** Thrown by {@link #acceptFor} when no more connections can be accepted now. */
    static final NoSuchElementException NO_MORE = new NoSuchElementException() {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    /**
     * The accept thread's loop (thread per connection): waits on a selector of its own for a connection, so that
     * the stop wakes it without an interrupt (which would close the listening channel).
     */
    private void acceptConnections() {
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            listener.register(selector, java.nio.channels.SelectionKey.OP_ACCEPT);
            acceptSelector = selector;
            while (!stopping) {
                connectionPermits.acquire();
                try {
                    SocketChannel channel = null;
                    while (!stopping && (channel = listener.accept()) == null) {
                        selector.select();
                        selector.selectedKeys().clear();
                    }
                    if (channel == null) {
                        connectionPermits.release();
                        return;
                    }
                    Connection connection = adopt(channel, null);
                    if (connection != null) {
                        serve(connection, null);
                    }
                } catch (Error e) {
                    connectionPermits.release();
                    failures.record("an error on the accept thread", e, "accepting goes on");
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the listener closed, or the server stops
        } finally {
            acceptSelector = null;
        }
    }

    /** Called by a connection's thread as its last step. */
    void ended(Connection connection) {
        if (connections.remove(connection)) {
            connectionPermits.release();
            if (acceptPaused) {
                acceptPaused = false;
                loops.forEach(EventLoop::resumeAccepting);
            }
        }
    }

    /**
     * A connection changed state (told by the connection): counts the exchanges in flight, and wakes a stop waiting
     * for them.
     *
     * @param fromActive true if it left {@code ACTIVE}
     * @param toActive   true if it entered {@code ACTIVE}
     */
    void connectionMoved(boolean fromActive, boolean toActive) {
        if (toActive) {
            inFlight.incrementAndGet();
        } else if (fromActive) {
            inFlight.decrementAndGet();
        }
        if (stopping) {
            if (toActive) {
                lastBegun = System.nanoTime();
            }
            signalMoved();
        }
    }

    private void signalMoved() {
        lock.lock();
        try {
            connectionsMoved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@return true once {@link #closeIdleConnections()} was called: a connection that becomes idle closes} */
    boolean isClosingIdle() {
        return closingIdle;
    }

    /** {@return true once {@link #stopAccepting()} was called} */
    boolean isStopping() {
        return stopping;
    }

    /**
     * Sets when connections may be kept alive (Go's {@code SetKeepAlivesEnabled}): the condition is consulted once
     * per response, and while it is false — or once the server stops — the response says {@code Connection: close}
     * and its connection closes after it. Idle connections stay open and are served (once) meanwhile. Any thread.
     *
     * @param keepAlive true while connections may be kept; must be cheap (it runs once per response)
     */
    public void setKeepAliveCondition(java.util.function.BooleanSupplier keepAlive) {
        this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
    }

    /** {@return true if responses must say {@code Connection: close}} */
    boolean closesAfterResponses() {
        return stopping || !keepAlive.getAsBoolean();
    }

    /**
     * The stop's first phase: closes the listening socket, and returns once no connection can be accepted any more
     * (at most ~1 s). Connections the kernel had already completed are served (one request each) rather than
     * reset. An {@linkplain #create(ServerSocketChannel) adopted} listener is neither closed nor drained: the server
     * only stops accepting from it, and what the kernel queued stays queued. From now on responses say {@code Connection: close} and
     * connections close after their exchange; an idle keep-alive connection stays open, so that a request its
     * client sent just now is still served (once), until {@link #closeIdleConnections()} or
     * {@link #closeConnections()}. Idempotent.
     */
    void stopAccepting() {
        stopping = true;
        ServerSocketChannel socket = listener;
        if (socket != null && listenerClosing.compareAndSet(false, true)) {
            // every selector lets go of the socket first: closed while a selector holds it, it would keep listening
            // until that selector's next select, and connections completed meanwhile would be reset
            if (!loops.isEmpty()) {
                loops.forEach(EventLoop::stopWatchingListener);
                for (EventLoop loop : loops) {
                    loop.awaitListenerReleased(1000);
                }
            }
            awaitAcceptThread();
            if (adopted) {
                // the caller's socket: what the kernel queued stays queued for whoever accepts next
                try {
                    socket.configureBlocking(adoptedBlocking);
                } catch (IOException | RuntimeException ignored) {
                    // a selector still holds it (a loop that did not select in time): it stays non-blocking
                }
            } else {
                if (!socket.isBlocking()) {
                    // started: the connections the kernel completed are served rather than reset
                    takeInBacklog();
                }
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closed either way
                }
            }
        }
        signalMoved();
    }

    /** Wakes the accept thread (thread per connection) and waits, at most ~1 s, until it has left its selector. */
    private void awaitAcceptThread() {
        Thread thread = acceptor;
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        connectionPermits.release();
        java.nio.channels.Selector selector = acceptSelector;
        if (selector != null) {
            selector.wakeup();
        }
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes every connection that is waiting for a request and has received none of it, and from now on every
     * connection that finishes its exchange: no request is lost, except one the client is sending at this very
     * moment (HTTP/1.1 clients retry those). Idempotent.
     */
    void closeIdleConnections() {
        closingIdle = true;
        for (Connection connection : connections) {
            connection.closeIfIdle();
        }
    }

    /**
     * {@return true if a connection has received request bytes the server has not read yet} Such a request is
     * served if the stop waits for it (its loop or thread was only busy); a slow client sending its head byte by
     * byte has its bytes read as they come, and does not count.
     */
    boolean hasUnreadRequests() {
        for (Connection connection : connections) {
            if (connection.hasUnreadRequest()) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@return the connections receiving a request body before its exchange runs that have read every byte sent so
     * far: each waits for the rest of its body, holding no thread} For tests.
     */
    int bodiesAwaited() {
        int waiting = 0;
        for (Connection connection : connections) {
            if (connection.awaitsBody()) {
                waiting++;
            }
        }
        return waiting;
    }

    /** {@return the exchanges running now, on open connections: from a request's head read to its response's end} */
    public int activeExchanges() {
        return inFlight.get();
    }

    /** {@return the watchdog of the event loops, or null with a thread per connection (tests)} */
    LoopWatchdog watchdog() {
        return watchdog;
    }

    /** {@return the connections open now} */
    public int openConnections() {
        return connections.size();
    }

    /** The stop's last phase: closes every connection, exchanges in flight included. Idempotent. */
    void closeConnections() {
        for (Connection connection : connections) {
            connection.abort();
        }
    }

    /**
     * Stops gracefully, within {@code timeout} (Go's {@code Server.Shutdown}), and ends the server's threads; the
     * server cannot be started again.
     * <ol>
     *   <li>Stops accepting ({@link #stopAccepting()}): from now on every response says {@code Connection: close}
     *       and its connection closes after it.</li>
     *   <li>Waits — woken by the connections' state changes, never polling — until no connection holds the stop (an
     *       exchange runs, a request was read and is on its way to its handler, its body still arriving up to
     *       16 KiB, or request bytes have arrived that the server has not read yet: its loop is busy) and no
     *       exchange has begun for {@value #QUIET_NANOS} ns. Idle keep-alive connections stay open meanwhile, so that
     *       a request sent on one just now (a proxy still using its pool) is served, not closed under.</li>
     *   <li>Closes the idle connections, waits again for any that took a request meanwhile and for those that
     *       have received no byte yet (a client opens a connection to send a request: it is served, once; Go's
     *       {@code StateNew} rule), each at most {@value #FIRST_REQUEST_NANOS} ns after it opened, and closes the
     *       rest (clients still sending a head). With nothing in flight all this takes milliseconds.</li>
     * </ol>
     * At the timeout, or when interrupted, it closes every connection, exchanges in flight included.
     *
     * @param timeout the most to wait for what is in flight
     * @return how many exchanges it cut at the timeout (0: all completed)
     * @throws InterruptedException if interrupted while waiting; everything is closed first, and the message names
     *     how many exchanges were cut
     */
    public int shutdown(java.time.Duration timeout) throws InterruptedException {
        return shutdown(timeout, false);
    }

    /** Shuts down as {@link #shutdown(java.time.Duration)}; {@code idleFirst}: closes idle connections at once. */
    private int shutdown(java.time.Duration timeout, boolean idleFirst) throws InterruptedException {
        long start = System.nanoTime();
        long budget = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        int cut;
        try {
            lastBegun = System.nanoTime();
            stopAccepting();
            if (idleFirst) {
                closeIdleConnections();
            }
            awaitQuiet(start, budget, idleFirst ? 0 : QUIET_NANOS, false);
            closeIdleConnections();
            awaitNothingHeld(start, budget);
            cut = held(false);
        } catch (InterruptedException e) {
            int interrupted = held(false);
            endAll();
            InterruptedException named = new InterruptedException(
                    "closed " + interrupted + " exchange(s) still in flight at the deadline");
            named.initCause(e);
            throw named;
        }
        endAll();
        return cut;
    }

    private static long saturatedNanos(java.time.Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Waits until no connection holds the stop and no exchange has begun for {@code quietNanos}, or {@code budget}
     * nanoseconds from {@code start} have passed; woken by the connections' state changes. With
     * {@code firstRequests}, a connection waiting for its first request holds the stop too, until it comes or its
     * time is up.
     */
    private void awaitQuiet(long start, long budget, long quietNanos, boolean firstRequests)
            throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                long left = budget - (now - start);
                if (left <= 0) {
                    return;
                }
                if (held(firstRequests) > 0) {
                    connectionsMoved.awaitNanos(Math.min(left, firstRequests ? untilFirstRequestsDue(now) : left));
                    continue;
                }
                long quietLeft = quietNanos - (now - lastBegun);
                // the quiet spell keeps idle connections open for a request on its way: with none, nothing to keep
                if (quietLeft <= 0 || connections.isEmpty()) {
                    return;
                }
                connectionsMoved.awaitNanos(Math.min(left, quietLeft));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no connection holds the stop, connections waiting for their first request included, or
     * {@code budget} nanoseconds from {@code start} have passed.
     */
    private void awaitNothingHeld(long start, long budget) throws InterruptedException {
        awaitQuiet(start, budget, 0, true);
    }

    /** {@return nanoseconds until the first connection waiting for its first request stops waiting, or max} */
    private long untilFirstRequestsDue(long now) {
        long soonest = Long.MAX_VALUE;
        for (Connection connection : connections) {
            long due = connection.firstRequestDue();
            if (due != 0) {
                soonest = Math.min(soonest, Math.max(1, due - now));
            }
        }
        return soonest;
    }

    /** {@return the connections that hold the stop now; with {@code firstRequests}, those waiting for one too} */
    private int held(boolean firstRequests) {
        int held = 0;
        for (Connection connection : connections) {
            if (connection.holdsStop() || (firstRequests && connection.firstRequestDue() != 0)) {
                held++;
            }
        }
        return held;
    }

    /** Closes every connection and ends the server's threads. */
    private void endAll() {
        closeConnections();
        Thread thread = acceptor;
        if (thread != null) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (watchdog != null) {
            watchdog.stop();
        }
        loops.forEach(EventLoop::close);
        boolean interrupted = Thread.interrupted();
        try {
            for (EventLoop loop : loops) {
                loop.awaitClosed(1000);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops as {@link #shutdown} does, waiting up to {@code delay} seconds for what is in flight, except that idle
     * connections are closed at once (as the JDK's server does).
     *
     * @param delay the most seconds to wait for exchanges in flight
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    @Override
    public void stop(int delay) {
        if (delay < 0) {
            throw new IllegalArgumentException("negative delay: " + delay);
        }
        try {
            shutdown(java.time.Duration.ofSeconds(delay), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@return how many failures the server survived since it was created} A thread it could not start, or an
     * {@link Error} on one of its threads: each cost at most one connection (or, for a blocked loop that could not
     * be handed to a new thread, a wait for its handler) and was logged.
     */
    public long survivedFailures() {
        return failures.count();
    }

    /** Makes the server's own threads with {@code factory} (a test's, to make them fail); before {@link #start()}. */
    synchronized void threadFactory(java.util.concurrent.ThreadFactory factory) {
        if (started) {
            throw new IllegalStateException("server already started");
        }
        this.threadFactory = factory;
    }

    @Override
    public synchronized void setExecutor(Executor executor) {
        if (started) {
            throw new IllegalStateException("server already started");
        }
        this.executor = executor;
    }

    @Override
    public synchronized Executor getExecutor() {
        return ownExecutor != null ? null : executor;
    }

    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
        ServerContext context = newContext(path, Objects.requireNonNull(handler, "handler"));
        return context;
    }

    @Override
    public HttpContext createContext(String path) {
        return newContext(path, null);
    }

    private synchronized ServerContext newContext(String path, HttpHandler handler) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        for (ServerContext context : contexts) {
            if (context.getPath().equals(path)) {
                throw new IllegalArgumentException("context already exists: " + path);
            }
        }
        ServerContext context = new ServerContext(path, handler, this);
        contexts.add(context);
        return context;
    }

    @Override
    public synchronized void removeContext(String path) {
        if (!contexts.removeIf(context -> context.getPath().equals(path))) {
            throw new IllegalArgumentException("no context: " + path);
        }
    }

    @Override
    public synchronized void removeContext(HttpContext context) {
        if (!contexts.remove(context)) {
            throw new IllegalArgumentException("not a context of this server: " + context.getPath());
        }
    }

    @Override
    public InetSocketAddress getAddress() {
        return boundAddress;
    }

    /** {@return the context with the longest path that prefixes the request's path, or null} */
    HttpContext contextFor(URI uri) {
        String path = uri.getPath();
        if (path == null) {
            return null;
        }
        ServerContext best = null;
        for (ServerContext context : contexts) {
            String prefix = context.getPath();
            if (path.startsWith(prefix) && (best == null || prefix.length() > best.getPath().length())) {
                best = context;
            }
        }
        return best;
    }

    /** Runs the exchange through its context's authenticator, filters and handler, on the calling thread. */
    void dispatch(ServerExchange exchange) {
        HttpContext context = exchange.getHttpContext();
        try {
            if (context == null || context.getHandler() == null) {
                sendPlain(exchange, 404, "no context found for request\n");
                return;
            }
            if (!authenticate(context.getAuthenticator(), exchange)) {
                return;
            }
            new Filter.Chain(context.getFilters(), context.getHandler()).doFilter(exchange);
        } catch (Throwable failure) {
            if (!exchange.headersSent()) {
                try {
                    if (exchange.requestBody().malformed()) {
                        // a refusal, as for a malformed head (the response says Connection: close)
                        sendPlain(exchange, 400, "malformed request body\n");
                    } else {
                        sendPlain(exchange, 500, "internal server error\n");
                    }
                    return;
                } catch (IOException | RuntimeException ignored) {
                    // the client is gone
                }
            }
            exchange.responseFailed();
            if (failure instanceof Error && !(failure instanceof StackOverflowError)) {
                throw (Error) failure;
            }
        }
    }

    private static boolean authenticate(Authenticator authenticator, ServerExchange exchange) throws IOException {
        if (authenticator == null) {
            return true;
        }
        Authenticator.Result result = authenticator.authenticate(exchange);
        if (result instanceof Authenticator.Success) {
            exchange.principal(((Authenticator.Success) result).getPrincipal());
            return true;
        }
        int status = result instanceof Authenticator.Failure ? ((Authenticator.Failure) result).getResponseCode()
                : ((Authenticator.Retry) result).getResponseCode();
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
        return false;
    }

    private static void sendPlain(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
        exchange.close();
    }

    @Override
    public String toString() {
        return "LauncherHttpServer[" + getAddress() + (stopping ? ", stopping]" : "]");
    }
}
