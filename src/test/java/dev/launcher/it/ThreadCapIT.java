package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real jar under a real thread cap ({@code RLIMIT_NPROC}), pushed to it by a few hundred slow clients, in
 * event-loop mode and with a platform thread per connection.
 *
 * <p>Event loops: 100 partial request heads over 8 KiB and 200 slow request bodies under the limit a loop receives
 * before the handler runs ({@code launcher.http.maxBufferedBody}, 256 KiB) cost no thread: no thread creation fails
 * (no failure line is logged), and once the bodies are finished every one is answered. Then 200 slow bodies
 * over that limit (their handlers answer at once, and each connection lingers on a thread, reading what its client
 * still sends) push the loops to the cap. With a thread per connection every slow client holds a thread.
 *
 * <p>Asserted at the cap: thread creation really failed (the server logged its survived failures as one line with a
 * count, and the count is above zero), the process stays up, once the slow clients are gone every new request is
 * served, and after the cap is lifted SIGTERM ends with exit 0, no sooner than the drain delay and within the
 * deadline.
 *
 * <p>{@code RLIMIT_NPROC} counts every task of the real user and is not enforced for root: the JVM runs as the
 * dedicated user {@value #USER} ({@code .ci/run} creates it), dropped to with {@code setpriv}, so that the only
 * threads counted are the JVM's. The cap is that JVM's idle thread count (after it has served a few requests) plus
 * {@value #HEADROOM}, set on the running process with {@code prlimit --pid} as that user (lowering a limit needs no
 * capability), as a soft limit; lifting it again is raising the soft limit back to the hard one.
 *
 * <p>The cap is lifted before SIGTERM because the JVM itself needs a new thread to deliver a signal to Java: at the
 * cap the signal is lost ({@code OutOfMemoryError occurred dispatching signal SIGTERM to handler}), and the server's
 * idle pooled threads keep their slots for 30 s after the slow clients left. Skipped, saying why, when not run as
 * root, without {@code setpriv}/{@code prlimit}, or without the user. The virtual-thread mode is not run: its
 * connections cost no OS thread, so the cap does not bite there.
 */
@Timeout(120)
class ThreadCapIT {

    /** The unprivileged user the capped JVM runs as. */
    static final String USER = "launcher-nproc";
    /** Threads the server may make beyond the JVM's idle count before creation fails. */
    static final int HEADROOM = 20;
    private static final int PARTIAL_HEADS = 100;
    private static final int SLOW_BODIES = 200;
    /** A body under the loops' 256 KiB limit, received without a thread. */
    private static final int SMALL_BODY = 60_000;
    /** A body over it, read by its handler on a thread. */
    private static final int LARGE_BODY = 2_000_000;
    /** Rounds of one more byte per slow body, 250 ms apart, before the small bodies are finished. */
    private static final int DRIP_ROUNDS = 4;
    private static final String FAILURE_LINE = "HTTP server: (.*); (\\d+) such failure\\(s\\) since start";
    private static final String DRAIN = "200ms";
    private static final long DRAIN_MILLIS = 200;
    private static final long TIMEOUT_MILLIS = 5000;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loop", "platform"})
    void slowClientsAtTheCapCostOnlyTheirConnections(String mode) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to run the JVM as " + USER + " (RLIMIT_NPROC counts all of a user's tasks)");
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/prlimit")), "needs prlimit (util-linux)");
        String uid = run("id", "-u", USER);
        String gid = run("id", "-g", USER);
        assumeTrue(uid != null && gid != null, "no user " + USER + " (.ci/run creates it)");
        List<String> asUser = List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups");
        assertEquals(0, userThreads(uid), "the user " + USER + " already runs something");

        Path dir = Files.createTempDirectory(Paths.get("/tmp"), "thread-cap-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path jar = Files.copy(LauncherProcess.jar(), dir.resolve("launcher.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> command = new ArrayList<>(asUser);
        command.addAll(List.of(LauncherProcess.java(), "-Dlauncher.http.threads=" + mode, "-jar", jar.toString(),
                "--addr", "127.0.0.1:0", "--shutdown-timeout", TIMEOUT_MILLIS + "ms", "--drain-delay", DRAIN));
        List<RawHttp> slow = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try (LauncherProcess launcher = LauncherProcess.startCommand(Map.of(), command)) {
            int port = launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, RawHttp.get(port, "/").status);
            }
            long pid = launcher.process.pid();
            int idle = userThreads(uid);
            int cap = idle + HEADROOM;
            List<String> read = new ArrayList<>(asUser);
            read.addAll(List.of("/usr/bin/prlimit", "--pid", Long.toString(pid), "--nproc", "--raw", "--noheadings",
                    "--output=HARD"));
            String hard = run(read.toArray(String[]::new));
            assertTrue(hard != null && !hard.isEmpty(), "cannot read the JVM's hard limit");
            List<String> limit = new ArrayList<>(asUser);
            limit.addAll(List.of("/usr/bin/prlimit", "--pid", Long.toString(pid), "--nproc=" + cap + ":"));
            assertTrue(run(limit.toArray(String[]::new)) != null, "prlimit failed");

            // partial heads over the 8 KiB buffer, then bodies the server waits for (405, then it discards them)
            String bigHeader = "X-Big: " + "b".repeat(20 * 1024);
            for (int i = 0; i < PARTIAL_HEADS; i++) {
                RawHttp client = new RawHttp(port);
                slow.add(client);
                client.send("GET / HTTP/1.1\r\nHost: x\r\n" + bigHeader);
            }
            boolean loops = mode.equals("loop");
            if (loops) {
                smallBodiesCostNoThread(launcher, port, uid, cap, slow);
            }
            List<RawHttp> bodies = new ArrayList<>();
            for (int i = 0; i < SLOW_BODIES; i++) {
                RawHttp client = new RawHttp(port);
                slow.add(client);
                bodies.add(client);
                client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + (loops ? LARGE_BODY : SMALL_BODY)
                        + "\r\n\r\nyy");
            }
            drip.scheduleAtFixedRate(() -> {
                for (RawHttp client : bodies) {
                    try {
                        client.send("y");
                    } catch (IOException closed) {
                        // the server closed it (no thread for it): fine
                    }
                }
            }, 250, 250, TimeUnit.MILLISECONDS);

            Matcher failed = launcher.err.await(FAILURE_LINE, WAIT);
            long counted = Long.parseLong(failed.group(2));
            int atCap = userThreads(uid);
            assertTrue(counted > 0, failed.group());
            assertTrue(launcher.process.isAlive(), "the launcher died at the cap");

            // the slow clients leave: their threads come free, and new requests are served
            drip.shutdownNow();
            assertTrue(drip.awaitTermination(5, TimeUnit.SECONDS));
            for (RawHttp client : slow) {
                client.close();
            }
            long firstServed = awaitServed(port);
            long worst = 0;
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                RawHttp.Response response = RawHttp.get(port, "/");
                worst = Math.max(worst, (System.nanoTime() - start) / 1_000_000);
                assertEquals(200, response.status);
            }
            assertTrue(worst < 1000, "a request took " + worst + " ms after the slow clients left");

            // the pressure is over: the JVM can make the thread that delivers the signal
            List<String> lift = new ArrayList<>(asUser);
            lift.addAll(List.of("/usr/bin/prlimit", "--pid", Long.toString(pid), "--nproc=" + hard + ":"));
            assertTrue(run(lift.toArray(String[]::new)) != null, "prlimit failed");
            long start = System.nanoTime();
            launcher.signal("TERM");
            int code = launcher.awaitExit(Duration.ofMillis(TIMEOUT_MILLIS + 5000));
            long stopMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("thread cap (%s): idle %d threads, cap %d, %d at the cap; first failure line: %d"
                            + " counted (%s); first request after the slow clients left %d ms, worst of 20 %d ms;"
                            + " stop %d ms%n", mode, idle, cap, atCap, counted, failed.group(1), firstServed, worst,
                    stopMillis);
            assertEquals(0, code, launcher.err.text());
            assertTrue(launcher.err.last().contains("exit=0 cause=SIGTERM"), launcher.err.last());
            assertTrue(stopMillis >= DRAIN_MILLIS && stopMillis < TIMEOUT_MILLIS + 1000,
                    "stop took " + stopMillis + " ms");
        } finally {
            drip.shutdownNow();
            for (RawHttp client : slow) {
                client.close();
            }
            Files.deleteIfExists(dir.resolve("launcher.jar"));
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Event loops, at the cap, with the partial heads open: 200 slow bodies under the loops' limit, each trickled a
     * byte at a time for {@value #DRIP_ROUNDS} rounds, make no thread creation fail (no failure line), leave the
     * JVM's threads within the cap, and are all answered once finished.
     */
    private static void smallBodiesCostNoThread(LauncherProcess launcher, int port, String uid, int cap,
                                                List<RawHttp> slow) throws Exception {
        List<RawHttp> bodies = new ArrayList<>();
        for (int i = 0; i < SLOW_BODIES; i++) {
            RawHttp client = new RawHttp(port);
            slow.add(client);
            bodies.add(client);
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + SMALL_BODY + "\r\n\r\nyy");
        }
        int sent = 2;
        for (int round = 0; round < DRIP_ROUNDS; round++) {
            // one more byte each: a new piece of each body for the loops to take in
            for (RawHttp client : bodies) {
                client.send("y");
            }
            sent++;
            // a request after the round is answered once the loops have gone past it (each loop serves in turn)
            assertEquals(200, RawHttp.get(port, "/").status);
        }
        int threads = userThreads(uid);
        assertTrue(threads <= cap, threads + " threads at a cap of " + cap);
        assertTrue(launcher.err.text().lines().noneMatch(line -> line.matches(".*" + FAILURE_LINE + ".*")),
                "a thread creation failed with slow bodies under the limit: " + launcher.err.text());
        String rest = "y".repeat(SMALL_BODY - sent);
        for (RawHttp client : bodies) {
            client.send(rest);
        }
        for (RawHttp client : bodies) {
            assertEquals(405, client.read(false).status);
        }
        System.out.printf("thread cap (loop): %d slow bodies under the limit: %d threads at a cap of %d, all answered,"
                + " no failure%n", SLOW_BODIES, threads, cap);
        for (RawHttp client : bodies) {
            client.close();
        }
    }

    /**
     * Waits, at most {@link #WAIT}, until a new connection is served (the slow clients' threads are on their way
     * back to the server's pool); returns how long that took in milliseconds.
     */
    private static long awaitServed(int port) throws IOException {
        long start = System.nanoTime();
        long deadline = start + WAIT.toNanos();
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                RawHttp.Response response = RawHttp.get(port, "/");
                assertEquals(200, response.status);
                return (System.nanoTime() - start) / 1_000_000;
            } catch (IOException closed) {
                // no thread for this connection yet: the next one
                last = closed;
            }
        }
        throw new AssertionError("no request served within " + WAIT + " after the slow clients left", last);
    }

    /** {@return the tasks (threads) of the user {@code uid}, from /proc} */
    private static int userThreads(String uid) throws IOException {
        int threads = 0;
        try (Stream<Path> processes = Files.list(Paths.get("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                if (!process.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                List<String> status;
                try {
                    status = Files.readAllLines(process.resolve("status"), StandardCharsets.UTF_8);
                } catch (IOException gone) {
                    continue;
                }
                boolean mine = status.stream().anyMatch(line -> line.matches("Uid:\\s+" + uid + "\\s.*"));
                if (mine) {
                    for (String line : status) {
                        if (line.startsWith("Threads:")) {
                            threads += Integer.parseInt(line.substring(8).trim());
                        }
                    }
                }
            }
        }
        return threads;
    }

    /** {@return a command's trimmed output, or null if it failed} Bounded to 10 s. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return null;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.exitValue() == 0 ? out : null;
    }
}
