package dev.launcher.it;

import dev.launcher.testing.FreePorts;
import dev.launcher.testing.Json;
import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.LogLines;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The standard process and JVM metrics of the real jar: what they say matches what /proc says of the process, and a
 * real Prometheus server (Debian's {@code prometheus}) scrapes them every second and answers queries on them.
 */
@Timeout(120)
class PrometheusIT {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][^ ]*) (\\S+)$", Pattern.MULTILINE);
    private static final Duration SCRAPED = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final List<String> QUERIES = List.of("rate(process_cpu_seconds_total[5s])",
            "jvm_memory_used_bytes{area=\"heap\"}",
            "histogram_quantile(0.99, rate(launcher_http_request_duration_seconds_bucket[5s]))",
            "launcher_http_survived_failures_total");

    /** Open and maximum descriptors, resident memory, start and CPU time agree with /proc and the OS's view. */
    @Test
    void processMetricsDescribeTheRealProcess() throws Exception {
        Instant spawned = Instant.now();
        try (LauncherProcess launcher = LauncherProcess.start("--addr", "127.0.0.1:0")) {
            int port = launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);
            Instant ready = Instant.now();
            long pid = launcher.process.pid();
            Path proc = Paths.get("/proc", Long.toString(pid));
            assumeTrue(Files.isReadable(proc.resolve("status")), "no /proc/PID/status here: not Linux");
            try (RawHttp http = new RawHttp(port)) {
                assertEquals(200, http.request("GET", "/metrics", "").status); // loads the management beans
                long fdsBefore = count(proc.resolve("fd"));
                Map<String, Double> metrics = samples(http.request("GET", "/metrics", "").body);
                long fdsAfter = count(proc.resolve("fd"));
                String status = Files.readString(proc.resolve("status"));
                Duration cpu = ProcessHandle.of(pid).orElseThrow().info().totalCpuDuration().orElseThrow();

                double fds = metrics.get("process_open_fds");
                assertTrue(fds >= Math.min(fdsBefore, fdsAfter) - 1 && fds <= Math.max(fdsBefore, fdsAfter) + 1,
                        "open fds " + fds + ", /proc/" + pid + "/fd had " + fdsBefore + " then " + fdsAfter);
                assertEquals(softLimit(Files.readString(proc.resolve("limits")), "Max open files"),
                        metrics.get("process_max_fds"));
                double resident = metrics.get("process_resident_memory_bytes");
                double residentNow = statusNumber(status, "VmRSS") * 1024.0;
                assertTrue(resident > residentNow / 2 && resident < residentNow * 2,
                        "resident " + resident + ", /proc says " + residentNow);
                assertTrue(metrics.get("process_virtual_memory_bytes") > resident);
                double start = metrics.get("process_start_time_seconds");
                assertTrue(start >= spawned.toEpochMilli() / 1e3 - 0.001 && start <= ready.toEpochMilli() / 1e3,
                        "start " + start + " not between " + spawned + " and " + ready);
                double cpuSeconds = metrics.get("process_cpu_seconds_total");
                assertTrue(cpuSeconds > 0 && cpuSeconds <= cpu.toNanos() / 1e9 + 0.02,
                        "cpu " + cpuSeconds + " s, the OS says " + cpu + " a moment later");
                assertTrue(metrics.get("jvm_threads_current") <= statusNumber(status, "Threads"),
                        "jvm threads " + metrics.get("jvm_threads_current") + ", OS threads: " + status);
                System.out.printf("pid %d: %.0f fds of %.0f, RSS %.1f MiB, CPU %.2f s%n", pid, fds,
                        metrics.get("process_max_fds"), resident / (1 << 20), cpuSeconds);
            }
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(Duration.ofSeconds(15)));
        }
    }

    /**
     * Start-up and the other endpoints never load the JDK's management classes; the first scrape does. (Class
     * loading is logged to stderr, in order with the access log, so what the other requests loaded is all logged
     * once the last of their access lines is.)
     */
    @Test
    void onlyAScrapeLoadsTheManagementClasses() throws Exception {
        List<String> command = List.of(LauncherProcess.java(), "-Xlog:class+load=info:stderr", "-jar",
                LauncherProcess.jar().toString(), "--addr", "127.0.0.1:0", "--access-log");
        try (LauncherProcess launcher = LauncherProcess.startCommand(Map.of(), command)) {
            int port = launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);
            for (String path : List.of("/", "/healthz", "/readyz", "/nope")) {
                RawHttp.get(port, path);
            }
            launcher.err.await("access: .*\"GET /nope ", Duration.ofSeconds(10));
            List<String> early = launcher.err.lines().stream().filter(line -> line.contains(" java.lang.management."))
                    .collect(Collectors.toList());
            assertTrue(early.isEmpty(), "management classes loaded before any scrape: " + early);
            assertEquals(200, RawHttp.get(port, "/metrics").status);
            launcher.err.await(" java\\.lang\\.management\\.ManagementFactory source:", Duration.ofSeconds(10));
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(Duration.ofSeconds(15)));
        }
    }

    /**
     * A real Prometheus scraping the jar every second sees the target up and answers the queries dashboards use on
     * the standard metrics and on the request-duration histogram with numbers; the sample alerting rules of
     * docs/OPERATIONS.md evaluate, and those on a stop and an exit go pending when the launcher stops and exits.
     */
    @Test
    void aRealPrometheusScrapesTheJar(@TempDir Path dir) throws Exception {
        Path prometheus = binary("prometheus");
        String rules = sampleRules();
        Files.writeString(dir.resolve("rules.yml"), rules);
        try (LauncherProcess launcher = LauncherProcess.start("--addr", "127.0.0.1:0", "--drain-delay", "8s",
                "--shutdown-timeout", "15s")) {
            int port = launcher.awaitPort();
            int apiPort = FreePorts.pick(1).get(0);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  scrape_timeout: 1s",
                    "  evaluation_interval: 1s",
                    "rule_files: ['rules.yml']",
                    "scrape_configs:",
                    "  - job_name: launcher",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + port + "']",
                    ""));
            Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + apiPort)
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            LogLines log = LogLines.reading(server.getInputStream(), "prometheus-" + server.pid());
            try {
                log.await("Server is ready to receive web requests", Duration.ofSeconds(30));
                Api api = new Api(apiPort, server, log);
                Map<String, Double> answers = new HashMap<>();
                try (RawHttp http = new RawHttp(port)) {
                    api.await("the target up and a number for each of " + QUERIES, () -> {
                        // requests between the scrapes: the histogram's rate is defined, not NaN
                        for (int i = 0; i < 5; i++) {
                            assertEquals(200, http.request("GET", "/", "").status);
                        }
                        for (String query : QUERIES) {
                            api.value(query).ifPresent(value -> answers.put(query, value));
                        }
                        return api.targetHealth(port).equals("up") && answers.size() == QUERIES.size();
                    });
                }
                double cpu = answers.get(QUERIES.get(0));
                assertTrue(cpu >= 0 && cpu <= Runtime.getRuntime().availableProcessors() * 1.5, "cpu rate " + cpu);
                assertTrue(answers.get(QUERIES.get(1)) > 0, answers.toString());
                double p99 = answers.get(QUERIES.get(2));
                assertTrue(p99 > 0 && p99 <= 10, "p99 " + p99 + " s");
                System.out.printf("prometheus: target up; %s%n", answers);

                long alerts = Pattern.compile("^ *- alert: ", Pattern.MULTILINE).matcher(rules).results().count();
                api.await("all " + alerts + " sample rules evaluated", () -> api.rulesEvaluated() == alerts);
                launcher.signal("TERM");
                api.await("LauncherStuckStopping pending during the drain",
                        () -> api.alertActive("LauncherStuckStopping"));
                assertEquals(0, launcher.awaitExit(Duration.ofSeconds(30)));
                api.await("LauncherDown pending after the exit", () -> api.alertActive("LauncherDown"));
            } finally {
                stop(server);
                log.awaitEnd(Duration.ofSeconds(5));
            }
        }
    }

    /** The rules in the yaml block of docs/OPERATIONS.md's "Alerting with Prometheus" section. */
    private static String sampleRules() throws IOException {
        String operations = Files.readString(Paths.get("docs", "OPERATIONS.md"));
        Matcher block = Pattern.compile("## Alerting with Prometheus\n.*?```yaml\n(.*?)```", Pattern.DOTALL)
                .matcher(operations);
        assertTrue(block.find(), "no yaml block under \"## Alerting with Prometheus\" in docs/OPERATIONS.md");
        return block.group(1);
    }

    /** A condition polled against the server; may send requests of its own. */
    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Prometheus's HTTP API, asked over loopback. */
    private static final class Api {
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String base;
        private final Process server;
        private final LogLines log;

        Api(int port, Process server, LogLines log) {
            this.base = "http://127.0.0.1:" + port + "/api/v1/";
            this.server = server;
            this.log = log;
        }

        /** Polls {@code condition} every 200 ms until it holds; fails after 30 s or if the server exits. */
        void await(String what, Condition condition) throws Exception {
            long start = System.nanoTime();
            long deadline = start + SCRAPED.toNanos();
            while (!condition.holds()) {
                assertTrue(server.isAlive(), "prometheus exited:\n" + log.text());
                assertTrue(System.nanoTime() < deadline, "no " + what + " within " + SCRAPED + "; prometheus log:\n"
                        + log.text());
                server.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
            System.out.printf("prometheus: %s after %d ms%n", what, (System.nanoTime() - start) / 1_000_000);
        }

        /** How many alerting rules have been evaluated without error; fails on one that reports an error. */
        long rulesEvaluated() throws IOException, InterruptedException {
            long ok = 0;
            for (Map<String, Object> group : objects(data("rules?type=alert"), "groups")) {
                for (Map<String, Object> rule : objects(group, "rules")) {
                    assertTrue(!"err".equals(rule.get("health")), "rule failed: " + rule);
                    ok += "ok".equals(rule.get("health")) ? 1 : 0;
                }
            }
            return ok;
        }

        /** Whether the alert is pending or firing now. */
        boolean alertActive(String name) throws IOException, InterruptedException {
            return objects(data("alerts"), "alerts").stream()
                    .filter(alert -> name.equals(((Map<?, ?>) alert.get("labels")).get("alertname")))
                    .anyMatch(alert -> List.of("pending", "firing").contains(String.valueOf(alert.get("state"))));
        }

        /** The health of the scrape target on {@code port} ("up", "down", "unknown"), or "" while not listed. */
        String targetHealth(int port) throws IOException, InterruptedException {
            return objects(data("targets"), "activeTargets").stream()
                    .filter(target -> target.get("scrapeUrl").equals("http://127.0.0.1:" + port + "/metrics"))
                    .map(target -> String.valueOf(target.get("health"))).findFirst().orElse("");
        }

        @SuppressWarnings("unchecked")
        private static List<Map<String, Object>> objects(Map<String, Object> parent, String key) {
            return (List<Map<String, Object>>) parent.get(key);
        }

        /** The instant query's single value, if it is one finite number. */
        Optional<Double> value(String query) throws IOException, InterruptedException {
            Map<String, Object> data = data("query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
            assertEquals("vector", data.get("resultType"), query);
            List<Map<String, Object>> result = objects(data, "result");
            if (result.size() != 1) {
                assertTrue(result.isEmpty(), query + " gave " + result);
                return Optional.empty();
            }
            List<?> pair = (List<?>) result.get(0).get("value");
            double value = Double.parseDouble(String.valueOf(pair.get(1)));
            return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
        }

        /** The {@code data} of a successful answer to {@code GET /api/v1/PATH}. */
        @SuppressWarnings("unchecked")
        private Map<String, Object> data(String path) throws IOException, InterruptedException {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            Map<String, Object> body = Json.object(response.body());
            assertEquals("success", body.get("status"), response.body());
            return (Map<String, Object>) body.get("data");
        }
    }

    /** The binary on PATH (or in /usr/bin); skips the test when it is not installed. */
    private static Path binary(String name) {
        Path found = Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)),
                        Stream.of("/usr/bin"))
                .filter(entry -> !entry.isEmpty()).map(entry -> Paths.get(entry, name))
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(found != null, name + " is not installed (Debian package prometheus): no real server to check");
        return found;
    }

    /** SIGTERM to the server's pid, then SIGKILL if it has not exited within 10 s. */
    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Double> samples(String exposition) {
        Map<String, Double> samples = new HashMap<>();
        Matcher matcher = SAMPLE.matcher(exposition);
        while (matcher.find()) {
            samples.put(matcher.group(1), Double.parseDouble(matcher.group(2).replace("Inf", "Infinity")));
        }
        return samples;
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }

    /** The number after {@code field:} in a /proc/PID/status text (kB for the Vm lines). */
    private static long statusNumber(String status, String field) {
        Matcher matcher = Pattern.compile("^" + field + ":\\s+(\\d+)", Pattern.MULTILINE).matcher(status);
        assertTrue(matcher.find(), field + " in " + status);
        return Long.parseLong(matcher.group(1));
    }

    /** The soft limit of a /proc/PID/limits row, e.g. "Max open files  1024  4096  files". */
    private static double softLimit(String limits, String row) {
        Matcher matcher = Pattern.compile("^" + row + "\\s+(\\d+)", Pattern.MULTILINE).matcher(limits);
        assertTrue(matcher.find(), row + " in " + limits);
        return Double.parseDouble(matcher.group(1));
    }
}
