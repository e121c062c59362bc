package dev.launcher.app;

import dev.launcher.signal.SignalSource;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher wired in-process: endpoints, readiness, /shutdown, signals. */
@Timeout(60)
class LauncherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Endpoints answer as documented while running. */
    @Test
    void endpointsWhileRunning() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0");
        int port = launcher.awaitPort();
        launcher.err.await("ready:", WAIT);
        try (RawHttp http = new RawHttp(port)) {
            assertEquals(200, http.request("GET", "/", "").status);
            assertEquals(200, http.request("HEAD", "/", "").status);
            assertEquals(200, http.request("GET", "/healthz", "").status);
            assertEquals(200, http.request("GET", "/readyz", "").status);
            assertEquals(404, http.request("GET", "/missing", "").status);
            RawHttp.Response delete = http.request("DELETE", "/", "");
            assertEquals(405, delete.status);
            assertEquals("GET, HEAD", delete.header("Allow"));
            RawHttp.Response put = http.request("PUT", "/shutdown", "Content-Length: 0\r\n");
            assertEquals(405, put.status);
            assertEquals("GET, POST, HEAD", put.header("Allow"));
        }
        launcher.signal("SIGTERM");
        assertEquals(0, launcher.awaitExit());
        assertTrue(launcher.err.last().contains("cause=SIGTERM"), launcher.err.last());
    }

    /** During the drain delay /readyz says 503 while / keeps serving; then the stop completes with exit 0. */
    @Test
    void drainDelayKeepsServingWithReadinessDown() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0",
                "--drain-delay", "2s", "--shutdown-timeout", "10s");
        int port = launcher.awaitPort();
        launcher.err.await("ready:", WAIT);
        long start = System.nanoTime();
        launcher.signal("SIGTERM");
        assertEquals(503, RawHttp.get(port, "/readyz").status);
        assertEquals(200, RawHttp.get(port, "/").status);
        assertEquals(200, RawHttp.get(port, "/healthz").status);
        assertEquals(0, launcher.awaitExit());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 1900 && millis < 5000, "stop took " + millis + " ms with a 2s drain delay");
    }

    /** Concurrent /shutdown hits: every one answered 200 in full (or refused once stopped), one stop only. */
    @Test
    void concurrentShutdownsTriggerOneStop() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0");
        int port = launcher.awaitPort();
        launcher.err.await("ready:", WAIT);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            results.add(pool.submit(() -> {
                go.await();
                try {
                    RawHttp.Response response = RawHttp.get(port, "/shutdown");
                    assertTrue(response.body.startsWith("Bye"), response.body);
                    return response.status;
                } catch (IOException refused) {
                    return -1;
                }
            }));
        }
        go.countDown();
        int answered = 0;
        for (Future<Integer> result : results) {
            int status = result.get(20, TimeUnit.SECONDS);
            assertTrue(status == 200 || status == 503 || status == -1, "status " + status);
            answered += status == 200 ? 1 : 0;
        }
        pool.shutdown();
        assertTrue(answered >= 1);
        assertEquals(0, launcher.awaitExit());
        long triggers = launcher.err.lines().stream().filter(l -> l.contains("stop triggered")).count();
        assertEquals(1, triggers, launcher.err.text());
        assertTrue(launcher.err.last().contains("cause=/shutdown"), launcher.err.last());
    }

    /** /shutdown with a declared body that never comes still answers and stops at once. */
    @Test
    void shutdownWithBodyNeverSentStillStops() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0");
        int port = launcher.awaitPort();
        launcher.err.await("ready:", WAIT);
        try (RawHttp liar = new RawHttp(port)) {
            liar.send("POST /shutdown HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
            assertEquals(200, liar.read(false).status);
            assertEquals(0, launcher.awaitExit());
        }
        assertTrue(launcher.err.last().contains("cause=/shutdown"), launcher.err.last());
    }

    /** The second signal halts the process with 128 + its number; the first one only requests the stop. */
    @Test
    void secondSignalHalts() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0",
                "--drain-delay", "1s", "--shutdown-timeout", "5s");
        launcher.awaitPort();
        launcher.err.await("ready:", WAIT);
        launcher.signal("SIGINT");
        assertTrue(launcher.halts.isEmpty());
        launcher.signal("SIGTERM");
        assertEquals(List.of(143), launcher.halts);
        assertTrue(launcher.err.await("second signal SIGTERM.*cause=SIGINT exit=143", WAIT).find(0));
        assertEquals(0, launcher.awaitExit());
    }

    /** A signal the process cannot handle is reported in one line at start. */
    @Test
    void unhandledSignalsAreReported() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher(List.of(
                new SignalSource.Unhandled("SIGINT", true, ""),
                new SignalSource.Unhandled("SIGTERM", false, "Signal already used by VM or OS: SIGTERM")))
                .start(Map.of(), "--addr", "127.0.0.1:0");
        int port = launcher.awaitPort();
        launcher.err.await("SIGINT is ignored by this process", WAIT);
        launcher.err.await("SIGTERM cannot be handled \\(Signal already used by VM or OS: SIGTERM\\)", WAIT);
        assertEquals(200, RawHttp.get(port, "/shutdown").status);
        assertEquals(0, launcher.awaitExit());
    }

    /** The shutdown hook returns at once after the launcher's own exit, and halts nothing. */
    @Test
    void shutdownHookIsQuietAfterANormalExit() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0");
        int port = launcher.awaitPort();
        assertEquals(200, RawHttp.get(port, "/shutdown").status);
        assertEquals(0, launcher.awaitExit());
        Thread hook = launcher.hooks.get(0);
        hook.start();
        hook.join(5000);
        assertTrue(!hook.isAlive() && launcher.halts.isEmpty());
    }

    /** The shutdown hook, run while the group is up, stops every member and halts with the outcome's code. */
    @Test
    void shutdownHookStopsTheGroup() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0");
        launcher.awaitPort();
        launcher.err.await("ready:", WAIT);
        Thread hook = launcher.hooks.get(0);
        hook.start();
        assertEquals(0, launcher.awaitExit());
        hook.join(10_000);
        assertEquals(List.of(0), launcher.halts);
        assertTrue(launcher.err.last().contains("cause=JVM shutdown"), launcher.err.last());
    }

    /** A usage error prints one line and returns 2; --help prints usage on stdout. */
    @Test
    void usageErrorsAndHelp() throws Exception {
        InProcessLauncher bad = new InProcessLauncher().start(Map.of(), "--drain-delay", "9s");
        assertEquals(2, bad.awaitExit());
        assertEquals(1, bad.err.lines().size());
        assertTrue(bad.err.last().startsWith("launcher: --drain-delay (9s) must be shorter"), bad.err.last());
        InProcessLauncher help = new InProcessLauncher().start(Map.of(), "--help");
        assertEquals(0, help.awaitExit());
        assertTrue(help.out.toString().startsWith("Usage: java -jar launcher.jar"));
    }
}
