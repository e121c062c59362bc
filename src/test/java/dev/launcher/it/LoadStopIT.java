package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability scenario 4: a bounded keep-alive load (32 connections, 15000 requests or more before the signal) with SIGTERM in the middle. No
 * accepted request gets a 5xx other than 503, no response is cut mid-body, and the process exits 0 in time.
 */
@Timeout(90)
class LoadStopIT {

    private static final int CONNECTIONS = 32;
    private static final String MAIN = FaultyLauncher.class.getName();

    /** Counts of one run. */
    private static final class Counts {
        final AtomicLong served = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong closedBeforeResponse = new AtomicLong();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    }

    /** One client: requests on a keep-alive connection until the server is gone (at most 30 s). */
    private static void client(int port, int id, Counts counts, CountDownLatch warm) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String path = id % 4 == 0 ? "/slow?ms=50&bytes=20000" : "/";
        while (System.nanoTime() < end) {
            RawHttp http;
            try {
                http = new RawHttp(port);
            } catch (IOException e) {
                counts.refused.incrementAndGet();
                return;
            }
            try (http) {
                while (System.nanoTime() < end) {
                    http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.Response response;
                    try {
                        response = http.read(false);
                    } catch (IOException e) {
                        if (e.getMessage() != null && e.getMessage().startsWith("body cut")) {
                            counts.violations.add("cut: " + e.getMessage());
                        } else {
                            counts.closedBeforeResponse.incrementAndGet();
                        }
                        break;
                    }
                    if (response.status >= 500 && response.status != 503) {
                        counts.violations.add("status " + response.status);
                    }
                    counts.served.incrementAndGet();
                    warm.countDown();
                    if ("close".equalsIgnoreCase(response.header("Connection"))) {
                        break;
                    }
                }
            } catch (IOException e) {
                counts.closedBeforeResponse.incrementAndGet();
            }
        }
    }

    /** SIGTERM under load: only clean answers, exit 0 within the deadline; the counts are printed. */
    @Test
    void sigtermUnderLoad() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.startClass(Map.of(), MAIN, "--addr", "127.0.0.1:0",
                "--shutdown-timeout", "5s")) {
            int port = launcher.awaitPort();
            Counts counts = new Counts();
            CountDownLatch warm = new CountDownLatch(15_000);
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                clients.add(pool.submit(() -> client(port, id, counts, warm)));
            }
            assertTrue(warm.await(25, TimeUnit.SECONDS), "load never reached 15000 requests");
            long start = System.nanoTime();
            launcher.signal("TERM");
            int code = launcher.awaitExit(Duration.ofSeconds(15));
            long stopMillis = (System.nanoTime() - start) / 1_000_000;
            for (Future<?> client : clients) {
                client.get(20, TimeUnit.SECONDS);
            }
            pool.shutdown();
            System.out.printf("load+stop: served=%d refused=%d closed-before-response=%d stop=%d ms%n",
                    counts.served.get(), counts.refused.get(), counts.closedBeforeResponse.get(), stopMillis);
            assertTrue(counts.violations.isEmpty(), counts.violations.toString());
            assertEquals(0, code, launcher.err.text());
            long logged = launcher.loggedStopMillis();
            assertTrue(stopMillis >= logged && stopMillis < 5000, "stop took " + stopMillis + " ms, " + logged
                    + " ms logged");
            assertTrue(launcher.err.last().contains("exit=0 cause=SIGTERM"), launcher.err.last());
        }
    }
}
