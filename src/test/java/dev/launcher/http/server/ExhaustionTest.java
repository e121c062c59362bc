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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Running out of threads degrades the server, never deafens it: a thread that cannot be made costs at most the
 * connection that needed it (or a wait for a blocked handler), is counted, and the loops, the accept thread and
 * the watchdog go on; slow clients — partial heads up to the head limit, partial small bodies — hold no thread.
 */
@Timeout(120)
class ExhaustionTest {

    private static final long WAIT_SECONDS = 15;
    private static final String BLOCK = "GET /block HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final ServerLimits DEFAULTS = new ServerLimits(ServerLimits.MAX_HEAD_BYTES, 200, 20_000, 30_000,
            4096, true);
    /** What a JVM out of native threads throws. */
    private static final String NO_THREAD = "unable to create native thread: possibly out of memory or process/resource"
            + " limits reached";

    private LauncherHttpServer server;
    private int port;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<AutoCloseable> clients = new ArrayList<>();

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

    /**
     * Thread creation fails after the loop's first thread (an {@code OutOfMemoryError}, or a factory that makes
     * none: a rejected task): a blocking handler then holds up its loop — the other connection waits instead of
     * being served beside it — but nothing is lost: once the handler returns both are served, the loop and the
     * watchdog go on, the failures are counted, and the stop is prompt.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"error", "null"})
    void noThreadForAHandOffCostsOnlyAWait(String failure) throws Exception {
        CountingFactory threads = new CountingFactory(call -> call == 1, failure.equals("error"));
        CountDownLatch entered = new CountDownLatch(1);
        start(1, threads, entered);
        RawHttp blocked = sendBlocking();
        awaitStarted(entered);
        awaitCondition(() -> server.survivedFailures() >= 1, "no failed hand-off was counted");

        RawHttp waiting = client();
        waiting.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        release.countDown();
        assertEquals("blocked", blocked.read(false).body);
        assertEquals("fast", waiting.read(false).body);
        for (int i = 0; i < 3; i++) {
            assertEquals("fast", client().request("GET", "/fast", "").body);
        }
        assertEquals(1, threads.created.get(), "threads made");
        assertTrue(threads.refused.get() >= 1, "no thread was refused");
        assertTrue(watchdogAlive(), "the watchdog thread died");
        assertStopsPromptly();
    }

    /**
     * Every other thread fails to start: six handlers blocking at once on one loop still each get a thread in
     * the end (a failed hand-off is tried again), the loop serves another client beside them, and every response
     * arrives.
     */
    @Test
    void threadsFailingSometimesStillServeEveryone() throws Exception {
        CountingFactory threads = new CountingFactory(call -> call == 1 || call % 2 == 1, true);
        int count = 6;
        CountDownLatch entered = new CountDownLatch(count);
        start(1, threads, entered);
        List<RawHttp> blocked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            blocked.add(sendBlocking());
        }
        awaitStarted(entered);
        assertEquals("fast", client().request("GET", "/fast", "").body);
        release.countDown();
        for (RawHttp client : blocked) {
            assertEquals("blocked", client.read(false).body);
            assertEquals("fast", client.request("GET", "/fast", "").body);
        }
        assertTrue(server.survivedFailures() >= 1, "no failure counted");
        assertEquals(threads.refused.get(), server.survivedFailures(), "failures counted");
        assertTrue(threads.created.get() <= 1 + count, threads.created.get() + " threads for " + count + " hand-offs");
        assertTrue(watchdogAlive(), "the watchdog thread died");
        assertStopsPromptly();
    }

    /**
     * With a thread per connection, an executor that fails every other connection's thread: each such connection
     * is closed unserved and counted, and the accept thread goes on to serve the next.
     */
    @Test
    void connectionWithoutAThreadIsClosedAndTheNextServed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Executor sometimes = task -> {
            if (calls.incrementAndGet() % 2 == 0) {
                throw new OutOfMemoryError(NO_THREAD);
            }
            Thread thread = new Thread(task, "test-connection");
            thread.setDaemon(true);
            thread.start();
        };
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0, DEFAULTS, 0);
        server.setExecutor(sometimes);
        server.createContext("/fast", exchange -> respond(exchange, "fast"));
        server.start();
        port = server.getAddress().getPort();

        int served = 0;
        int closed = 0;
        for (int i = 0; i < 6; i++) {
            RawHttp client = client();
            client.send("GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            try {
                assertEquals("fast", client.read(false).body);
                served++;
            } catch (IOException e) {
                closed++;
            }
        }
        assertEquals(3, served, "connections served");
        assertEquals(3, closed, "connections closed unserved");
        // the accept thread counts a failure as it closes the connection: the client may see the close first
        awaitCondition(() -> server.survivedFailures() >= 3, "fewer than 3 failures counted");
        assertEquals(3, server.survivedFailures(), "failures counted");
        assertStopsPromptly();
    }

    /**
     * Three hundred slow clients — a third holding a partial head over the 8 KiB buffer, a third a short partial
     * head, a third a partial small body — are all taken in and hold no thread: the server's threads stay its
     * loops. Others are served meanwhile, and a body completed late is served.
     */
    @Test
    void slowClientsHoldNoThread() throws Exception {
        int loops = 2;
        start(loops, null, new CountDownLatch(0));
        String bigHeader = "X-Big: " + "b".repeat(20 * 1024) + "\r\n";
        List<RawHttp> bodies = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            client().send("GET /fast HTTP/1.1\r\nHost: x\r\n" + bigHeader);
            client().send("GET /fast HTTP/1.1\r\nHost: x\r\nX-Part");
            RawHttp body = client();
            body.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "y".repeat(10));
            bodies.add(body);
        }
        awaitCondition(() -> server.openConnections() == 300 && !server.hasUnreadRequests(),
                "the slow clients' bytes were not all taken in");

        assertEquals("fast", client().request("GET", "/fast", "").body);
        assertEquals(loops, serverThreads(), "the server's threads beside " + loops + " loops");
        RawHttp late = bodies.get(0);
        late.send("y".repeat(990));
        assertEquals("1000", late.read(false).body);
        assertEquals(loops, serverThreads(), "the server's threads beside " + loops + " loops");
        assertEquals(0, server.survivedFailures());
        assertStopsPromptly();
    }

    private void start(int loops, ThreadFactory threads, CountDownLatch entered) throws IOException {
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0, DEFAULTS, loops);
        if (threads != null) {
            server.threadFactory(threads);
        }
        server.createContext("/fast", exchange -> respond(exchange, "fast"));
        server.createContext("/echo", exchange -> respond(exchange,
                Integer.toString(exchange.getRequestBody().readAllBytes().length)));
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

    /** {@return the live threads the server's loops run on} */
    private long serverThreads() {
        String prefix = "http-loop-" + port + "-";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive()).count();
    }

    private boolean watchdogAlive() {
        String name = "http-watchdog-" + port;
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals(name) && thread.isAlive());
    }

    /** Stops the server, asserting it takes less than 5 s (it has nothing in flight). */
    private void assertStopsPromptly() {
        long from = System.nanoTime();
        server.stop(0);
        long millis = (System.nanoTime() - from) / 1_000_000;
        server = null;
        assertTrue(millis >= 0 && millis < 5_000, "stop took " + millis + " ms");
    }

    private RawHttp client() throws IOException {
        RawHttp client = new RawHttp(port);
        clients.add(client);
        return client;
    }

    private RawHttp sendBlocking() throws IOException {
        RawHttp client = client();
        client.send(BLOCK);
        return client;
    }

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

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Makes a thread for the calls {@code allowed} accepts (counted from 1); for the others throws what a JVM out
     * of native threads throws, or (not {@code throwing}) makes none.
     */
    private static final class CountingFactory implements ThreadFactory {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        private final IntPredicate allowed;
        private final boolean throwing;

        CountingFactory(IntPredicate allowed, boolean throwing) {
            this.allowed = allowed;
            this.throwing = throwing;
        }

        @Override
        public Thread newThread(Runnable task) {
            if (!allowed.test(calls.incrementAndGet())) {
                refused.incrementAndGet();
                if (throwing) {
                    throw new OutOfMemoryError(NO_THREAD);
                }
                return null;
            }
            created.incrementAndGet();
            return new Thread(task);
        }
    }
}
