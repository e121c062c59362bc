package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real jar in a child process: signals, /shutdown, start-up failures, exit codes and log lines. */
@Timeout(60)
class LauncherProcessIT {

    /** A response held back by Nagle's algorithm waits for the client's delayed ACK: about 40 ms. */
    private static final long STALL_NANOS = 35_000_000;

    private static final Duration EXIT = Duration.ofSeconds(15);
    private static final String ADDR = "127.0.0.1:0";

    /** SIGTERM on an idle launcher: exit 0, cause SIGTERM, every member stopped, fast. */
    @Test
    void sigtermStopsEverythingWithExitZero() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR)) {
            int port = launcher.awaitPort();
            launcher.err.await("ready: all members started", LauncherProcess.START);
            assertEquals(200, RawHttp.get(port, "/").status);
            long start = System.nanoTime();
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(EXIT));
            long millis = (System.nanoTime() - start) / 1_000_000;
            String last = launcher.err.last();
            assertTrue(last.contains("cause=SIGTERM") && last.contains("exit=0"), last);
            assertTrue(launcher.err.text().contains("member http=stopped"), launcher.err.text());
            assertTrue(launcher.err.text().contains("member worker=stopped"), launcher.err.text());
            long logged = launcher.loggedStopMillis();
            assertTrue(millis >= logged && millis < 3000, "idle stop took " + millis + " ms, " + logged + " ms logged");
        }
    }

    /** SIGINT: exit 0 with cause SIGINT. */
    @Test
    void sigintStopsWithExitZero() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR)) {
            launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);
            launcher.signal("INT");
            assertEquals(0, launcher.awaitExit(EXIT));
            assertTrue(launcher.err.last().contains("cause=SIGINT"), launcher.err.last());
        }
    }

    /** GET /shutdown answers 200 in full, then the process exits 0 with cause /shutdown. */
    @Test
    void shutdownEndpointStopsWithExitZero() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR)) {
            int port = launcher.awaitPort();
            RawHttp.Response response = RawHttp.get(port, "/shutdown");
            assertEquals(200, response.status);
            assertTrue(response.body.startsWith("Bye"), response.body);
            assertEquals(0, launcher.awaitExit(EXIT));
            assertTrue(launcher.err.last().contains("cause=/shutdown"), launcher.err.last());
        }
    }

    /** With a token in the environment, /shutdown without it gets 401 and nothing stops; with it, the stop. */
    @Test
    void shutdownTokenFromEnvironmentIsRequired() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(Map.of("LAUNCHER_SHUTDOWN_TOKEN", "s3cret"),
                "--addr", ADDR)) {
            int port = launcher.awaitPort();
            assertEquals(401, RawHttp.get(port, "/shutdown").status);
            try (RawHttp http = new RawHttp(port)) {
                assertEquals(403, http.request("POST", "/shutdown",
                        "Authorization: Bearer wrong\r\nContent-Length: 0\r\n").status);
            }
            assertEquals(200, RawHttp.get(port, "/readyz").status);
            try (RawHttp http = new RawHttp(port)) {
                assertEquals(200, http.request("POST", "/shutdown",
                        "authorization: bearer s3cret\r\nContent-Length: 0\r\n").status);
            }
            assertEquals(0, launcher.awaitExit(EXIT));
        }
    }

    /** A port already taken: exit 1, one line naming the address, the worker stopped too. */
    @Test
    void busyPortExitsOneNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String addr = "127.0.0.1:" + taken.getLocalPort();
            try (LauncherProcess launcher = LauncherProcess.start("--addr", addr)) {
                assertEquals(1, launcher.awaitExit(EXIT));
                String last = launcher.err.last();
                assertTrue(last.contains("exit=1") && last.contains("cause=member http failed: cannot listen on "
                        + addr), last);
                assertTrue(launcher.err.text().contains("member worker=stopped"), launcher.err.text());
            }
        }
    }

    /** An unknown host: exit 1 with a line naming it. */
    @Test
    void unknownHostExitsOne() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", "no-such-host.invalid:0")) {
            assertEquals(1, launcher.awaitExit(EXIT));
            assertTrue(launcher.err.last().contains("cannot listen on no-such-host.invalid:0"), launcher.err.last());
        }
    }

    /** A bad flag: exit 2, one line on stderr naming it, nothing started. */
    @Test
    void badFlagExitsTwoWithOneLine() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--shutdown-timeout", "soon")) {
            assertEquals(2, launcher.awaitExit(EXIT));
            assertEquals(1, launcher.err.lines().size(), launcher.err.text());
            assertTrue(launcher.err.last().contains("--shutdown-timeout"), launcher.err.last());
            assertTrue(launcher.out.lines().isEmpty());
        }
    }

    /** --help prints usage on stdout and exits 0; --version prints the version. */
    @Test
    void helpAndVersion() throws Exception {
        try (LauncherProcess help = LauncherProcess.start("--help")) {
            assertEquals(0, help.awaitExit(EXIT));
            assertTrue(help.out.text().contains("--shutdown-timeout"), help.out.text());
        }
        try (LauncherProcess version = LauncherProcess.start("--version")) {
            assertEquals(0, version.awaitExit(EXIT));
            assertTrue(version.out.text().matches("\\d+\\.\\d+\\.\\d+.*"), version.out.text());
        }
    }

    /** A second SIGTERM during a slow stop (a drain delay) exits at once with 143. */
    @Test
    void secondSignalForcesExit143() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR, "--drain-delay", "20s",
                "--shutdown-timeout", "30s")) {
            int port = launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);
            launcher.signal("TERM");
            launcher.err.await("draining for", EXIT);
            assertEquals(503, RawHttp.get(port, "/readyz").status);
            assertEquals(200, RawHttp.get(port, "/").status);
            long start = System.nanoTime();
            launcher.signal("TERM");
            assertEquals(143, launcher.awaitExit(EXIT));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1500, "second signal exit took " + millis + " ms");
            assertTrue(launcher.err.last().contains("exit=143"), launcher.err.last());
        }
    }

    /** A second SIGINT exits with 130. */
    @Test
    void secondSigintForcesExit130() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR, "--drain-delay", "20s",
                "--shutdown-timeout", "30s")) {
            launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);
            launcher.signal("INT");
            launcher.err.await("draining for", EXIT);
            launcher.signal("INT");
            assertEquals(130, launcher.awaitExit(EXIT));
        }
    }

    /** A first signal during a stop begun by /shutdown joins that stop: still exit 0, cause /shutdown. */
    @Test
    void signalDuringShutdownJoinsIt() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR, "--drain-delay", "1s",
                "--shutdown-timeout", "10s")) {
            int port = launcher.awaitPort();
            assertEquals(200, RawHttp.get(port, "/shutdown").status);
            launcher.err.await("draining for", EXIT);
            launcher.signal("TERM");
            launcher.err.await("SIGTERM received: a stop is already under way", EXIT);
            assertEquals(0, launcher.awaitExit(EXIT));
            assertTrue(launcher.err.last().contains("cause=/shutdown"), launcher.err.last());
        }
    }

    /** SIGHUP is not handled: the JVM shutdown hook still stops every member, without deadlock. */
    @Test
    void sighupStopsMembersThroughTheShutdownHook() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR)) {
            launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);
            launcher.signal("HUP");
            assertEquals(0, launcher.awaitExit(EXIT));
            String text = launcher.err.text();
            assertTrue(text.contains("JVM shutting down"), text);
            assertTrue(text.contains("member http=stopped") && text.contains("member worker=stopped"), text);
            assertTrue(launcher.err.last().contains("cause=JVM shutdown"), launcher.err.last());
        }
    }

    /** Started with SIGINT ignored (as a shell's background job is): reported in one line at start. */
    @Test
    void ignoredSigintIsReported() throws Exception {
        String command = "trap '' INT; exec '" + LauncherProcess.java() + "' -jar '" + LauncherProcess.jar()
                + "' --addr " + ADDR;
        try (LauncherProcess launcher = LauncherProcess.startCommand(Map.of(), List.of("bash", "-c", command))) {
            launcher.awaitPort();
            launcher.err.await("SIGINT is ignored by this process", LauncherProcess.START);
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(EXIT));
        }
    }

    /** The worker logs a line with a figure every interval. */
    @Test
    void workerLogsEveryInterval() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR, "--worker-interval", "100ms")) {
            launcher.awaitPort();
            launcher.err.await("worker: tick 3: \\d+ requests served", LauncherProcess.START);
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(EXIT));
        }
    }

    /** Every log line starts with an ISO-8601 timestamp. */
    @Test
    void logLinesStartWithTimestamps() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR)) {
            launcher.awaitPort();
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(EXIT));
            for (String line : launcher.err.lines()) {
                assertTrue(line.matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z .*"), line);
            }
            assertFalse(launcher.err.lines().isEmpty());
        }
    }


    /**
     * Keep-alive responses are not held back by Nagle + delayed ACK (the JDK default without TCP_NODELAY: ~40 ms
     * each): of 100 sequential requests on one connection, hardly any takes as long as a stall (every one would).
     * A count of stalls, not a speed: how fast the server answers is measured by {@code bench/}.
     */
    @Test
    void keepAliveResponsesAreNotStalled() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", ADDR)) {
            int port = launcher.awaitPort();
            try (RawHttp http = new RawHttp(port)) {
                http.socket().setTcpNoDelay(false);
                for (int i = 0; i < 10; i++) {
                    assertEquals(200, http.request("GET", "/", "").status);
                }
                int stalled = 0;
                for (int i = 0; i < 100; i++) {
                    long start = System.nanoTime();
                    assertEquals(200, http.request("GET", "/", "").status);
                    if (System.nanoTime() - start >= STALL_NANOS) {
                        stalled++;
                    }
                }
                assertTrue(stalled < 10, stalled + " of 100 keep-alive requests took as long as a Nagle stall");
            }
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(EXIT));
        }
    }
}
