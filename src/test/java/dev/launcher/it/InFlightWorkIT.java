package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reliability scenario 3: work in progress when SIGTERM lands is finished, not lost. */
@Timeout(60)
class InFlightWorkIT {

    private static final String MAIN = FaultyLauncher.class.getName();

    /** Requests in flight (100 - 1000 ms handlers) at SIGTERM all complete with their full bodies; exit 0. */
    @Test
    void slowRequestsInFlightComplete() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.startClass(Map.of(), MAIN, "--addr", "127.0.0.1:0",
                "--shutdown-timeout", "5s", "--worker-interval", "10ms")) {
            int port = launcher.awaitPort();
            int[] delays = {100, 250, 400, 550, 700, 850, 1000, 1000};
            ExecutorService pool = Executors.newFixedThreadPool(delays.length);
            List<RawHttp> connections = new ArrayList<>();
            List<Future<RawHttp.Response>> responses = new ArrayList<>();
            for (int delay : delays) {
                RawHttp http = new RawHttp(port);
                connections.add(http);
                http.send("GET /slow?ms=" + delay + "&bytes=200000 HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            // every request has reached its handler: the worker's report counts them in flight
            launcher.err.await("worker: tick \\d+: \\d+ requests served since the last tick, " + delays.length
                    + " in flight", Duration.ofSeconds(10));
            launcher.signal("TERM");
            for (RawHttp http : connections) {
                responses.add(pool.submit(() -> http.read(false)));
            }
            for (Future<RawHttp.Response> future : responses) {
                RawHttp.Response response = future.get(10, TimeUnit.SECONDS);
                assertEquals(200, response.status);
                assertEquals(200000, response.body.length());
                assertEquals("close", response.header("Connection"));
            }
            pool.shutdown();
            for (RawHttp http : connections) {
                http.close();
            }
            assertEquals(0, launcher.awaitExit(Duration.ofSeconds(10)));
            assertTrue(launcher.err.last().contains("exit=0 cause=SIGTERM"), launcher.err.last());
        }
    }

    /** A worker job running at SIGTERM completes and records its effect; no job is left half-done. */
    @Test
    void workerJobInProgressCompletes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jobs.log");
        try (LauncherProcess launcher = LauncherProcess.startClass(
                Map.of("JOB_FILE", file.toString(), "JOB_MS", "800"), MAIN,
                "--addr", "127.0.0.1:0", "--worker-interval", "100ms", "--shutdown-timeout", "5s")) {
            launcher.awaitPort();
            // wait until a job has started and not finished
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
                if (!lines.isEmpty() && lines.get(lines.size() - 1).startsWith("start")) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "no job started: " + lines);
                launcher.err.tryAwait("worker-never-logs-this", Duration.ofMillis(20));
            }
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(Duration.ofSeconds(10)));
            List<String> lines = Files.readAllLines(file);
            assertTrue(lines.get(lines.size() - 1).startsWith("done"), lines.toString());
            long starts = lines.stream().filter(l -> l.startsWith("start")).count();
            long dones = lines.stream().filter(l -> l.startsWith("done")).count();
            assertEquals(starts, dones, lines.toString());
        }
    }
}
