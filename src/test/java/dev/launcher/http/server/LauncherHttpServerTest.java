package dev.launcher.http.server;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.launcher.testing.RawHttp;
import dev.launcher.testing.RawHttp.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LauncherHttpServer} as an API object: contexts, filters, authenticators, asynchronous completion, the
 * phases of a stop, executors, failing handlers, binding and the connection limit. The wire protocol itself is
 * {@code HttpConformanceTest}'s.
 */
@Timeout(60)
class LauncherHttpServerTest {

    /** One client for the tests that use {@link HttpClient}: HTTP/1.1 only, no h2c upgrade. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    /** The longest any wait in a test may take before it fails. */
    private static final long WAIT_SECONDS = 15;

    private static final ServerLimits DEFAULTS_FOR_ADOPTION =
            new ServerLimits(ServerLimits.MAX_HEAD_BYTES, 200, 20_000, 30_000, 4096, true);

    private LauncherHttpServer server;
    private int port;
    /** Released after the server stopped: handler latches and executors a test made. */
    private final List<Runnable> cleanups = new ArrayList<>();

    @AfterEach
    void stopServer() {
        try {
            if (server != null) {
                server.stop(0);
            }
        } finally {
            for (Runnable cleanup : cleanups) {
                cleanup.run();
            }
        }
    }

    // ---- contexts ----

    /** A request goes to the context with the longest path prefix of its path. */
    @Test
    void longestPrefixContextIsChosen() throws Exception {
        newServer();
        server.createContext("/", labelled("root"));
        server.createContext("/api", labelled("api"));
        server.createContext("/api/v2", labelled("v2"));
        start();

        assertEquals("root /", httpGet("/x").body());
        assertEquals("api /api", httpGet("/api/y").body());
        assertEquals("v2 /api/v2", httpGet("/api/v2/z").body());
        assertEquals("api /api", httpGet("/api").body());
    }

    /** A request whose path no context prefixes gets 404. */
    @Test
    void noMatchingContextIs404() throws Exception {
        newServer();
        server.createContext("/api", labelled("api"));
        start();

        assertEquals(404, httpGet("/other").statusCode());
        assertEquals(200, httpGet("/api/x").statusCode());
    }

    /** After removeContext(path) its requests get 404; the other contexts still serve. */
    @Test
    void removedContextIsNoLongerRouted() throws Exception {
        newServer();
        server.createContext("/a", labelled("a"));
        server.createContext("/b", labelled("b"));
        start();
        assertEquals(200, httpGet("/a").statusCode());

        server.removeContext("/a");

        assertEquals(404, httpGet("/a").statusCode());
        assertEquals("b /b", httpGet("/b").body());
    }

    /** removeContext of a path with no context throws IllegalArgumentException. */
    @Test
    void removingUnknownContextThrows() throws Exception {
        newServer();
        server.createContext("/a", labelled("a"));

        assertThrows(IllegalArgumentException.class, () -> server.removeContext("/b"));
        assertThrows(IllegalArgumentException.class, () -> server.removeContext("/a/"));
    }

    /** createContext for a path that already has a context throws IllegalArgumentException. */
    @Test
    void duplicateContextThrows() throws Exception {
        newServer();
        server.createContext("/a", labelled("a"));

        assertThrows(IllegalArgumentException.class, () -> server.createContext("/a", labelled("again")));
        assertThrows(IllegalArgumentException.class, () -> server.createContext("/a"));
    }

    /** createContext for a path not starting with "/" throws IllegalArgumentException. */
    @Test
    void contextPathWithoutLeadingSlashThrows() throws Exception {
        newServer();

        assertThrows(IllegalArgumentException.class, () -> server.createContext("api", labelled("api")));
        assertThrows(IllegalArgumentException.class, () -> server.createContext(""));
    }

    // ---- filters and authenticators ----

    /** A context's filters run in list order around its handler, each passing the exchange on. */
    @Test
    void filtersRunInOrderAroundHandler() throws Exception {
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch outerReturned = new CountDownLatch(1);
        newServer();
        HttpContext context = server.createContext("/", exchange -> {
            trace.add("handler");
            respond(exchange, 200, "ok");
        });
        context.getFilters().add(tracing("outer", trace, outerReturned));
        context.getFilters().add(tracing("inner", trace, null));
        start();

        HttpResponse<String> response = httpGet("/");

        assertEquals(200, response.statusCode());
        assertEquals(List.of("outer", "inner"), response.headers().allValues("X-Filter"));
        assertTrue(outerReturned.await(WAIT_SECONDS, TimeUnit.SECONDS), "the outer filter did not return");
        assertEquals(List.of("outer>", "inner>", "handler", "<inner", "<outer"), trace);
    }

    /** A filter that does not call chain.doFilter answers itself; later filters and the handler never run. */
    @Test
    void filterCanAnswerWithoutTheChain() throws Exception {
        AtomicInteger passedOn = new AtomicInteger();
        newServer();
        HttpContext context = server.createContext("/", exchange -> {
            passedOn.incrementAndGet();
            respond(exchange, 200, "handler");
        });
        context.getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                respond(exchange, 403, "denied by filter");
            }

            @Override
            public String description() {
                return "denies everything";
            }
        });
        context.getFilters().add(Filter.beforeHandler("counts", exchange -> passedOn.incrementAndGet()));
        start();

        try (RawHttp client = new RawHttp(port)) {
            Response first = client.request("GET", "/", "");
            assertEquals(403, first.status);
            assertEquals("denied by filter", first.body);
            // the connection reads its next request only once the first dispatch returned
            assertEquals(403, client.request("GET", "/", "").status);
        }
        assertEquals(0, passedOn.get());
    }

    /** A context's authenticator answers a request without credentials with 401 and WWW-Authenticate. */
    @Test
    void authenticatorChallengesWithoutCredentials() throws Exception {
        AtomicBoolean handled = new AtomicBoolean();
        newServer();
        HttpContext context = server.createContext("/secret", exchange -> {
            handled.set(true);
            respond(exchange, 200, "secret");
        });
        context.setAuthenticator(basic());
        start();

        HttpResponse<String> response = httpGet("/secret");

        assertEquals(401, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse(null);
        assertNotNull(challenge, "no WWW-Authenticate header");
        assertTrue(challenge.startsWith("Basic realm=\"test-realm\""), challenge);
        assertFalse(handled.get());
    }

    /** With the right credentials the handler runs and the exchange's principal is the user. */
    @Test
    void authenticatorAdmitsRightCredentials() throws Exception {
        newServer();
        HttpContext context = server.createContext("/secret", exchange -> respond(exchange, 200,
                exchange.getPrincipal().getUsername() + "@" + exchange.getPrincipal().getRealm()));
        context.setAuthenticator(basic());
        start();

        HttpResponse<String> right = httpGet("/secret", "Authorization", basicCredentials("alice", "s3cret"));
        HttpResponse<String> wrong = httpGet("/secret", "Authorization", basicCredentials("alice", "guess"));

        assertEquals(200, right.statusCode());
        assertEquals("alice@test-realm", right.body());
        assertEquals(401, wrong.statusCode());
    }

    // ---- asynchronous completion ----

    /** A handler may return and have another thread send the response later; the connection then serves on. */
    @Test
    void responseCompletedOnAnotherThread() throws Exception {
        CountDownLatch handlerReturned = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        AtomicReference<Thread> responderThread = new AtomicReference<>();
        ExecutorService responders = Executors.newSingleThreadExecutor(daemon("test-responder"));
        cleanups.add(responders::shutdownNow);
        newServer();
        server.createContext("/async", exchange -> {
            handlerThread.set(Thread.currentThread());
            responders.execute(() -> {
                try {
                    if (release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        responderThread.set(Thread.currentThread());
                        respond(exchange, 200, "later");
                    }
                } catch (IOException | InterruptedException e) {
                    exchange.close();
                }
            });
            handlerReturned.countDown();
        });
        server.createContext("/sync", labelled("sync"));
        start();

        try (RawHttp client = new RawHttp(port)) {
            client.sendRequest("GET", "/async", "");
            assertTrue(handlerReturned.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler did not return");
            assertEquals(0, client.available(), "a response before the other thread sent one");
            release.countDown();

            Response first = client.read();
            assertEquals(200, first.status);
            assertEquals("later", first.body);
            assertNull(first.header("Connection"));
            assertNotNull(responderThread.get());
            assertNotSame(handlerThread.get(), responderThread.get());

            Response second = client.request("GET", "/sync", "");
            assertEquals(200, second.status);
            assertEquals("sync /sync", second.body);
        }
    }

    // ---- stopping ----

    /** stop(5) waits for the exchange in flight, refuses new connections meanwhile, and returns once it ended. */
    @Test
    void stopWaitsForExchangeInFlight() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        cleanups.add(release::countDown);
        newServer();
        server.createContext("/", labelled("root"));
        server.createContext("/slow", exchange -> {
            entered.countDown();
            awaitQuietly(release);
            respond(exchange, 200, "slow done");
        });
        start();

        try (RawHttp idle = new RawHttp(port); RawHttp busy = new RawHttp(port)) {
            assertEquals(200, idle.request("GET", "/", "").status);
            busy.sendRequest("GET", "/slow", "");
            assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler did not start");

            long stopCalled = System.nanoTime();
            CompletableFuture<Long> stopReturned = onNewThread(() -> {
                server.stop(5);
                return System.nanoTime();
            });
            // stopAccepting closes the listener, then idle connections: this one's EOF says it ran
            assertTrue(idle.isClosedByServer(), "the idle connection was not closed");
            assertFalse(stopReturned.isDone(), "stop returned while an exchange ran");
            assertRefused();
            assertThrows(TimeoutException.class, () -> stopReturned.get(300, TimeUnit.MILLISECONDS),
                    "stop returned while an exchange ran");

            long released = System.nanoTime();
            release.countDown();
            Response response = busy.read();
            assertEquals(200, response.status);
            assertEquals("slow done", response.body);
            assertEquals("close", response.header("Connection"));
            assertTrue(busy.isClosedByServer(), "the connection stayed open after Connection: close");

            long returned = stopReturned.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(returned >= released, "stop returned before the exchange was released");
            long millis = TimeUnit.NANOSECONDS.toMillis(returned - stopCalled);
            assertTrue(millis < 4000, "stop(5) took " + millis + " ms after its exchange ended");
        }
    }

    /**
     * A request whose bytes had arrived when the stop began, but which its loop had not read yet, is served with
     * {@code Connection: close} before the stop closes the connections, and the stop cuts nothing. The loop is kept
     * busy without an exchange in flight: no thread can be made to take it over, and after its one exchange (a
     * handler that leaves a large body unread) it lingers up to 1 s on that connection, reading what its client
     * still sends.
     */
    @Test
    void shutdownServesARequestThatHadArrivedUnread() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        cleanups.add(release::countDown);
        AtomicInteger threads = new AtomicInteger();
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0, DEFAULTS_FOR_ADOPTION, 1);
        server.threadFactory(task -> threads.incrementAndGet() == 1 ? new Thread(task) : null);
        server.createContext("/", labelled("root"));
        server.createContext("/slow", exchange -> {
            entered.countDown();
            awaitQuietly(release);
            respond(exchange, 200, "slow done");
        });
        start();

        try (RawHttp busy = new RawHttp(port); RawHttp idle = new RawHttp(port)) {
            assertEquals(200, idle.request("GET", "/", "").status);
            busy.send("POST /slow HTTP/1.1\r\nHost: test\r\nContent-Length: 2000000\r\n\r\n");
            assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler did not start");
            idle.sendRequest("GET", "/", "");
            awaitCondition(server::hasUnreadRequests, "the request did not wait unread");

            CompletableFuture<Integer> cut = onNewThread(() -> server.shutdown(Duration.ofSeconds(WAIT_SECONDS)));
            awaitCondition(server::isStopping, "the shutdown did not begin");
            release.countDown();
            Response slow = busy.read();
            assertEquals(200, slow.status);
            assertEquals("close", slow.header("Connection"));

            Response response = idle.read();
            assertEquals(200, response.status);
            assertEquals("root /", response.body);
            assertEquals("close", response.header("Connection"));
            assertTrue(idle.isClosedByServer(), "the connection stayed open after Connection: close");
            assertEquals(0, cut.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    /** With nothing in flight, shutdown closes an idle connection and returns within milliseconds. */
    @Test
    void shutdownWithNothingInFlightIsPrompt() throws Exception {
        newServer();
        server.createContext("/", labelled("root"));
        start();
        try (RawHttp idle = new RawHttp(port)) {
            assertEquals(200, idle.request("GET", "/", "").status);
            long from = System.nanoTime();
            assertEquals(0, server.shutdown(Duration.ofSeconds(WAIT_SECONDS)));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
            assertTrue(millis >= 0 && millis < 1000, "shutdown took " + millis + " ms");
            assertTrue(idle.isClosedByServer(), "the idle connection was not closed");
        }
    }

    /** An exchange still running at the timeout is cut, and counted. */
    @Test
    void shutdownCutsWhatRunsPastItsTimeout() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        cleanups.add(release::countDown);
        newServer();
        server.createContext("/slow", exchange -> {
            entered.countDown();
            awaitQuietly(release);
            respond(exchange, 200, "late");
        });
        start();
        try (RawHttp busy = new RawHttp(port)) {
            busy.sendRequest("GET", "/slow", "");
            assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler did not start");
            long from = System.nanoTime();
            assertEquals(1, server.shutdown(Duration.ofMillis(300)));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
            assertTrue(millis >= 290 && millis < 4000, "shutdown took " + millis + " ms");
            assertTrue(busy.isClosedByServer(), "the cut exchange's connection is still open");
        }
    }

    /** Waits until {@code condition} holds, checking every millisecond, at most {@link #WAIT_SECONDS}. */
    private static void awaitCondition(java.util.function.BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        assertTrue(condition.getAsBoolean(), failure);
    }

    /** stop(1) with a handler that never finishes returns after about 1 s and closes its connection. */
    @Test
    void stopGivesUpOnHangingExchangeAfterDelay() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        cleanups.add(never::countDown);
        newServer();
        server.createContext("/hang", exchange -> {
            entered.countDown();
            awaitQuietly(never);
        });
        start();

        try (RawHttp client = new RawHttp(port)) {
            client.sendRequest("GET", "/hang", "");
            assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler did not start");

            long before = System.nanoTime();
            server.stop(1);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

            assertTrue(millis >= 900, "stop(1) returned after " + millis + " ms");
            assertTrue(millis < 4000, "stop(1) returned after " + millis + " ms");
            assertTrue(client.isClosedByServer(), "the hanging exchange's connection is still open");
        }
    }

    /** After stopAccepting an idle keep-alive connection still serves one request, saying Connection: close. */
    @Test
    void stopAcceptingServesARequestOnAnIdleConnectionOnce() throws Exception {
        newServer();
        server.createContext("/", labelled("root"));
        start();

        try (RawHttp client = new RawHttp(port)) {
            Response response = client.request("GET", "/", "");
            assertEquals(200, response.status);
            assertNull(response.header("Connection"));

            server.stopAccepting();

            Response last = client.request("GET", "/", "");
            assertEquals(200, last.status);
            assertEquals("close", last.header("Connection"));
            assertTrue(client.isClosedByServer(), "the connection was not closed after its last response");
        }
    }

    /** closeIdleConnections closes a keep-alive connection waiting for its next request. */
    @Test
    void closeIdleConnectionsClosesAnIdleConnection() throws Exception {
        newServer();
        server.createContext("/", labelled("root"));
        start();

        try (RawHttp client = new RawHttp(port)) {
            assertEquals(200, client.request("GET", "/", "").status);

            server.stopAccepting();
            server.closeIdleConnections();

            assertTrue(client.isClosedByServer(), "the idle connection was not closed");
        }
    }

    /** stopAccepting leaves a connection whose exchange runs open; its response completes, then it closes. */
    @Test
    void stopAcceptingKeepsConnectionWithExchangeInFlight() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        cleanups.add(release::countDown);
        newServer();
        server.createContext("/slow", exchange -> {
            entered.countDown();
            awaitQuietly(release);
            respond(exchange, 200, "finished");
        });
        start();

        try (RawHttp client = new RawHttp(port)) {
            client.sendRequest("GET", "/slow", "");
            assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler did not start");

            server.stopAccepting();
            assertEquals(1, server.activeExchanges());
            release.countDown();

            Response response = client.read();
            assertEquals(200, response.status);
            assertEquals("finished", response.body);
            assertEquals("close", response.header("Connection"));
            assertTrue(client.isClosedByServer(), "the connection stayed open after Connection: close");
        }
    }

    /** activeExchanges() is 1 while a handler runs and 0 once its exchange ended. */
    @Test
    void activeExchangesCountsRunningHandlers() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        cleanups.add(release::countDown);
        newServer();
        server.createContext("/slow", exchange -> {
            entered.countDown();
            awaitQuietly(release);
            respond(exchange, 200, "finished");
        });
        start();
        assertEquals(0, server.activeExchanges());

        try (RawHttp client = new RawHttp(port)) {
            client.sendRequest("GET", "/slow", "Connection: close\r\n");
            assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler did not start");
            assertEquals(1, server.activeExchanges());

            release.countDown();
            assertEquals(200, client.read().status);
            // the server closes (its connection state first) after a Connection: close response
            assertTrue(client.isClosedByServer(), "the connection stayed open after Connection: close");
            assertEquals(0, server.activeExchanges());
        }
    }

    /** closeConnections closes every open connection; openConnections() then reports 0. */
    @Test
    void closeConnectionsClosesEveryConnection() throws Exception {
        CountDownLatch connectionsEnded = new CountDownLatch(2);
        newServer();
        server.createContext("/", labelled("root"));
        // each connection on its own thread, which counts down once the connection's task returned
        server.setExecutor(task -> {
            Thread thread = new Thread(() -> {
                try {
                    task.run();
                } finally {
                    connectionsEnded.countDown();
                }
            }, "test-connection");
            thread.setDaemon(true);
            thread.start();
        });
        start();

        try (RawHttp first = new RawHttp(port); RawHttp second = new RawHttp(port)) {
            assertEquals(200, first.request("GET", "/", "").status);
            assertEquals(200, second.request("GET", "/", "").status);
            assertEquals(2, server.openConnections());

            server.closeConnections();

            assertTrue(first.isClosedByServer(), "the first connection is still open");
            assertTrue(second.isClosedByServer(), "the second connection is still open");
            assertTrue(connectionsEnded.await(WAIT_SECONDS, TimeUnit.SECONDS), "the connections did not end");
            assertEquals(0, server.openConnections());
        }
    }

    // ---- executors and lifecycle ----

    /** With setExecutor before start, connections (and so handlers) run on that executor's threads. */
    @Test
    void connectionsRunOnTheGivenExecutor() throws Exception {
        AtomicInteger created = new AtomicInteger();
        Set<Thread> poolThreads = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "test-pool-" + created.incrementAndGet());
            thread.setDaemon(true);
            poolThreads.add(thread);
            return thread;
        });
        cleanups.add(pool::shutdownNow);
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        newServer();
        server.createContext("/", exchange -> {
            handlerThread.set(Thread.currentThread());
            respond(exchange, 200, Thread.currentThread().getName());
        });
        server.setExecutor(pool);
        assertSame(pool, server.getExecutor());
        start();

        HttpResponse<String> response = httpGet("/");

        assertEquals(200, response.statusCode());
        assertTrue(created.get() >= 1, "the pool made no thread");
        assertTrue(poolThreads.contains(handlerThread.get()), "the handler ran on " + response.body());
    }

    /** setExecutor after start throws IllegalStateException. */
    @Test
    void setExecutorAfterStartThrows() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool(daemon("test-late"));
        cleanups.add(pool::shutdownNow);
        newServer();
        start();

        assertThrows(IllegalStateException.class, () -> server.setExecutor(pool));
    }

    /** start() on a started server throws IllegalStateException. */
    @Test
    void startTwiceThrows() throws Exception {
        newServer();
        server.createContext("/", labelled("root"));
        start();

        assertThrows(IllegalStateException.class, server::start);
        assertEquals(200, httpGet("/").statusCode());
    }

    // ---- failing handlers ----

    /** A handler that throws after sending headers gets its connection closed mid-response; others are served. */
    @Test
    void handlerThrowingAfterHeadersClosesItsConnection() throws Exception {
        newServer();
        server.createContext("/", labelled("root"));
        server.createContext("/half", exchange -> {
            exchange.sendResponseHeaders(200, 10);
            OutputStream body = exchange.getResponseBody();
            body.write("abc".getBytes(StandardCharsets.US_ASCII));
            body.flush();
            throw new IllegalStateException("fails mid-response");
        });
        start();

        try (RawHttp client = new RawHttp(port)) {
            Response response = assertThrows(RawHttp.BodyCutException.class,
                    () -> client.request("GET", "/half", ""), "a truncated body was not cut short").partial;
            assertEquals(200, response.status);
            assertEquals("10", response.header("Content-Length"));
            assertEquals("abc", response.body);
            assertTrue(client.isClosedByServer(), "the connection stayed open");
        }
        try (RawHttp next = new RawHttp(port)) {
            Response response = next.request("GET", "/", "");
            assertEquals(200, response.status);
            assertEquals("root /", response.body);
        }
    }

    /** A handler that throws before sending anything gets its client a 500. */
    @Test
    void handlerThrowingBeforeHeadersGets500() throws Exception {
        newServer();
        server.createContext("/", exchange -> {
            throw new IllegalStateException("fails at once");
        });
        start();

        HttpResponse<String> response = httpGet("/");

        assertEquals(500, response.statusCode());
    }

    // ---- binding ----

    /** getAddress() reports the bound address and port, the one that serves. */
    @Test
    void getAddressReportsBoundPort() throws Exception {
        newServer();
        server.createContext("/", labelled("root"));
        InetSocketAddress address = server.getAddress();

        assertNotNull(address);
        assertEquals(InetAddress.getByName("127.0.0.1"), address.getAddress());
        assertTrue(address.getPort() > 0, "port " + address.getPort());
        start();
        assertEquals(address, server.getAddress());
        assertEquals(200, httpGet("/").statusCode());
    }

    /**
     * A server on an adopted listening channel serves on it and, at its stop, leaves the connections the kernel
     * queued in the channel's backlog, the channel open and blocking as it was: the test accepts one of them
     * itself, a second server on the same channel serves another, with their requests intact.
     */
    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 0})
    void adoptedListenerKeepsItsBacklogAtStop(int loops) throws Exception {
        try (ServerSocketChannel channel = ServerSocketChannel.open()) {
            channel.bind(new InetSocketAddress("127.0.0.1", 0), 50);
            // one connection at a time: the others wait in the kernel's queue
            ServerLimits limits = new ServerLimits(ServerLimits.MAX_HEAD_BYTES, 200, 20_000, 30_000, 1, true);
            server = LauncherHttpServer.create(channel, limits, loops);
            server.createContext("/", labelled("first"));
            assertEquals(channel.getLocalAddress(), server.getAddress());
            start();

            try (RawHttp served = new RawHttp(port); RawHttp queuedForTest = new RawHttp(port);
                 RawHttp queuedForNext = new RawHttp(port)) {
                assertEquals(200, served.request("GET", "/", "").status);
                queuedForTest.sendRequest("GET", "/for-test", "");
                queuedForNext.sendRequest("GET", "/for-next", "");
                queuedForNext.assertNoDataWithin(200);

                server.stop(0);
                assertTrue(served.isClosedByServer(), "the served connection was not closed at the stop");
                assertTrue(channel.isOpen(), "the adopted channel was closed");
                assertTrue(channel.isBlocking(), "the adopted channel's blocking mode was not restored");

                try (SocketChannel accepted = channel.accept()) {
                    ByteBuffer request = ByteBuffer.allocate(64);
                    accepted.read(request);
                    String text = new String(request.array(), 0, request.position(), StandardCharsets.ISO_8859_1);
                    assertTrue(text.startsWith("GET /for-test HTTP/1.1\r\n"), text);
                }

                server = LauncherHttpServer.create(channel, DEFAULTS_FOR_ADOPTION, loops);
                server.createContext("/", labelled("next"));
                server.start();
                Response response = queuedForNext.read();
                assertEquals(200, response.status);
                assertEquals("next /", response.body);
            }
            server.stop(0);
            server = null;
            assertTrue(channel.isOpen(), "the adopted channel was closed");
        }
    }

    /** create on a port a ServerSocket already listens on throws BindException. */
    @Test
    void createOnTakenPortThrowsBindException() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());

            assertThrows(BindException.class, () -> server = LauncherHttpServer.create(address, 0));
        }
    }

    // ---- connection limit ----

    /** With launcher.http.maxConnections=2 a third connection is served only once one of the first two closed. */
    @Test
    void maxConnectionsHoldsBackFurtherConnections() throws Exception {
        String property = "launcher.http.maxConnections";
        String previous = System.getProperty(property);
        System.setProperty(property, "2");
        try {
            newServer();
        } finally {
            if (previous == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, previous);
            }
        }
        server.createContext("/", labelled("root"));
        start();

        try (RawHttp first = new RawHttp(port); RawHttp second = new RawHttp(port);
             RawHttp third = new RawHttp(port)) {
            assertEquals(200, first.request("GET", "/", "").status);
            assertEquals(200, second.request("GET", "/", "").status);

            third.sendRequest("GET", "/", "");
            third.assertNoDataWithin(500);
            assertEquals(2, server.openConnections());

            first.close();
            Response response = assertDoesNotThrow(() -> third.read(),
                    "the waiting connection was closed unserved when a connection slot freed up");
            assertEquals(200, response.status);
            assertEquals("root /", response.body);
            assertEquals(200, second.request("GET", "/", "").status);
        }
    }

    // ---- helpers ----

    private void newServer() throws IOException {
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    }

    private void start() {
        server.start();
        port = server.getAddress().getPort();
    }

    /** A handler answering 200 with {@code label} and its context's path. */
    private static HttpHandler labelled(String label) {
        return exchange -> respond(exchange, 200, label + " " + exchange.getHttpContext().getPath());
    }

    /** A filter that records {@code name>} before and {@code <name} after the rest of the chain. */
    private static Filter tracing(String name, List<String> trace, CountDownLatch returned) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                trace.add(name + ">");
                exchange.getResponseHeaders().add("X-Filter", name);
                chain.doFilter(exchange);
                trace.add("<" + name);
                if (returned != null) {
                    returned.countDown();
                }
            }

            @Override
            public String description() {
                return "traces " + name;
            }
        };
    }

    private static BasicAuthenticator basic() {
        return new BasicAuthenticator("test-realm") {
            @Override
            public boolean checkCredentials(String user, String password) {
                return "alice".equals(user) && "s3cret".equals(password);
            }
        };
    }

    private static String basicCredentials(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code body} with its Content-Length (no body: -1) and completes the exchange. */
    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    /** Waits for {@code latch} at most {@link #WAIT_SECONDS}: a handler's wait, bounded so no thread is left. */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<String> httpGet(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(WAIT_SECONDS));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts that a connection to the server's port is refused. */
    private void assertRefused() {
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            }
        }, "a new connection was accepted after stopAccepting");
    }

    private static <T> CompletableFuture<T> onNewThread(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "test-async");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
