package dev.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.launcher.it.RestartLoad.Result;
import dev.launcher.testing.FreePorts;
import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --addr inherit}: the launcher serves on the listening socket it inherits on standard input, as systemd
 * passes it with {@code StandardInput=socket} ({@link SocketHolder} plays systemd's part: it holds the socket across
 * both processes). A restart on it refuses no connection; the same restart that rebinds the port refuses some.
 */
@Timeout(180)
class SocketActivationIT {

    private static final Duration EXIT = Duration.ofSeconds(30);
    /** Keep-alive and connection-per-request clients, one request per pace each: ~1000 requests a second. */
    private static final int KEEP_ALIVE_THREADS = 3;
    private static final int NEW_CONNECTION_THREADS = 3;
    private static final Duration PACE = Duration.ofMillis(5);
    private static final long MAX_REQUESTS = 200_000;
    private static final Duration MAX_LOAD = Duration.ofSeconds(90);
    /** Answers wanted before the stop and after the second process is ready. */
    private static final long WARM = 300;

    /**
     * Under a steady load, SIGTERM, then a second process on the same inherited socket once the first has exited:
     * no connection refused or reset, no answer other than 2xx (and /readyz's 503), both exits 0. Connections made
     * between the two processes wait in the kernel's queue and are answered by the second. With the event loops
     * and with a thread per connection ({@code launcher.http.threads}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"loop", "platform"})
    void restartOnTheInheritedSocketRefusesNothing(String threads, @TempDir Path dir) throws Exception {
        try (SocketHolder holder = SocketHolder.start(dir, 4096)) {
            List<String> command = launcher("--addr", "inherit");
            command.add(1, "-Dlauncher.http.threads=" + threads);
            Restart restart = restart(holder.port(), () -> LauncherProcess.startCommand(Map.of(),
                    holder.command(command)));
            assertEquals(2, holder.handedOut(), "both processes got the held socket");
            RestartLoad load = restart.load;
            System.out.println("restart with socket activation (" + threads + "): " + restart.summary());
            assertEquals(0, load.count(Result.REFUSED), restart.summary());
            assertEquals(0, load.count(Result.RESET), restart.summary());
            assertEquals(0, load.count(Result.TIMEOUT), restart.summary());
            assertEquals(0, load.count(Result.NOT_2XX), restart.summary());
        }
    }

    /**
     * The same restart without socket activation (the first process binds the port and closes it at the stop, the
     * second binds it again): connections made while no process listens are refused. Measured for comparison.
     */
    @Test
    void restartThatRebindsThePortRefusesConnections() throws Exception {
        int port = freePortBelowEphemeral();
        Restart restart = restart(port, () -> LauncherProcess.start("--addr", "127.0.0.1:" + port));
        System.out.println("restart without socket activation: " + restart.summary());
        assertTrue(restart.load.count(Result.REFUSED) > 0, "nothing listened between the two: " + restart.summary());
        assertEquals(0, restart.load.count(Result.NOT_2XX), restart.summary());
        assertEquals(0, restart.load.count(Result.TIMEOUT), restart.summary());
    }

    /**
     * A connection the kernel queued while the first process could not accept it (its one connection slot busy
     * with a slow request) is not accepted by the stopping process: it stays queued, unanswered and open, after
     * the first process exits, and the second process answers it.
     */
    @Test
    void stopLeavesTheQueueToTheNextProcess(@TempDir Path dir) throws Exception {
        try (SocketHolder holder = SocketHolder.start(dir, 64)) {
            int port = holder.port();
            List<String> faulty = new ArrayList<>(List.of(LauncherProcess.java(),
                    "-Dlauncher.http.maxConnections=1", "-cp", LauncherProcess.jar() + File.pathSeparator
                            + Paths.get(System.getProperty("launcher.test.classes", "target/test-classes")),
                    FaultyLauncher.class.getName(), "--addr", "inherit", "--shutdown-timeout", "20s"));
            try (LauncherProcess first = LauncherProcess.startCommand(Map.of(), holder.command(faulty));
                 RawHttp slow = new RawHttp(first.awaitPort())) {
                first.err.await("ready: ", LauncherProcess.START);
                assertEquals(200, slow.request("GET", "/healthz", "").status, "the slow connection holds the slot");
                slow.send("GET /slow?ms=2000&bytes=10 HTTP/1.1\r\nHost: x\r\n\r\n");
                try (RawHttp queued = new RawHttp(port)) {
                    queued.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    first.signal("TERM");
                    assertEquals(200, slow.read(false).status, "the request in flight finishes");
                    assertEquals(0, first.awaitExit(EXIT), first.err.text());
                    assertEquals("unanswered and open", state(queued), "the queued connection after the first exit");
                    try (LauncherProcess second = LauncherProcess.startCommand(Map.of(),
                            holder.command(launcher("--addr", "inherit")))) {
                        assertEquals(port, second.awaitPort());
                        queued.socket().setSoTimeout(15_000);
                        RawHttp.Response answer = queued.read(false);
                        assertEquals(200, answer.status, answer.toString());
                        assertTrue(answer.body.startsWith("Hello"), answer.body);
                        second.signal("TERM");
                        assertEquals(0, second.awaitExit(EXIT), second.err.text());
                    }
                }
            }
        }
    }

    /**
     * {@code --addr inherit} (or {@code LAUNCHER_ADDR=inherit}) with no socket on standard input (a pipe here): the
     * HTTP member fails at start, the worker is stopped, exit 1 with the reason.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void withoutAnInheritedSocketItFailsAtStart(boolean flag) throws Exception {
        try (LauncherProcess launcher = flag ? LauncherProcess.start("--addr", "inherit")
                : LauncherProcess.start(Map.of("LAUNCHER_ADDR", "inherit"))) {
            assertEquals(1, launcher.awaitExit(EXIT), launcher.err.text());
            String last = launcher.err.last();
            assertTrue(last.contains("exit=1 cause=member http failed: cannot listen on the inherited socket: "
                    + "standard input is not a socket"), last);
            assertTrue(launcher.err.text().contains("member worker=stopped"), launcher.err.text());
            assertFalse(launcher.err.text().contains("listening on"), launcher.err.text());
        }
    }

    /**
     * The manual check of docs/OPERATIONS.md with systemd's own tool: {@code systemd-socket-activate --inetd -l
     * 127.0.0.1:PORT java -jar launcher.jar --addr inherit} listens, starts the launcher at the first connection
     * with the listening socket on standard input (not the connection: that would be {@code --accept}), and the
     * launcher answers that first connection, then stops on SIGTERM with exit 0.
     */
    @Test
    void systemdSocketActivatePassesItsListener() throws Exception {
        String tool = tool("systemd-socket-activate");
        int port = FreePorts.pick(1).get(0); // systemd-socket-activate listens on it from then on
        List<String> command = new ArrayList<>(List.of(tool, "--inetd", "-l", "127.0.0.1:" + port));
        command.addAll(launcher("--addr", "inherit"));
        try (LauncherProcess launcher = LauncherProcess.startCommand(Map.of(), command)) {
            launcher.err.await("Listening on 127\\.0\\.0\\.1:" + port, LauncherProcess.START);
            assertEquals(200, RawHttp.get(port, "/").status, "the connection that started it is answered");
            assertEquals(port, launcher.awaitPort());
            assertEquals(200, RawHttp.get(port, "/healthz").status);
            launcher.signal("TERM"); // systemd-socket-activate exec'd java: same pid
            assertEquals(0, launcher.awaitExit(EXIT), launcher.err.text());
            assertTrue(launcher.err.last().contains("exit=0 cause=SIGTERM"), launcher.err.last());
        }
    }

    /** With a connection on standard input (inetd style, {@code --accept}), it fails at start naming that. */
    @Test
    void aConnectionOnStandardInputIsNotAListener() throws Exception {
        String tool = tool("systemd-socket-activate");
        int port = FreePorts.pick(1).get(0); // systemd-socket-activate listens on it from then on
        List<String> command = new ArrayList<>(List.of(tool, "--inetd", "--accept", "-l", "127.0.0.1:" + port));
        command.addAll(launcher("--addr", "inherit"));
        try (LauncherProcess activator = LauncherProcess.startCommand(Map.of(), command)) {
            activator.err.await("Listening on 127\\.0\\.0\\.1:" + port, LauncherProcess.START);
            try (RawHttp connection = new RawHttp(port)) {
                assertTrue(connection.isClosedByServer(), "the launcher on this connection exits without answering");
            }
            activator.err.await("exit=1 cause=member http failed: cannot listen on the inherited socket: standard "
                    + "input is a connection", EXIT);
            activator.err.await("Child \\d+ died with code 1", EXIT);
        }
    }

    /** Starts a launcher process. */
    private interface Start {
        LauncherProcess start() throws IOException;
    }

    /** One measured restart. */
    private record Restart(RestartLoad load, Duration gap, Duration stop) {
        String summary() {
            return load.count(Result.REFUSED) + " refused, " + load.count(Result.RESET) + " reset, "
                    + load.count(Result.TIMEOUT) + " timed out, " + load.count(Result.NOT_2XX) + " non-2xx of "
                    + load.attempts() + " requests " + load.counts() + "; no process for " + gap.toMillis()
                    + " ms (first exit to second ready), stop " + stop.toMillis() + " ms, failures over "
                    + load.failureSpan().toMillis() + " ms, slowest request " + load.slowest().toMillis() + " ms"
                    + (load.failures().isEmpty() ? "" : "; " + load.failures());
        }
    }

    /**
     * Starts a launcher, runs the load, SIGTERM, starts a second one once the first has exited, waits for answers
     * from it, stops the load, then the second process. Both exit 0 on SIGTERM.
     */
    private static Restart restart(int port, Start start) throws Exception {
        RestartLoad load = new RestartLoad(port, KEEP_ALIVE_THREADS, NEW_CONNECTION_THREADS, PACE, MAX_REQUESTS,
                MAX_LOAD);
        Instant exited;
        Instant signalled;
        try (LauncherProcess first = start.start()) {
            assertEquals(port, first.awaitPort(), "the listening line names the real address");
            assertTrue(first.err.text().contains("http: listening on http://127.0.0.1:" + port), first.err.text());
            first.err.await("ready: ", LauncherProcess.START);
            load.start();
            assertTrue(load.awaitMoreOk(WARM, EXIT), "load before the stop: " + load.counts());
            signalled = Instant.now();
            first.signal("TERM");
            assertEquals(0, first.awaitExit(EXIT), first.err.text());
            exited = Instant.now();
            assertTrue(first.err.last().contains("exit=0 cause=SIGTERM"), first.err.last());
        }
        try (LauncherProcess second = start.start()) {
            assertEquals(port, second.awaitPort());
            second.err.await("ready: ", LauncherProcess.START);
            Duration gap = Duration.between(exited, Instant.now());
            assertTrue(load.awaitMoreOk(WARM, EXIT), "load after the restart: " + load.counts());
            load.stop();
            second.signal("TERM");
            assertEquals(0, second.awaitExit(EXIT), second.err.text());
            assertTrue(second.err.last().contains("exit=0 cause=SIGTERM"), second.err.last());
            return new Restart(load, gap, Duration.between(signalled, exited));
        } finally {
            load.stop();
        }
    }

    /**
     * A free 127.0.0.1 port below the kernel's ephemeral range: while nothing listens on it, a client's connect()
     * could otherwise be given the same port as its own source and connect to itself (TCP self-connect).
     */
    private static int freePortBelowEphemeral() throws IOException {
        int low = 32768;
        Path range = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            // readAllLines, not readString: /proc files report size 0, and readString reads too little
            low = Integer.parseInt(Files.readAllLines(range).get(0).strip().split("\\s+")[0]);
        }
        int start = Math.max(1024, low - 10_000) + (int) (ProcessHandle.current().pid() % 5000);
        for (int port = start; port < low; port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port between " + start + " and " + low);
    }

    /** {@code java -jar launcher.jar args}. */
    private static List<String> launcher(String... args) {
        List<String> command = new ArrayList<>(List.of(LauncherProcess.java(), "-jar",
                LauncherProcess.jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** What a connection holds right now, without waiting: its answer, its end, or nothing yet. */
    private static String state(RawHttp connection) throws IOException {
        connection.socket().setSoTimeout(1);
        InputStream in = connection.socket().getInputStream();
        try {
            int b = in.read();
            return b < 0 ? "closed" : "answered";
        } catch (SocketTimeoutException e) {
            return "unanswered and open";
        } catch (IOException e) {
            return "reset: " + e.getMessage();
        }
    }

    private static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        assumeTrue(false, name + " is not installed (Debian: apt-get install systemd)");
        return null;
    }
}
