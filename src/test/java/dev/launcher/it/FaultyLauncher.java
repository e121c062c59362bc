package dev.launcher.it;

import dev.launcher.app.Launcher;
import dev.launcher.group.ServiceContext;
import dev.launcher.http.Responses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * The real launcher (real signals, real shutdown hook, System.exit) with faults added, for process tests. Run as
 * {@code java -cp launcher.jar:test-classes dev.launcher.it.FaultyLauncher [launcher flags]}; the faults come from
 * environment variables:
 * <ul>
 *   <li>{@code FAULTS}: comma list of {@code ignore-stop} (member {@code stubborn} waits for an interrupt),
 *       {@code ignore-interrupt} (member {@code deaf} never ends), {@code throw-on-stop} (member {@code thrower}),
 *       {@code block-startup} (member {@code stuck} never starts, never ends), {@code exit-on-request} (member
 *       {@code exiter} calls {@code System.exit(5)} when {@code /exit} is hit);</li>
 *   <li>{@code FAIL_AFTER_MS} / {@code END_AFTER_MS}: member {@code failer} throws / member {@code ender} returns
 *       after that long;</li>
 *   <li>{@code JOB_FILE} and {@code JOB_MS}: the worker's job appends {@code start N}, works JOB_MS, appends
 *       {@code done N}.</li>
 * </ul>
 * Route {@code /slow?ms=N&bytes=M} answers after N ms with M bytes (default 0 ms, 1000 bytes).
 */
public final class FaultyLauncher {

    private FaultyLauncher() {
    }

    public static void main(String[] args) {
        Set<String> faults = new HashSet<>(Arrays.asList(env("FAULTS", "").split(",")));
        CountDownLatch exitRequested = new CountDownLatch(1);
        Launcher.Builder builder = Launcher.builder().route("/slow", exchange -> {
            long ms = query(exchange.getRequestURI().getQuery(), "ms", 0);
            int bytes = (int) query(exchange.getRequestURI().getQuery(), "bytes", 1000);
            sleep(ms);
            Responses.send(exchange, 200, Responses.TEXT, "s".repeat(bytes));
        }).route("/exit", exchange -> {
            Responses.send(exchange, 200, Responses.TEXT, "exiting\n");
            exitRequested.countDown();
        });
        if (faults.contains("ignore-stop")) {
            builder.member("stubborn", context -> {
                context.started();
                new CountDownLatch(1).await();
            });
        }
        if (faults.contains("ignore-interrupt")) {
            builder.member("deaf", context -> {
                context.started();
                parkForever();
            });
        }
        if (faults.contains("throw-on-stop")) {
            builder.member("thrower", context -> {
                context.started();
                context.awaitStop();
                throw new IllegalStateException("refused to stop cleanly");
            });
        }
        if (faults.contains("block-startup")) {
            builder.member("stuck", context -> parkForever());
        }
        if (faults.contains("exit-on-request")) {
            builder.member("exiter", context -> {
                context.started();
                exitRequested.await();
                System.exit(5);
            });
        }
        long failAfter = Long.parseLong(env("FAIL_AFTER_MS", "-1"));
        if (failAfter >= 0) {
            builder.member("failer", context -> {
                context.started();
                if (!context.awaitStop(java.time.Duration.ofMillis(failAfter))) {
                    throw new IllegalStateException("injected failure");
                }
            });
        }
        long endAfter = Long.parseLong(env("END_AFTER_MS", "-1"));
        if (endAfter >= 0) {
            builder.member("ender", (ServiceContext context) -> {
                context.started();
                context.awaitStop(java.time.Duration.ofMillis(endAfter));
            });
        }
        String jobFile = env("JOB_FILE", "");
        if (!jobFile.isEmpty()) {
            long jobMs = Long.parseLong(env("JOB_MS", "300"));
            Path file = Paths.get(jobFile);
            builder.workerJob(tick -> {
                append(file, "start " + tick);
                sleep(jobMs);
                append(file, "done " + tick);
            });
        }
        System.exit(builder.build().start(args));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private static long query(String query, String key, long fallback) {
        if (query == null) {
            return fallback;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(key + "=")) {
                return Long.parseLong(pair.substring(key.length() + 1));
            }
        }
        return fallback;
    }

    /** Sleeps through interrupts: the point is to model work that does not react to them. */
    private static void sleep(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static void parkForever() {
        while (true) {
            LockSupport.park();
        }
    }

    private static void append(Path file, String line) throws IOException {
        Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
