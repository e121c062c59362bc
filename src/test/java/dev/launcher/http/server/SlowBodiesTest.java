package dev.launcher.http.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies that arrive slowly hold no thread on the event loops: a few hundred clients each send a head and
 * part of a body larger than the connection's buffer — fixed-length, chunked, and after {@code Expect:
 * 100-continue} — and the JVM's live threads stay near their idle count while the server waits for the rest; no
 * handler runs before its body is whole, and once the clients finish their bodies every one is served.
 */
@Timeout(120)
class SlowBodiesTest {

    private static final int CLIENTS = 300;
    private static final int BODY = 40_000;
    private static final int FIRST_PART = 20_000;
    /** Threads the JVM may add meanwhile on its own (JIT compilers, the watchdog): far fewer than the clients. */
    private static final int SLACK = 20;
    private static final long WAIT_NANOS = 30_000_000_000L;

    private LauncherHttpServer server;
    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    /** The three kinds of body, by client number. */
    private enum Kind { FIXED, CHUNKED, CONTINUE }

    @Test
    void slowBodiesHoldNoThreadAndAreServedWhenWhole() throws Exception {
        AtomicInteger entered = new AtomicInteger();
        startCountingServer(new ServerLimits(ServerLimits.MAX_HEAD_BYTES, 200, 20_000, 30_000, 4096, true), 2,
                entered::incrementAndGet);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        // one whole request of each kind first: the loops' threads and the classes are there before the count
        for (Kind kind : Kind.values()) {
            try (Socket socket = connect()) {
                sendFirstPart(socket, kind);
                sendRest(socket, kind);
                assertEquals(Integer.toString(BODY), readResponse(socket.getInputStream()));
            }
        }
        entered.set(0);
        int idle = threads.getThreadCount();

        for (int i = 0; i < CLIENTS; i++) {
            Socket socket = connect();
            clients.add(socket);
            sendFirstPart(socket, Kind.values()[i % 3]);
        }
        awaitCondition(() -> server.bodiesAwaited() == CLIENTS,
                () -> "bodies awaited: " + server.bodiesAwaited() + " of " + CLIENTS);
        int waiting = threads.getThreadCount();
        System.out.printf("slow bodies: %d live threads idle, %d with %d slow bodies waiting%n", idle, waiting, CLIENTS);
        assertTrue(waiting >= 1 && waiting <= idle + SLACK,
                waiting + " live threads with " + CLIENTS + " slow bodies, " + idle + " idle");
        assertEquals(0, entered.get(), "a handler ran before its body had arrived");

        for (int i = 0; i < CLIENTS; i++) {
            sendRest(clients.get(i), Kind.values()[i % 3]);
        }
        for (int i = 0; i < CLIENTS; i++) {
            assertEquals(Integer.toString(BODY), readResponse(clients.get(i).getInputStream()), "client " + i);
        }
        assertEquals(CLIENTS, entered.get());
    }

    /**
     * The server's budget for grown body buffers ({@link ServerLimits#bodyBufferBudget()}) is shared: with room for
     * three slow bodies' buffers, a fourth is not waited for on the loop — its handler runs at once and reads the body
     * as it comes — and all four are served whole; once they are, the budget is whole again.
     */
    @Test
    void aBodyPastTheServersBufferBudgetIsReadByItsHandler() throws Exception {
        // each first part (20,000 bytes) grows its connection's 8 KiB buffer twice: to 16 KiB, then to 32 KiB
        long perBody = 8192 + 16384;
        List<String> entered = java.util.Collections.synchronizedList(new ArrayList<>());
        startCountingServer(new ServerLimits(ServerLimits.MAX_HEAD_BYTES, 200, 20_000, 30_000, 4096, true)
                .withBodyBufferBudget(3 * perBody), 1, () -> entered.add("entered"));
        BufferBudget budget = server.bodyBuffers();

        for (int i = 0; i < 3; i++) {
            Socket socket = connect();
            clients.add(socket);
            sendFirstPart(socket, Kind.FIXED);
        }
        awaitCondition(() -> server.bodiesAwaited() == 3 && budget.used() == 3 * perBody,
                () -> "bodies awaited: " + server.bodiesAwaited() + ", budget used " + budget.used());
        assertEquals(List.of(), entered, "a handler ran before its body had arrived");

        Socket fourth = connect();
        clients.add(fourth);
        sendFirstPart(fourth, Kind.FIXED);
        awaitCondition(() -> entered.size() == 1, () -> "handlers entered: " + entered);
        assertEquals(3, server.bodiesAwaited(), "the fourth body is read by its handler, not awaited on the loop");
        assertTrue(budget.used() <= budget.limit(), budget.used() + " of " + budget.limit());

        for (Socket client : clients) {
            sendRest(client, Kind.FIXED);
        }
        for (int i = 0; i < clients.size(); i++) {
            assertEquals(Integer.toString(BODY), readResponse(clients.get(i).getInputStream()), "client " + i);
        }
        assertEquals(4, entered.size());
        awaitCondition(() -> budget.used() == 0, () -> "budget still used after the exchanges: " + budget.used());
    }

    /**
     * Starts a server whose handler runs {@code onEntry}, reads the whole request body and answers its length.
     *
     * @param loops event loops
     */
    private void startCountingServer(ServerLimits limits, int loops, Runnable onEntry) throws IOException {
        server = LauncherHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024, limits, loops);
        server.createContext("/", exchange -> {
            onEntry.run();
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(server.getAddress(), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends the head and the first part of the body (after {@code 100 Continue}, which must come first). */
    private static void sendFirstPart(Socket socket, Kind kind) throws IOException {
        OutputStream out = socket.getOutputStream();
        String head = "POST /echo HTTP/1.1\r\nHost: a\r\n";
        switch (kind) {
            case FIXED -> out.write(ascii(head + "Content-Length: " + BODY + "\r\n\r\n"));
            case CHUNKED -> out.write(ascii(head + "Transfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(BODY) + "\r\n"));
            case CONTINUE -> {
                out.write(ascii(head + "Content-Length: " + BODY + "\r\nExpect: 100-continue\r\n\r\n"));
                byte[] interim = socket.getInputStream().readNBytes(StatusLines.CONTINUE.length);
                assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.ISO_8859_1));
            }
        }
        out.write(new byte[FIRST_PART]);
        out.flush();
    }

    private static void sendRest(Socket socket, Kind kind) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(new byte[BODY - FIRST_PART]);
        if (kind == Kind.CHUNKED) {
            out.write(ascii("\r\n0\r\n\r\n"));
        }
        out.flush();
    }

    /** Reads one response; returns its body, asserting status 200. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 200 "), text);
        int at = text.toLowerCase(java.util.Locale.ROOT).indexOf("\r\ncontent-length: ") + "\r\ncontent-length: ".length();
        int length = Integer.parseInt(text.substring(at, text.indexOf("\r\n", at)));
        return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void awaitCondition(BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what);
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
    }
}
