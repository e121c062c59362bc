package dev.launcher.http;

import dev.launcher.group.Outcome;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;
import dev.launcher.testing.RawHttp;
import dev.launcher.testing.RawHttp.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP/1.1 wire conformance of {@link HttpService}, byte-exact over raw sockets (the contract of the engine). */
@Timeout(60)
class HttpConformanceTest {

    /** Each read waits at most this long (a connection the server should close fails after it). */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private ServiceGroup group;
    private CompletableFuture<Outcome> outcome;
    private int port;
    /** A connection opened for each test. */
    private RawHttp c;

    @BeforeEach
    void start() throws Exception {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        HttpService http = HttpService.builder("127.0.0.1", 0)
                .route("/", exchange -> Responses.send(exchange, 200, Responses.TEXT, "hello\n"))
                .route("/echo", exchange -> Responses.send(exchange, 200, Responses.TEXT,
                        Integer.toString(exchange.getRequestBody().readAllBytes().length)))
                .route("/ignore", exchange -> Responses.send(exchange, 200, Responses.TEXT, "ok"))
                .route("/chunked", exchange -> {
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write("part1-".getBytes(StandardCharsets.US_ASCII));
                        body.flush();
                        body.write("part2".getBytes(StandardCharsets.US_ASCII));
                    }
                    exchange.close();
                })
                .route("/nocontent", exchange -> {
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                })
                .route("/boom", exchange -> {
                    throw new IllegalStateException("boom");
                })
                .onListening(bound::complete)
                .build();
        group = ServiceGroup.builder().shutdownTimeout(Duration.ofSeconds(5)).interruptGrace(Duration.ofMillis(500))
                .add("http", http).build();
        outcome = CompletableFuture.supplyAsync(group::run);
        port = bound.get(10, TimeUnit.SECONDS).getPort();
        assertTrue(group.awaitReady(Duration.ofSeconds(10)));
        c = new RawHttp(port, READ_TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        if (c != null) {
            c.close();
        }
        group.requestStop(StopCause.requested("test end"));
        outcome.get(20, TimeUnit.SECONDS);
    }

    /** Three sequential GET / on one connection all get 200 "hello\n". */
    @Test
    void keepAlive() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertHello(c);
        }
    }

    /** Two complete requests in one write get two responses, in order, on that connection. */
    @Test
    void pipelining() throws Exception {
        c.send(GET + GET);
        assertResponse(c.read(false), 200, "hello\n");
        assertResponse(c.read(false), 200, "hello\n");
    }

    /** HTTP/1.0 without a Connection header gets 200, then the server closes the connection. */
    @Test
    void http10ClosesByDefault() throws Exception {
        assertResponse(c.exchange("GET / HTTP/1.0\r\n\r\n"), 200, "hello\n");
        c.assertClosed();
    }

    /** HTTP/1.0 with Connection: keep-alive gets it echoed, and the connection serves a second request. */
    @Test
    void http10KeepAlive() throws Exception {
        for (int i = 0; i < 2; i++) {
            Response r = c.exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertResponse(r, 200, "hello\n");
            assertTrue("keep-alive".equalsIgnoreCase(r.header("Connection")), r.toString());
        }
    }

    /** Connection: close on an HTTP/1.1 request is announced in the response, then the server closes. */
    @Test
    void connectionClose() throws Exception {
        Response r = c.exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertResponse(r, 200, "hello\n");
        assertTrue("close".equalsIgnoreCase(r.header("Connection")), r.toString());
        c.assertClosed();
    }

    /** A malformed request line gets 400 and a closed connection; a fresh connection is still served. */
    @ParameterizedTest
    @ValueSource(strings = {"GARBAGE\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n"})
    void malformedRequestLine(String request) throws Exception {
        assertStatus(c.exchange(request), 400);
        c.assertClosed();
        try (RawHttp fresh = new RawHttp(port, READ_TIMEOUT)) {
            assertHello(fresh);
        }
    }

    /** An unsupported HTTP version in the request line gets 505. */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/3.1"})
    void unsupportedVersion(String version) throws Exception {
        assertStatus(c.exchange("GET / " + version + "\r\nHost: x\r\n\r\n"), 505);
    }

    /** A header line without a colon, with a space before the colon, or obs-folded (space or tab) gets 400. */
    @ParameterizedTest
    @ValueSource(strings = {"Host: x\r\nX-No-Colon\r\n", "Host : x\r\n", "Host: x\r\nX-A: a\r\n b\r\n",
        "Host: x\r\nX-A: a\r\n\tb\r\n"})
    void malformedHeaderLine(String lines) throws Exception {
        assertStatus(c.exchange("GET / HTTP/1.1\r\n" + lines + "\r\n"), 400);
    }

    /** A request head over 64 KiB gets 431, then the server closes the connection. */
    @Test
    void headTooLarge() throws Exception {
        c.sendLenient("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n");
        assertStatus(c.read(false), 431);
        c.assertClosed();
    }

    /** More than 200 header lines get 431. */
    @Test
    void tooManyHeaders() throws Exception {
        StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 250; i++) {
            request.append("X-").append(i).append(": v\r\n");
        }
        c.sendLenient(request.append("\r\n").toString());
        assertStatus(c.read(false), 431);
    }

    /** A Content-Length not a number, negative, or alongside Transfer-Encoding gets 400. */
    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: abc\r\n\r\n", "Content-Length: -1\r\n\r\n",
        // this body is both a valid 5-byte body and a valid last chunk: a lenient server would answer 200
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"})
    void badContentLength(String headersAndBody) throws Exception {
        assertStatus(c.exchange("POST /echo HTTP/1.1\r\nHost: x\r\n" + headersAndBody), 400);
    }

    /** A transfer coding other than chunked gets 501. */
    @Test
    void unknownTransferCoding() throws Exception {
        assertStatus(c.exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"), 501);
    }

    /** A chunked request body (with a chunk extension and a trailer) is decoded; the connection is reused. */
    @Test
    void chunkedRequestBody() throws Exception {
        assertResponse(c.exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\n"), 200, "11");
        assertHello(c);
    }

    /** A 100 000-byte Content-Length body is read in full; the connection is reused. */
    @Test
    void contentLengthRequestBody() throws Exception {
        assertResponse(c.exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                + "b".repeat(100_000)), 200, "100000");
        assertHello(c);
    }

    /** A small body the handler did not read is discarded, not parsed as the next request. */
    @Test
    void unreadSmallBodyIsDiscarded() throws Exception {
        assertResponse(c.exchange("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"),
                200, "ok");
        assertHello(c);
    }

    /** A large declared body the handler did not read gets the response, then the server closes. */
    @Test
    void unreadLargeBodyClosesConnection() throws Exception {
        assertResponse(c.exchange("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"
                + "c".repeat(1000)), 200, "ok");
        c.assertClosed();
    }

    /** Expect: 100-continue gets a bare interim 100 before the body is sent, then the final response. */
    @Test
    void expectContinue() throws Exception {
        Response interim = c.exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                + "Expect: 100-continue\r\n\r\n");
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim.raw, StandardCharsets.ISO_8859_1),
                interim.toString());
        assertResponse(c.exchange("hello"), 200, "5");
    }

    /** HEAD gets Content-Length: 6 and no body bytes: the next response on the connection parses cleanly. */
    @Test
    void head() throws Exception {
        c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
        Response r = c.read(true);
        assertStatus(r, 200);
        assertEquals("6", r.header("Content-Length"), r.toString());
        assertHello(c);
    }

    /** A response of unknown length is sent chunked and decodes to the whole body; the connection is reused. */
    @Test
    void chunkedResponse() throws Exception {
        Response r = c.exchange("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue("chunked".equalsIgnoreCase(r.header("Transfer-Encoding")), r.toString());
        assertNull(r.header("Content-Length"), r.toString());
        assertResponse(r, 200, "part1-part2");
        assertHello(c);
    }

    /** 204 has no body, no chunked coding and no non-zero Content-Length; the connection is reused. */
    @Test
    void noContent() throws Exception {
        Response r = c.exchange("GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\n");
        assertResponse(r, 204, "");
        assertNull(r.header("Transfer-Encoding"), r.toString());
        assertTrue(r.header("Content-Length") == null || r.header("Content-Length").equals("0"), r.toString());
        assertHello(c);
    }

    /** A handler that throws gets its client a 500. */
    @Test
    void throwingHandler() throws Exception {
        assertStatus(c.exchange("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n"), 500);
    }

    /** Every kind of response (200, HEAD, chunked, 204, 404, 500, 400) carries a valid Date header. */
    @Test
    void dateHeaderEverywhere() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String request : List.of(GET, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n", "GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n", "GARBAGE\r\n\r\n")) {
            try (RawHttp fresh = new RawHttp(port, READ_TIMEOUT)) {
                fresh.send(request);
                Response r = fresh.read(request.startsWith("HEAD"));
                try {
                    DateTimeFormatter.RFC_1123_DATE_TIME.parse(String.valueOf(r.header("Date")));
                } catch (RuntimeException e) {
                    missing.add(request.lines().findFirst().orElseThrow() + " -> " + r);
                }
            }
        }
        assertTrue(missing.isEmpty(), "no valid Date header: " + missing);
    }

    /** An absolute-form target is routed by its path. */
    @Test
    void absoluteFormTarget() throws Exception {
        assertResponse(c.exchange("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"), 200, "hello\n");
    }

    /**
     * Bare LF line endings are refused (400, then the connection closes): parsers that take a bare LF as a line end
     * and parsers that do not frame such a request differently.
     */
    @Test
    void bareLineFeeds() throws Exception {
        assertStatus(c.exchange("GET / HTTP/1.1\nHost: x\n\n"), 400);
        c.assertClosed();
    }

    /** An invalid percent-escape in the target gets 400. */
    @Test
    void invalidPercentEscape() throws Exception {
        assertStatus(c.exchange("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    }

    /** An unknown path gets 404 and the connection is reused. */
    @Test
    void unknownPath() throws Exception {
        assertStatus(c.exchange("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
        assertHello(c);
    }

    /** GET / on {@code conn} gets 200 "hello\n". */
    private static void assertHello(RawHttp conn) throws IOException {
        assertResponse(conn.exchange(GET), 200, "hello\n");
    }

    private static void assertStatus(Response r, int status) {
        assertEquals(status, r.status, r.toString());
    }

    private static void assertResponse(Response r, int status, String body) {
        assertStatus(r, status);
        assertEquals(body, r.body, r.toString());
    }
}
