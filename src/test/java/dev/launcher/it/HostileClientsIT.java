package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability scenario 5: hostile clients all at once — slowloris, clients that never read, garbage, a 1 MB
 * header, a declared body never sent, many idle keep-alive connections. Other clients are still answered
 * promptly, and the stop still ends within the deadline with exit 0.
 */
@Timeout(90)
class HostileClientsIT {

    private static final int SLOWLORIS = 50;
    private static final int NEVER_READ = 10;
    private static final int IDLE = 200;
    /** What "promptly" means for a normal client while the hostile ones are at it. */
    private static final long PROMPT_MS = 1000;

    @Test
    void hostileClientsDoNotHurtOthersNorTheStop() throws Exception {
        List<RawHttp> hostile = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try (LauncherProcess launcher = LauncherProcess.start("--addr", "127.0.0.1:0", "--shutdown-timeout", "5s")) {
            int port = launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);

            // slowloris: a request head one byte every 50 ms, never finished
            for (int i = 0; i < SLOWLORIS; i++) {
                RawHttp http = new RawHttp(port);
                hostile.add(http);
                http.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                drip.scheduleAtFixedRate(() -> {
                    try {
                        http.send("a");
                    } catch (IOException closed) {
                        // the server cut it: fine
                    }
                }, 50, 50, TimeUnit.MILLISECONDS);
            }
            // clients that pipeline requests and never read a response
            for (int i = 0; i < NEVER_READ; i++) {
                RawHttp http = new RawHttp(port);
                hostile.add(http);
                http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2000));
            }
            // a declared body that never comes
            RawHttp liar = new RawHttp(port);
            hostile.add(liar);
            liar.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n");
            // many idle keep-alive connections
            for (int i = 0; i < IDLE; i++) {
                RawHttp http = new RawHttp(port);
                hostile.add(http);
                assertEquals(200, http.request("GET", "/healthz", "").status);
            }
            // garbage request line: 400, or a closed connection
            try (RawHttp garbage = new RawHttp(port)) {
                garbage.send("\u0001\u0002 GARBAGE\r\n\r\n");
                assertEquals(400, garbage.read(false).status);
            } catch (IOException closed) {
                // refused by closing: allowed
            }
            // a 1 MB header: 431/400, or a closed connection
            try (RawHttp big = new RawHttp(port)) {
                big.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(1024 * 1024) + "\r\n\r\n");
                int status = big.read(false).status;
                assertTrue(status == 431 || status == 400, "status " + status);
            } catch (IOException closed) {
                // refused by closing: allowed
            }

            // normal clients are still served promptly
            long worst = 0;
            for (int i = 0; i < 50; i++) {
                long start = System.nanoTime();
                RawHttp.Response response = RawHttp.get(port, "/");
                worst = Math.max(worst, (System.nanoTime() - start) / 1_000_000);
                assertEquals(200, response.status);
            }
            assertTrue(worst < PROMPT_MS, "a normal request took " + worst + " ms");

            // and the stop still ends within the deadline, cleanly
            long start = System.nanoTime();
            launcher.signal("TERM");
            int code = launcher.awaitExit(Duration.ofSeconds(15));
            long stopMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("hostile: worst normal request %d ms, stop %d ms%n", worst, stopMillis);
            assertEquals(0, code, launcher.err.text());
            long logged = launcher.loggedStopMillis();
            assertTrue(stopMillis >= logged && stopMillis < 5000, "stop took " + stopMillis + " ms, " + logged
                    + " ms logged");
        } finally {
            drip.shutdownNow();
            for (RawHttp http : hostile) {
                http.close();
            }
        }
    }
}
