package dev.launcher.http;

import com.sun.net.httpserver.HttpHandler;
import dev.launcher.group.Service;
import dev.launcher.group.ServiceContext;
import dev.launcher.http.server.LauncherHttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A group member that serves HTTP on a {@link LauncherHttpServer} (the {@code com.sun.net.httpserver} API, on
 * event loops) and stops it gracefully.
 *
 * <h2>Life</h2>
 * <ol>
 *   <li>Binds its address (a failure ends the member with a {@link ListenException} naming the address) — or,
 *       {@linkplain #inheritedBuilder() built for it}, adopts the listening socket the process inherited on standard
 *       input — starts the server, reports the bound address to the {@code onListening} callback, then reports
 *       itself started.</li>
 *   <li>Serves until the group asks it to stop. From the moment a stop is {@linkplain
 *       ServiceContext#isStopTriggered() triggered} (through any drain delay), every response says
 *       {@code Connection: close} and its connection closes after it.</li>
 *   <li>Graceful stop, by {@link LauncherHttpServer#shutdown}: it stops accepting connections; exchanges in
 *       flight finish, their responses (and any response sent from now on) saying {@code Connection: close}, and
 *       a request whose bytes had arrived, or that arrives meanwhile on an idle keep-alive connection, is still
 *       served; once nothing is in flight, every connection left — idle keep-alive ones, clients still sending a
 *       request head — is closed at once. With nothing in flight the stop takes milliseconds.</li>
 *   <li>If the group interrupts it at the deadline, it closes every connection, in flight or not, and ends by
 *       throwing {@link InterruptedException} naming how many exchanges it cut.</li>
 * </ol>
 * Malformed requests and request heads over 64 KiB are refused by the server (400, 431; see the README for every
 * limit) and no handler sees them; a handler that throws gets its client a 500.
 */
public final class HttpService implements Service {

    /** The listen backlog when none is set. */
    public static final int DEFAULT_BACKLOG = 1024;

    private final String host;
    private final int port;
    private final boolean inherited;
    private final int backlog;
    private final Map<String, HttpHandler> routes;
    private final Consumer<InetSocketAddress> onListening;
    private final HttpMetrics metrics;
    private final ExchangeTracker tracker;

    private HttpService(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.inherited = builder.inherited;
        this.backlog = builder.backlog;
        this.routes = Map.copyOf(builder.routes);
        this.onListening = builder.onListening;
        this.metrics = builder.metrics;
        this.tracker = builder.tracker;
        List<ExchangeObserver> observers = new ArrayList<>();
        observers.add(metrics);
        observers.addAll(builder.observers);
        tracker.tell(observers);
    }

    /**
     * {@return a builder for a server on {@code host:port}}
     *
     * @param host a name or address; empty for every interface
     * @param port 0 for any free port
     */
    public static Builder builder(String host, int port) {
        return new Builder(host, port, false);
    }

    /**
     * {@return a builder for a server on the listening socket this process inherited on standard input} That is
     * what systemd passes with {@code StandardInput=socket} from a socket unit with {@code Accept=no}: the member
     * serves on it instead of binding, and when it stops it stops accepting from it but leaves it open, with the
     * connections the kernel queued meanwhile, for the next process. It never closes it (the JDK would then point
     * standard output and error at {@code /dev/null}); the process's exit closes its copy. With no listening TCP
     * socket on standard input the member fails at start with a {@link ListenException}. The builder's backlog
     * is unused: the socket's owner set it.
     */
    public static Builder inheritedBuilder() {
        return new Builder("", 0, true);
    }

    /**
     * Loads and initializes, on a background daemon thread, what the server needs for its first request, so that
     * the first request does not wait for it. Optional; call it as early as possible; calling it again does
     * nothing.
     */
    public static void prepare() {
        if (PREPARED.compareAndSet(false, true)) {
            Thread thread = new Thread(LauncherHttpServer::prepare, "http-prepare");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean PREPARED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** {@return request counts and durations} */
    public HttpMetrics metrics() {
        return metrics;
    }

    /** {@return exchanges in flight and completed, and whether the server is draining} */
    public ExchangeTracker exchanges() {
        return tracker;
    }

    @Override
    public void run(ServiceContext context) throws Exception {
        LauncherHttpServer server = bind();
        server.createContext("/", tracker.wrap(new Router(routes)));
        // from the stop trigger on (through any drain delay), every response closes its connection
        server.setKeepAliveCondition(() -> !context.isStopTriggered());
        tracker.countInFlight(server::activeExchanges);
        metrics.countSurvivedFailures(server::survivedFailures);
        boolean stopped = false;
        try {
            server.start();
            onListening.accept(server.getAddress());
            context.started();
            context.awaitStop();
            tracker.startDraining();
            // no deadline of its own: the group interrupts at its deadline, and the server then cuts what is left,
            // naming it in the InterruptedException
            stopped = true;
            server.shutdown(FOREVER);
        } finally {
            if (!stopped) {
                server.stop(0);
            }
        }
    }

    /** The stop's own timeout: none (the group's deadline interrupts it). */
    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    private LauncherHttpServer bind() throws ListenException {
        return inherited ? adoptInherited() : bindAddress();
    }

    /** A server on the inherited listening socket; a ListenException saying what standard input is instead. */
    private static LauncherHttpServer adoptInherited() throws ListenException {
        String problem;
        try {
            Channel channel = System.inheritedChannel();
            if (channel instanceof ServerSocketChannel listener
                    && listener.getLocalAddress() instanceof InetSocketAddress address && address.getPort() != 0) {
                return LauncherHttpServer.create(listener);
            }
            problem = channel == null ? ListenException.INHERITED_NONE
                    : channel instanceof SocketChannel ? ListenException.INHERITED_CONNECTION
                    : ListenException.INHERITED_OTHER;
        } catch (IOException | RuntimeException e) {
            problem = reason(e);
        }
        throw new ListenException(ListenException.INHERITED, problem, null);
    }

    private LauncherHttpServer bindAddress() throws ListenException {
        String shown = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        InetSocketAddress address;
        try {
            address = host.isEmpty() ? new InetSocketAddress(port)
                    : new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw ListenException.unknownHost(shown, host, e);
        }
        try {
            return LauncherHttpServer.create(address, backlog);
        } catch (IOException | RuntimeException e) {
            throw new ListenException(shown, reason(e), e);
        }
    }

    /** Why binding failed, in the system's words: the message, else the exception's simple name. */
    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public String toString() {
        return inherited ? "HttpService[inherited]" : "HttpService[" + host + ":" + port + "]";
    }

    /** Builds an {@link HttpService}. Not thread-safe. */
    public static final class Builder {
        private final String host;
        private final int port;
        private final boolean inherited;
        private int backlog = DEFAULT_BACKLOG;
        private final Map<String, HttpHandler> routes = new LinkedHashMap<>();
        private Consumer<InetSocketAddress> onListening = address -> { };
        private final List<ExchangeObserver> observers = new ArrayList<>();
        private HttpMetrics metrics = new HttpMetrics();
        private ExchangeTracker tracker = new ExchangeTracker();

        private Builder(String host, int port, boolean inherited) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            this.inherited = inherited;
        }

        /**
         * Serves {@code path} (exact match, no prefix) with {@code handler}. Paths with no route get 404.
         *
         * @param path    e.g. {@code /orders}
         * @param handler runs on a handler thread; it must send a response and close the exchange
         * @return this builder
         */
        public Builder route(String path, HttpHandler handler) {
            routes.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Tells {@code observer} of every completed exchange (e.g. an access log).
         *
         * @param observer called on the handler thread; must be quick
         * @return this builder
         */
        public Builder observer(ExchangeObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * Sets the listen backlog (the kernel may cap it). Default {@link #DEFAULT_BACKLOG}.
         *
         * @param backlog pending connections the kernel may queue
         * @return this builder
         */
        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /**
         * Sets what to call once the server is bound, before the member reports itself started.
         *
         * @param callback receives the real address (the real port when 0 was asked)
         * @return this builder
         */
        public Builder onListening(Consumer<InetSocketAddress> callback) {
            this.onListening = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * {@return the request metrics of the service the next {@link #build()} makes} Handed out before it is
         * built, so that a handler it serves (a {@code /metrics} endpoint) can report on it; the same object as
         * that service's {@link HttpService#metrics()}.
         */
        public HttpMetrics metrics() {
            return metrics;
        }

        /**
         * {@return the exchanges of the service the next {@link #build()} makes} Handed out before it is built,
         * as {@link #metrics()}; the same object as that service's {@link HttpService#exchanges()}.
         */
        public ExchangeTracker exchanges() {
            return tracker;
        }

        /**
         * {@return a new HTTP member; it binds only when the group runs it} It takes the metrics and exchanges this
         * builder handed out; a later build makes a service with new ones.
         */
        public HttpService build() {
            HttpService service = new HttpService(this);
            metrics = new HttpMetrics();
            tracker = new ExchangeTracker();
            return service;
        }
    }
}
