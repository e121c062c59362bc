package dev.launcher.http.server;

import dev.launcher.testing.RawHttp;
import dev.launcher.testing.RawHttp.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection that has received no byte yet when the stop begins is waiting for its first request, not idle (Go's
 * {@code StateNew}): a proxy connects, then writes its request when its event loop gets to it, and closing the
 * connection in between loses that request (behind nginx, a POST answered 502). The stop serves that request, with
 * {@code Connection: close}, and waits for it at most {@link LauncherHttpServer#FIRST_REQUEST_NANOS} after the
 * connection opened. In every thread mode.
 */
@Timeout(60)
class FirstRequestAtStopTest {

    private static final long WAIT_SECONDS = 15;
    private static final long FIRST_REQUEST_MILLIS = LauncherHttpServer.FIRST_REQUEST_NANOS / 1_000_000L;

    private LauncherHttpServer server;
    private String previousMode;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
        if (previousMode == null) {
            System.clearProperty(ConnectionThreads.PROPERTY);
        } else {
            System.setProperty(ConnectionThreads.PROPERTY, previousMode);
        }
    }

    private int start(String mode) throws IOException {
        previousMode = System.getProperty(ConnectionThreads.PROPERTY);
        System.setProperty(ConnectionThreads.PROPERTY, mode);
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "served".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    /**
     * The idle keep-alive connection is closed by the stop (its end of stream says the stop reached that phase);
     * the connection opened without a request yet stays open, and the request sent on it then is served. Fails
     * without the rule: both connections are closed together.
     */
    @ParameterizedTest
    @ValueSource(strings = {"loop", "platform"})
    void aRequestOnAConnectionOpenedBeforeTheStopIsServed(String mode) throws Exception {
        int port = start(mode);
        try (RawHttp kept = new RawHttp(port); RawHttp fresh = new RawHttp(port)) {
            assertEquals(200, kept.request("GET", "/", "").status);
            awaitCondition(() -> server.openConnections() == 2, "the server did not accept both connections");

            CompletableFuture<Integer> cut = new CompletableFuture<>();
            Thread stopper = new Thread(() -> {
                try {
                    cut.complete(server.shutdown(Duration.ofSeconds(WAIT_SECONDS)));
                } catch (Throwable e) {
                    cut.completeExceptionally(e);
                }
            });
            stopper.start();
            assertTrue(kept.isClosedByServer(), "the idle keep-alive connection was not closed");
            assertFalse(cut.isDone(), "the stop ended while a connection waited for its first request");

            Response response = fresh.request("GET", "/", "");
            assertEquals(200, response.status);
            assertEquals("served", response.body);
            assertEquals("close", response.header("Connection"));
            assertTrue(fresh.isClosedByServer(), "the connection stayed open after Connection: close");
            assertEquals(0, cut.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    /** A connection that never sends holds the stop until {@code FIRST_REQUEST_NANOS} after it opened, no longer. */
    @ParameterizedTest
    @ValueSource(strings = {"loop", "platform"})
    void theStopWaitsForAFirstRequestOnlySoLong(String mode) throws Exception {
        int port = start(mode);
        long opening = System.nanoTime();
        try (RawHttp silent = new RawHttp(port)) {
            awaitCondition(() -> server.openConnections() == 1, "the server did not accept the connection");
            assertEquals(0, server.shutdown(Duration.ofSeconds(WAIT_SECONDS)));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opening);
            assertTrue(millis >= FIRST_REQUEST_MILLIS && millis < FIRST_REQUEST_MILLIS + 3000,
                    "the stop ended " + millis + " ms after the connection opened");
            assertTrue(silent.isClosedByServer(), "the silent connection is still open");
        }
    }

    /** Waits until {@code condition} holds, checking every millisecond, at most {@link #WAIT_SECONDS}. */
    private static void awaitCondition(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000L);
        }
        assertTrue(condition.getAsBoolean(), failure);
    }
}
