package dev.launcher.http;

import dev.launcher.group.Outcome;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** HTTP/1.1 wire conformance of {@link HttpService}, byte-exact over raw sockets (the contract of the engine). */
@Timeout(60)
class HttpConformanceTest {

    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private ServiceGroup group;
    private CompletableFuture<Outcome> outcome;
    private int port;
    /** A connection opened for each test. */
    private Conn c;

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
        c = new Conn(port);
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
            Resp r = c.exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertResponse(r, 200, "hello\n");
            assertTrue("keep-alive".equalsIgnoreCase(r.header("Connection")), r.toString());
        }
    }

    /** Connection: close on an HTTP/1.1 request is announced in the response, then the server closes. */
    @Test
    void connectionClose() throws Exception {
        Resp r = c.exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
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
        try (Conn fresh = new Conn(port)) {
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
        Resp interim = c.exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                + "Expect: 100-continue\r\n\r\n");
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim.raw, StandardCharsets.ISO_8859_1),
                interim.toString());
        assertResponse(c.exchange("hello"), 200, "5");
    }

    /** HEAD gets Content-Length: 6 and no body bytes: the next response on the connection parses cleanly. */
    @Test
    void head() throws Exception {
        c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
        Resp r = c.read(true);
        assertStatus(r, 200);
        assertEquals("6", r.header("Content-Length"), r.toString());
        assertHello(c);
    }

    /** A response of unknown length is sent chunked and decodes to the whole body; the connection is reused. */
    @Test
    void chunkedResponse() throws Exception {
        Resp r = c.exchange("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue("chunked".equalsIgnoreCase(r.header("Transfer-Encoding")), r.toString());
        assertNull(r.header("Content-Length"), r.toString());
        assertResponse(r, 200, "part1-part2");
        assertHello(c);
    }

    /** 204 has no body, no chunked coding and no non-zero Content-Length; the connection is reused. */
    @Test
    void noContent() throws Exception {
        Resp r = c.exchange("GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\n");
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
            try (Conn fresh = new Conn(port)) {
                fresh.send(request);
                Resp r = fresh.read(request.startsWith("HEAD"));
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
    private static void assertHello(Conn conn) throws IOException {
        assertResponse(conn.exchange(GET), 200, "hello\n");
    }

    private static void assertStatus(Resp r, int status) {
        assertEquals(status, r.status, r.toString());
    }

    private static void assertResponse(Resp r, int status, String body) {
        assertStatus(r, status);
        assertEquals(body, r.body, r.toString());
    }

    /** Bytes as text with CR and LF visible, cut at 600 characters. */
    private static String show(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
        return s.length() > 600 ? s.substring(0, 600) + "...(" + bytes.length + " bytes)" : s;
    }

    /** One response: status, headers by lower-case name (values joined by ", "), decoded body, raw bytes. */
    private record Resp(int status, Map<String, String> headers, String body, byte[] raw) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return "response [" + show(raw) + "]";
        }
    }

    /** A client connection with a 5 s read timeout; the bytes of the response being read are kept for messages. */
    private static final class Conn implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;
        private ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Conn(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
        }

        void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Sends, ignoring a write failure: the server may answer and close before reading everything. */
        void sendLenient(String text) {
            try {
                send(text);
            } catch (IOException refusedEarly) {
                // its response, if any, is still readable
            }
        }

        /** Sends {@code text} in one write and reads one response (not to a HEAD request). */
        Resp exchange(String text) throws IOException {
            send(text);
            return read(false);
        }

        /** Reads one whole response ({@code head}: to a HEAD request, no body); fails showing the bytes received. */
        Resp read(boolean head) {
            seen = new ByteArrayOutputStream();
            try {
                String statusLine = line();
                if (!statusLine.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
                    throw new IOException("bad status line");
                }
                int status = Integer.parseInt(statusLine.substring(9, 12));
                Map<String, String> headers = new LinkedHashMap<>();
                for (String line = line(); !line.isEmpty(); line = line()) {
                    int colon = line.indexOf(':');
                    headers.merge(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                            (a, b) -> a + ", " + b);
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                String length = headers.get("content-length");
                if (head || status < 200 || status == 204 || status == 304) {
                    // no body
                } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).endsWith("chunked")) {
                    for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                        body.write(bytes(size));
                        if (!line().isEmpty()) {
                            throw new IOException("chunk data not followed by CRLF");
                        }
                    }
                    while (!line().isEmpty()) {
                        // trailer fields
                    }
                } else if (length != null) {
                    body.write(bytes(Integer.parseInt(length)));
                } else {
                    byte[] rest = in.readAllBytes();
                    seen.writeBytes(rest);
                    body.writeBytes(rest);
                }
                return new Resp(status, headers, body.toString(StandardCharsets.UTF_8), seen.toByteArray());
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("no complete response (" + e + "); received [" + show(seen.toByteArray())
                        + "]", e);
            }
        }

        /** Asserts the server closes the connection (end of stream or reset) within the read timeout. */
        void assertClosed() {
            try {
                int first = in.read();
                if (first == -1) {
                    return;
                }
                fail("expected the server to close; received more: [" + show(new byte[] {(byte) first})
                        + show(in.readNBytes(in.available())) + "]");
            } catch (SocketTimeoutException e) {
                fail("expected the server to close; the connection is still open after the 5 s read timeout");
            } catch (IOException e) {
                assertTrue(String.valueOf(e.getMessage()).contains("Connection reset"), "expected a close: " + e);
            }
        }

        /** Exactly {@code n} bytes; the end of the stream before them fails. */
        private byte[] bytes(int n) throws IOException {
            byte[] data = in.readNBytes(n);
            seen.write(data, 0, data.length);
            if (data.length != n) {
                throw new IOException("end of stream after " + data.length + " of " + n + " body bytes");
            }
            return data;
        }

        /** A line without its CRLF (or bare LF); end of stream before the LF fails. */
        private String line() throws IOException {
            StringBuilder text = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; text.append((char) b)) {
                if (b == -1) {
                    throw new IOException("end of stream");
                }
                seen.write(b);
            }
            seen.write('\n');
            int end = text.length() > 0 && text.charAt(text.length() - 1) == '\r' ? text.length() - 1 : text.length();
            return text.substring(0, end);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
