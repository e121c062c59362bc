package dev.launcher.app;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the process and JVM metric families cost (bench/metrics-cost.sh runs it; README, "Metrics"): the median time
 * to collect them in this JVM, then, with the launcher running in this JVM, the median of {@code GET /metrics}
 * beside that of {@code GET /healthz} on one keep-alive connection. 1000 runs of each after 300 to warm up. Prints
 * its figures on stdout (the launcher logs on stderr).
 *
 * <p>It lives in {@code dev.launcher.app}, beside the package-private collectors it times, and runs with the jar on
 * the class path.
 */
public final class MetricsCost {

    private static final int WARM_UP = 300;
    private static final int RUNS = 1000;

    private MetricsCost() {
    }

    /** A job to time. */
    private interface Task {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        ProcessMetrics process = new ProcessMetrics();
        JvmMetrics jvm = new JvmMetrics();
        long collect = median("process + JVM families collected", () -> {
            Exposition out = new Exposition();
            process.writeTo(out);
            jvm.writeTo(out);
            if (out.text().length() < 1000) {
                throw new AssertionError("families missing:\n" + out.text());
            }
        });

        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> Launcher.builder().build().start(new String[] {"--addr", "127.0.0.1:" + port}));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        awaitUp(client, base + "/readyz");
        long health = median("GET /healthz", () -> get(client, base + "/healthz"));
        long scrape = median("GET /metrics", () -> get(client, base + "/metrics"));
        get(client, base + "/shutdown");
        int code = exit.get(15, TimeUnit.SECONDS);

        System.out.printf("collecting the process and JVM families: median %d us%n", collect / 1000);
        System.out.printf("a scrape costs %d us more than /healthz (median %d us beside %d us); launcher exit %d%n",
                (scrape - health) / 1000, scrape / 1000, health / 1000, code);
        System.exit(code);
    }

    private static void awaitUp(HttpClient client, String url) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                get(client, url);
                return;
            } catch (Exception notYet) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the launcher did not answer " + url, notYet);
                }
                TimeUnit.MILLISECONDS.sleep(20); // a start-up poll, not a measurement
            }
        }
    }

    private static void get(HttpClient client, String url) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + ": " + response.statusCode());
        }
    }

    /** Runs {@code task} WARM_UP times, then RUNS times; prints and returns the median of those, in ns. */
    private static long median(String what, Task task) throws Exception {
        long[] nanos = new long[RUNS];
        for (int i = -WARM_UP; i < RUNS; i++) {
            long start = System.nanoTime();
            task.run();
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        long median = nanos[RUNS / 2];
        System.out.printf("%s: median %d us, p99 %d us over %d%n", what, median / 1000, nanos[RUNS * 99 / 100] / 1000,
                RUNS);
        return median;
    }
}
