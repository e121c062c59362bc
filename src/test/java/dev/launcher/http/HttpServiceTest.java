package dev.launcher.http;

import dev.launcher.group.MemberResult;
import dev.launcher.group.Outcome;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP member in-process: routing, limits, and the graceful stop. */
@Timeout(60)
class HttpServiceTest {

    private static final String BODY = "x".repeat(10_000);

    private final CountDownLatch slowEntered = new CountDownLatch(1);
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private ServiceGroup group;
    private CompletableFuture<Outcome> outcome;
    private int port;

    /** Starts a group with an HTTP member serving /, /slow (held until released), /boom (throws). */
    private void start(Duration timeout) throws Exception {
        start(timeout, Duration.ZERO);
    }

    /** As {@link #start(Duration)}, with a drain delay for requested stops. */
    private void start(Duration timeout, Duration drainDelay) throws Exception {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        HttpService http = HttpService.builder("127.0.0.1", 0)
                .route("/", exchange -> Responses.send(exchange, 200, Responses.TEXT, "hello\n"))
                .route("/slow", exchange -> {
                    slowEntered.countDown();
                    try {
                        slowRelease.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Responses.send(exchange, 200, Responses.TEXT, BODY);
                })
                .route("/boom", exchange -> {
                    throw new IllegalStateException("boom");
                })
                .onListening(bound::complete)
                .build();
        group = ServiceGroup.builder().shutdownTimeout(timeout).drainDelay(drainDelay)
                .interruptGrace(Duration.ofMillis(500)).add("http", http).build();
        outcome = CompletableFuture.supplyAsync(group::run);
        port = bound.get(10, TimeUnit.SECONDS).getPort();
        assertTrue(group.awaitReady(Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() throws Exception {
        if (group != null) {
            slowRelease.countDown();
            group.requestStop(StopCause.requested("test end"));
            outcome.get(20, TimeUnit.SECONDS);
        }
    }

    /** The builder hands out the metrics and exchanges of the service it builds next (a handler can report on it). */
    @Test
    void builderHandsOutTheMetricsAndExchangesOfItsService() {
        HttpService.Builder builder = HttpService.builder("127.0.0.1", 0);
        HttpMetrics metrics = builder.metrics();
        ExchangeTracker exchanges = builder.exchanges();
        HttpService first = builder.build();
        assertSame(metrics, first.metrics());
        assertSame(exchanges, first.exchanges());
        HttpService second = builder.build();
        assertNotSame(metrics, second.metrics());
        assertNotSame(exchanges, second.exchanges());
    }

    private Outcome awaitOutcome() throws InterruptedException, ExecutionException, TimeoutException {
        return outcome.get(20, TimeUnit.SECONDS);
    }

    /** Requests the stop and asserts the HTTP member ended as expected within the given bounds (ms). */
    private Outcome stopAndExpect(MemberResult.Status expected, long atLeastMs, long belowMs) throws Exception {
        long start = System.nanoTime();
        group.requestStop(StopCause.requested("test"));
        Outcome result = awaitOutcome();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(expected, result.member("http").status(), result.toString());
        assertTrue(millis >= atLeastMs && millis < belowMs, "stop took " + millis + " ms");
        return result;
    }

    /** GET / is routed; an unknown path gets 404; HEAD gets the headers without a body. */
    @Test
    void routesAndHead() throws Exception {
        start(Duration.ofSeconds(5));
        try (RawHttp http = new RawHttp(port)) {
            RawHttp.Response get = http.request("GET", "/", "");
            assertEquals(200, get.status);
            assertEquals("hello\n", get.body);
            RawHttp.Response head = http.request("HEAD", "/", "");
            assertEquals(200, head.status);
            assertEquals("6", head.header("Content-Length"));
            assertEquals(404, http.request("GET", "/nope", "").status);
            assertEquals(404, http.request("GET", "/slowx", "").status);
        }
    }

    /** A request saying Connection: close gets a response saying so, then the connection closes. */
    @Test
    void connectionCloseIsAnnounced() throws Exception {
        start(Duration.ofSeconds(5));
        try (RawHttp http = new RawHttp(port)) {
            RawHttp.Response response = http.request("GET", "/", "Connection: close\r\n");
            assertEquals("close", response.header("Connection"));
            assertTrue(http.isClosedByServer());
        }
    }

    /**
     * From the stop trigger on — through the drain delay, while the server still serves — every response says
     * {@code Connection: close} and its connection closes: on a keep-alive connection opened before the trigger
     * and on a new one.
     */
    @Test
    void responsesCloseTheirConnectionFromTheStopTrigger() throws Exception {
        start(Duration.ofSeconds(10), Duration.ofSeconds(5));
        try (RawHttp before = new RawHttp(port)) {
            RawHttp.Response kept = before.request("GET", "/", "");
            assertEquals(200, kept.status);
            assertNull(kept.header("Connection"), "keep-alive before the trigger");
            assertTrue(group.requestStop(StopCause.requested("test")));
            RawHttp.Response afterTrigger = before.request("GET", "/", "");
            assertEquals(200, afterTrigger.status, "still served during the drain delay");
            assertEquals("close", afterTrigger.header("Connection"));
            assertTrue(before.isClosedByServer());
        }
        try (RawHttp fresh = new RawHttp(port)) {
            RawHttp.Response response = fresh.request("GET", "/", "");
            assertEquals(200, response.status);
            assertEquals("close", response.header("Connection"));
            assertTrue(fresh.isClosedByServer());
        }
    }

    /** A handler that throws gets its client a 500, and the server keeps serving. */
    @Test
    void throwingHandlerAnswers500() throws Exception {
        start(Duration.ofSeconds(5));
        RawHttp.Response boom = RawHttp.get(port, "/boom");
        assertEquals(500, boom.status);
        assertEquals(Responses.SERVER_ERROR_BODY, boom.body);
        assertEquals(200, RawHttp.get(port, "/").status);
    }

    /** A garbage request line gets 400 (or a closed connection), and the server keeps serving. */
    @Test
    void malformedRequestGets400() throws Exception {
        start(Duration.ofSeconds(5));
        try (RawHttp http = new RawHttp(port)) {
            http.send("THIS-IS-NOT-HTTP\r\n\r\n");
            assertEquals(400, http.read(false).status);
        }
        assertEquals(200, RawHttp.get(port, "/").status);
    }

    /** A request head over 64 KiB is refused (431 or a closed connection), and the server keeps serving. */
    @Test
    void oversizedHeadIsRefused() throws Exception {
        start(Duration.ofSeconds(5));
        try (RawHttp http = new RawHttp(port)) {
            try {
                http.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1024 * 1024) + "\r\n\r\n");
                RawHttp.Response response = http.read(false);
                assertTrue(response.status == 431 || response.status == 400, response.toString());
            } catch (IOException closed) {
                // refused by closing the connection: allowed
            }
        }
        assertEquals(200, RawHttp.get(port, "/").status);
    }

    /** A slow exchange in flight at the stop completes in full with Connection: close; the stop waits for it. */
    @Test
    void inFlightExchangeCompletesDuringStop() throws Exception {
        start(Duration.ofSeconds(10));
        try (RawHttp slow = new RawHttp(port)) {
            slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(slowEntered.await(10, TimeUnit.SECONDS));
            group.requestStop(StopCause.requested("test"));
            // the listener closes: new connections are refused
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 200; i++) {
                    RawHttp.get(port, "/");
                    // a connection accepted before the close was served; try again until the listener is gone
                }
            });
            assertEquals(ServiceGroup.State.STOPPING, group.state());
            slowRelease.countDown();
            RawHttp.Response response = slow.read(false);
            assertEquals(200, response.status);
            assertEquals(BODY, response.body);
            assertEquals("close", response.header("Connection"));
        }
        Outcome result = awaitOutcome();
        assertEquals(MemberResult.Status.STOPPED, result.member("http").status());
    }

    /** An idle keep-alive connection does not delay the stop, and is closed by it. */
    @Test
    void idleKeepAliveDoesNotDelayStop() throws Exception {
        start(Duration.ofSeconds(10));
        try (RawHttp idle = new RawHttp(port)) {
            assertEquals(200, idle.request("GET", "/", "").status);
            stopAndExpect(MemberResult.Status.STOPPED, 0, 1000);
            assertTrue(idle.isClosedByServer());
        }
    }

    /** A client that sent half a request head is not in flight: the stop closes it at once. */
    @Test
    void halfSentHeadDoesNotDelayStop() throws Exception {
        start(Duration.ofSeconds(10));
        try (RawHttp partial = new RawHttp(port)) {
            partial.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a");
            assertEquals(200, RawHttp.get(port, "/").status);
            stopAndExpect(MemberResult.Status.STOPPED, 0, 1000);
        }
    }

    /** A request declaring a body it never sends still gets its response, and does not hold the stop. */
    @Test
    void declaredBodyNeverSentDoesNotHoldTheStop() throws Exception {
        start(Duration.ofSeconds(10));
        try (RawHttp liar = new RawHttp(port)) {
            liar.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
            assertEquals(200, liar.read(false).status);
            stopAndExpect(MemberResult.Status.STOPPED, 0, 1000);
        }
    }

    /** An exchange still in flight at the deadline is cut: the member ends FORCED, naming the cut exchange. */
    @Test
    void exchangeBeyondDeadlineIsForced() throws Exception {
        start(Duration.ofMillis(300));
        try (RawHttp slow = new RawHttp(port)) {
            slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(slowEntered.await(10, TimeUnit.SECONDS));
            MemberResult http = stopAndExpect(MemberResult.Status.FORCED, 290, 2000).member("http");
            assertTrue(http.error().orElseThrow().getMessage().contains("1 exchange(s) still in flight"),
                    String.valueOf(http.error()));
        }
    }

    /** A port already taken fails the member with a message naming the address. */
    @Test
    void busyPortFailsWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            HttpService http = HttpService.builder("127.0.0.1", taken.getLocalPort()).build();
            Outcome result = ServiceGroup.builder().add("http", http).build().run();
            assertTrue(result.cause().isFailure());
            Throwable error = result.cause().error().orElseThrow();
            assertTrue(error instanceof ListenException);
            assertTrue(error.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    error.getMessage());
        }
        assertNull(group);
    }
}
