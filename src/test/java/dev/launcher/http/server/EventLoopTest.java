package dev.launcher.http.server;

import com.sun.net.httpserver.HttpExchange;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event loops that serve connections by default: a blocking handler holds up only its own connection (the
 * loop goes on on another thread, and the connection comes back to the loop afterwards), heads that arrive in
 * pieces or exceed a loop's buffer, and the loop's own timers (idle timeout, head deadline). The thread-per-
 * connection mode is checked for the same blocking behaviour.
 */
@Timeout(60)
class EventLoopTest {

    /** The most a handler blocks, and a test waits for a blocked one. */
    private static final long WAIT_SECONDS = 15;
    /** The most a request beside a blocked handler may take: well under {@link #WAIT_SECONDS}. */
    private static final int BESIDE_MILLIS = 5_000;
    /** A request to the handler that blocks until {@link #release}. */
    private static final String BLOCK = "GET /block HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final ServerLimits DEFAULTS = new ServerLimits(ServerLimits.MAX_HEAD_BYTES, 200, 20_000, 30_000,
            4096, true);

    private LauncherHttpServer server;
    private int port;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<AutoCloseable> clients = new ArrayList<>();
    /** Requests the {@code /echo} handler has seen. */
    private final AtomicInteger echoed = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    /** On a single loop, a handler that blocks does not keep another connection from being served. */
    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 0})
    void blockingHandlerHoldsUpOnlyItsConnection(int loops) throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        start(DEFAULTS, loops, entered);
        RawHttp blocked = sendBlocking();
        awaitStarted(entered);

        RawHttp other = besideClient();
        assertEquals("fast", other.request("GET", "/fast", "").body);
        assertEquals("fast", other.request("GET", "/fast", "").body);

        release.countDown();
        assertEquals("blocked", blocked.read(false).body);
        // the connection that was served away from the loop is served again, keep-alive
        assertEquals("fast", blocked.request("GET", "/fast", "").body);
    }

    /** After a quiet spell, in which the watchdog went to sleep, a blocking handler still holds up only its own. */
    @Test
    void blockingHandlerAfterTheWatchdogSlept() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        start(DEFAULTS, 1, entered);
        assertEquals("fast", client().request("GET", "/fast", "").body);
        awaitCondition(() -> server.watchdog().sleeping(), "the watchdog of an idle server did not go to sleep");

        RawHttp blocked = sendBlocking();
        awaitStarted(entered);
        assertEquals("fast", besideClient().request("GET", "/fast", "").body);
        release.countDown();
        assertEquals("blocked", blocked.read(false).body);
    }

    /** Several handlers blocking at once on one loop each get a thread; the loop still serves the rest. */
    @Test
    void manyBlockingHandlersAtOnce() throws Exception {
        int count = 6;
        CountDownLatch entered = new CountDownLatch(count);
        start(DEFAULTS, 1, entered);
        List<RawHttp> blocked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            blocked.add(sendBlocking());
        }
        awaitStarted(entered);
        assertEquals("fast", besideClient().request("GET", "/fast", "").body);
        release.countDown();
        for (RawHttp client : blocked) {
            assertEquals("blocked", client.read(false).body);
            assertEquals("fast", client.request("GET", "/fast", "").body);
        }
    }

    /** A request pipelined behind one whose handler blocks is served, in order, once that handler returns. */
    @Test
    void pipelinedRequestBehindABlockingOne() throws Exception {
        RawHttp client = behindABlockingOne("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("fast", client.read(false).body);
        assertEquals("fast", client.request("GET", "/fast", "").body);
    }

    /**
     * Behind a request whose handler blocks, part of the next head: the thread the loop left serves what arrived
     * whole, gives the connection back at its first wait, and the loop receives the rest of the head.
     */
    @Test
    void partOfAHeadBehindABlockingOne() throws Exception {
        RawHttp client = behindABlockingOne("GET /fast HTTP/1.1\r\nHo");
        client.send("st: x\r\n\r\n");
        assertEquals("fast", client.read(false).body);
        assertEquals("fast", client.request("GET", "/fast", "").body);
    }

    /**
     * Behind a request whose handler blocks, one that waits for {@code 100 Continue} (RFC 9110, 10.1.1): once the
     * handler returns, the thread the loop left sends it, and the body the client then sends reaches its handler.
     */
    @Test
    void expectContinueBehindABlockingOne() throws Exception {
        RawHttp client = behindABlockingOne(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        assertEquals(100, client.read(false).status);
        client.send("hello");
        assertEquals("hello", client.read(false).body);
        assertEquals("fast", client.request("GET", "/fast", "").body);
    }

    /**
     * Behind a request whose handler blocks, a malformed one (a Content-Length list, RFC 9112 6.3): once the
     * handler returns it is refused with 400, its handler never runs, and the connection closes.
     */
    @Test
    void malformedRequestBehindABlockingOne() throws Exception {
        RawHttp client = behindABlockingOne("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello");
        assertEquals(400, client.read(false).status);
        client.assertClosed();
        assertEquals(0, echoed.get(), "a handler saw the refused request");
    }

    /**
     * Sends a request whose handler blocks, then {@code next} on the same connection; checks that the loop serves
     * another connection meanwhile, releases the handler and reads its answer.
     *
     * @return the connection, with {@code next} still to be answered
     */
    private RawHttp behindABlockingOne(String next) throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        start(DEFAULTS, 1, entered);
        RawHttp client = client();
        client.send(BLOCK + next);
        awaitStarted(entered);
        assertEquals("fast", besideClient().request("GET", "/fast", "").body);
        release.countDown();
        assertEquals("blocked", client.read(false).body);
        return client;
    }

    /** A connection's placement moves only between its loop and away from it; any other move is a bug. */
    @Test
    void impossiblePlacementMovesThrow() {
        Connection connection = new Connection(null, null, null, null);
        assertThrows(AssertionError.class,
                () -> connection.place(Connection.Placement.AWAY, Connection.Placement.ON_LOOP));
        assertThrows(AssertionError.class,
                () -> connection.place(Connection.Placement.ON_LOOP, Connection.Placement.ON_LOOP));
        connection.place(Connection.Placement.ON_LOOP, Connection.Placement.AWAY);
        connection.place(Connection.Placement.AWAY, Connection.Placement.ON_LOOP);
    }

    /**
     * Many clients at once on one loop, a third of their requests blocking 5 ms in the handler (each such request
     * moves the loop to another thread): every response is the right one, in order, and once the clients have
     * closed, the server holds no connection.
     */
    @Test
    void mixedLoadOnOneLoop() throws Exception {
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0, DEFAULTS, 1);
        server.createContext("/mixed", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            if (query.startsWith("block")) {
                try {
                    Thread.sleep(5); // the blocking work of a handler, not a wait of the test
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            respond(exchange, query);
        });
        server.start();
        port = server.getAddress().getPort();
        int clients = 16;
        int requests = 40;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    try (RawHttp http = new RawHttp(port)) {
                        for (int i = 0; i < requests; i++) {
                            String query = (i + client) % 3 == 0 ? "block-" + client + "-" + i : "fast-" + client + "-" + i;
                            assertEquals(query, http.request("GET", "/mixed?" + query, "").body);
                        }
                    }
                    return requests;
                }));
            }
            int served = 0;
            for (Future<Integer> result : results) {
                served += result.get(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            }
            assertEquals(clients * requests, served);
        } finally {
            pool.shutdownNow();
        }
        awaitCondition(() -> server.openConnections() == 0, "connections left after every client closed");
    }

    /** A head that arrives in two pieces is answered once it is whole, not before. */
    @Test
    void headInPieces() throws Exception {
        start(DEFAULTS, 1, new CountDownLatch(0));
        RawHttp client = client();
        client.send("GET /fast HTTP/1.1\r\nHo");
        assertNothingWithin(client, 150);
        client.send("st: x\r\n\r\n");
        assertEquals("fast", client.read(false).body);
    }

    /** A head larger than a connection's 8 KiB buffer (but within the limit) is served, and the next one too. */
    @Test
    void headLargerThanTheBuffer() throws Exception {
        start(DEFAULTS, 1, new CountDownLatch(0));
        RawHttp client = client();
        String big = "X-Big: " + "b".repeat(3 * ConnectionBuffers.BYTES) + "\r\n";
        assertEquals("fast", client.request("GET", "/fast", big).body);
        assertEquals("fast", client.request("GET", "/fast", "").body);
    }

    /** The loop closes a keep-alive connection idle past the idle timeout — not before it. */
    @Test
    void idleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(new ServerLimits(ServerLimits.MAX_HEAD_BYTES, 200, 20_000, 300, 4096, true), 1, new CountDownLatch(0));
        RawHttp client = client();
        assertEquals("fast", client.request("GET", "/fast", "").body);
        long idleFrom = System.nanoTime();
        assertTrue(client.isClosedByServer(), "the idle connection was not closed");
        long idleMillis = (System.nanoTime() - idleFrom) / 1_000_000;
        assertTrue(idleMillis >= 250 && idleMillis < 5_000, "closed after " + idleMillis + " ms");
    }

    /** A head that does not arrive whole within the request time gets 408 from the loop, then a close. */
    @Test
    void slowHeadGets408() throws Exception {
        start(new ServerLimits(ServerLimits.MAX_HEAD_BYTES, 200, 300, 30_000, 4096, true), 1, new CountDownLatch(0));
        RawHttp client = client();
        long from = System.nanoTime();
        client.send("GET /fast HTTP/1.1\r\nHost: x\r\n");
        assertEquals(408, client.read(false).status);
        long millis = (System.nanoTime() - from) / 1_000_000;
        assertTrue(millis >= 250 && millis < 5_000, "408 after " + millis + " ms");
        assertTrue(client.isClosedByServer());
        // the loop serves others meanwhile and after
        assertEquals("fast", client().request("GET", "/fast", "").body);
    }

    private void start(ServerLimits limits, int loops, CountDownLatch entered) throws IOException {
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0, limits, loops);
        server.createContext("/fast", exchange -> respond(exchange, "fast"));
        server.createContext("/echo", exchange -> {
            echoed.incrementAndGet();
            respond(exchange, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        });
        server.createContext("/block", exchange -> {
            entered.countDown();
            try {
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, "blocked");
        });
        server.start();
        port = server.getAddress().getPort();
    }

    private RawHttp client() throws IOException {
        RawHttp client = new RawHttp(port);
        clients.add(client);
        return client;
    }

    /** Sends a request whose handler blocks until {@link #release}; returns its client. */
    private RawHttp sendBlocking() throws IOException {
        RawHttp client = client();
        client.send(BLOCK);
        return client;
    }

    /** Waits, bounded, until the blocking handlers {@code entered} counts have all started. */
    private static void awaitStarted(CountDownLatch entered) throws InterruptedException {
        assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "not every blocking handler started");
    }

    /** Waits until {@code condition} holds, checking every millisecond, at most {@link #WAIT_SECONDS}. */
    private static void awaitCondition(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000L);
        }
        assertTrue(condition.getAsBoolean(), failure);
    }

    /** A client whose reads fail after {@link #BESIDE_MILLIS}: before a blocked handler could have returned. */
    private RawHttp besideClient() throws IOException {
        RawHttp client = client();
        client.socket().setSoTimeout(BESIDE_MILLIS);
        return client;
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Asserts that no byte arrives for {@code millis}: a negative check, it cannot fail spuriously. */
    private static void assertNothingWithin(RawHttp client, int millis) throws IOException {
        int before = client.socket().getSoTimeout();
        client.socket().setSoTimeout(millis);
        try {
            assertThrows(SocketTimeoutException.class, () -> client.socket().getInputStream().read());
        } finally {
            client.socket().setSoTimeout(before);
        }
    }
}
