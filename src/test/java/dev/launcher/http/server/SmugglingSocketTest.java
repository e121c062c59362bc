package dev.launcher.http.server;

import com.sun.net.httpserver.HttpExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every refusal of the vector table over TCP, through the real {@link LauncherHttpServer} on 127.0.0.1: the row's
 * bytes and then a request for {@code /smuggled} in one write get exactly one response, with the row's status,
 * then the connection closes; no handler ever completes reading a request, and {@code /smuggled} is never served.
 */
@Timeout(120)
class SmugglingSocketTest {

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final long CLOSE_WITHIN_NANOS = 3_000_000_000L;

    private static LauncherHttpServer server;
    /** What the handler served: a request whose body it read in full. */
    private static final Queue<String> served = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws IOException {
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", SmugglingSocketTest::echo);
        server.createContext("/swallow", SmugglingSocketTest::swallow);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void clear() {
        served.clear();
    }

    /** Reads the body (a malformed one throws, and the server answers), then answers its length. */
    private static void echo(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        served.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        byte[] answer = Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    /** Reads the body and answers 200 even if the read fails (a handler that hides the failure). */
    private static void swallow(HttpExchange exchange) throws IOException {
        String outcome;
        try {
            exchange.getRequestBody().readAllBytes();
            outcome = "read";
        } catch (IOException e) {
            outcome = "failed";
        }
        served.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + outcome);
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    static Stream<Arguments> refusals() throws IOException {
        List<RequestVectorsTest.Vector> vectors = RequestVectorsTest.vectors();
        return vectors.stream().filter(v -> v.expected().matches("\\d{3}")).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedAndClosed(RequestVectorsTest.Vector vector) throws IOException {
        byte[] request = Escapes.unescape(vector.input());
        byte[] smuggled = SMUGGLED.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[request.length + smuggled.length];
        System.arraycopy(request, 0, all, 0, request.length);
        System.arraycopy(smuggled, 0, all, request.length, smuggled.length);
        String received;
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(server.getAddress(), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(all);
            received = readToEnd(socket.getInputStream());
        }
        long took = System.nanoTime() - started;
        assertTrue(took < CLOSE_WITHIN_NANOS, "closed after " + took / 1_000_000 + " ms");
        assertTrue(received.startsWith("HTTP/1.1 " + vector.expected() + " "), received);
        assertEquals(1, received.split("HTTP/1.1 ", -1).length - 1, "one response only: " + received);
        assertTrue(received.contains("\r\nConnection: close\r\n"), received);
        assertEquals(List.of(), List.copyOf(served), "no handler served a request");
    }

    /** The same bytes without a refusal are served, and so is the request after them: the test can fail. */
    @Test
    void wellFormedRequestsAreServedWithTheNextOne() throws IOException {
        String request = "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(server.getAddress(), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((request + SMUGGLED.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
                    .getBytes(StandardCharsets.ISO_8859_1));
            String received = readToEnd(socket.getInputStream());
            assertEquals(2, received.split("HTTP/1.1 200 ", -1).length - 1, received);
        }
        assertEquals(List.of("POST /a", "GET /smuggled"), List.copyOf(served));
    }

    /**
     * A malformed chunked body that has arrived is refused before any handler runs: 400, {@code Connection: close},
     * one response, and a handler that would hide a failed read never sees it.
     */
    @Test
    void malformedBodyIsRefusedBeforeTheHandler() throws IOException {
        String received = exchange(server, "POST /swallow HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n" + SMUGGLED);
        assertTrue(received.startsWith("HTTP/1.1 400 "), received);
        assertTrue(received.contains("\r\nConnection: close\r\n"), received);
        assertEquals(1, received.split("HTTP/1.1 ", -1).length - 1, "one response only: " + received);
        assertEquals(List.of(), List.copyOf(served));
    }

    /**
     * Past {@link ServerLimits#maxBufferedBody()} the handler reads the body as it comes: a handler that catches
     * the failed read of a malformed chunked body and answers 200 still gets its response out, saying
     * {@code Connection: close}, and the connection closes: the bytes after the body are never parsed as a
     * request.
     */
    @Test
    void malformedBodyPastTheBufferedLimitClosesEvenIfTheHandlerHidesIt() throws IOException {
        LauncherHttpServer small = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0,
                ServerLimits.fromSystemProperties().withMaxBufferedBody(1024), 1);
        small.createContext("/swallow", SmugglingSocketTest::swallow);
        small.start();
        String received;
        try {
            // a well-formed chunk larger than the limit and the connection's buffer, then a malformed chunk line
            received = exchange(small, "POST /swallow HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4e20\r\n" + "x".repeat(20000) + "\r\n5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n" + SMUGGLED);
        } finally {
            small.stop(0);
        }
        assertTrue(received.startsWith("HTTP/1.1 200 "), received);
        assertTrue(received.contains("\r\nConnection: close\r\n"), received);
        assertEquals(1, received.split("HTTP/1.1 ", -1).length - 1, "one response only: " + received);
        assertEquals(List.of("POST /swallow failed"), List.copyOf(served));
    }

    /** Sends {@code request} in one write and reads until the server closes. */
    private static String exchange(LauncherHttpServer target, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(target.getAddress(), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readToEnd(socket.getInputStream());
        }
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
