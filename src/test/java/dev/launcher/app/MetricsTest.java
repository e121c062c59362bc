package dev.launcher.app;

import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** GET /metrics: parsed line by line by the text format's grammar (and by promtool when it is installed). */
@Timeout(60)
class MetricsTest {

    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})?"
            + " ([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|NaN|Inf))( -?[0-9]+)?");

    /** The standard series every scrape has on Linux (client_java's names). */
    private static final List<String> STANDARD = List.of("process_cpu_seconds_total", "process_start_time_seconds",
            "process_open_fds", "process_max_fds", "process_virtual_memory_bytes", "process_resident_memory_bytes",
            "jvm_memory_used_bytes{area=\"heap\"}", "jvm_memory_used_bytes{area=\"nonheap\"}",
            "jvm_memory_committed_bytes{area=\"heap\"}", "jvm_memory_committed_bytes{area=\"nonheap\"}",
            "jvm_memory_max_bytes{area=\"heap\"}", "jvm_memory_max_bytes{area=\"nonheap\"}", "jvm_threads_current",
            "jvm_threads_daemon", "jvm_threads_peak", "jvm_classes_currently_loaded");

    /** Every line is a HELP, a TYPE or a sample of a declared family; histograms are consistent. */
    @Test
    void metricsFollowTheTextFormat() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0",
                "--worker-interval", "50ms");
        int port = launcher.awaitPort();
        launcher.err.await("worker: tick 1:", Duration.ofSeconds(10));
        try (RawHttp http = new RawHttp(port)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, http.request("GET", "/", "").status);
            }
            assertEquals(404, http.request("GET", "/missing", "").status);
            RawHttp.Response response = http.request("GET", "/metrics", "");
            assertEquals(200, response.status);
            assertEquals("text/plain; version=0.0.4; charset=utf-8", response.header("Content-Type"));
            Map<String, Double> samples = parse(response.body);
            assertTrue(samples.get("launcher_http_requests_total{code=\"2xx\"}") >= 5, samples.toString());
            assertTrue(samples.get("launcher_http_requests_total{code=\"4xx\"}") >= 1, samples.toString());
            assertEquals(1.0, samples.get("launcher_http_requests_in_flight"));
            assertEquals(1.0, samples.get("launcher_ready"));
            assertEquals(0.0, samples.get("launcher_stopping"));
            assertTrue(samples.get("launcher_worker_jobs_total") >= 1);
            assertEquals(0.0, samples.get("launcher_worker_job_failures_total"));
            assertEquals(0.0, samples.get("launcher_http_survived_failures_total"));
            assertTrue(samples.get("launcher_uptime_seconds") > 0);
            assertEquals(samples.get("launcher_http_request_duration_seconds_count"),
                    samples.get("launcher_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
            for (String series : STANDARD) {
                assertTrue(samples.containsKey(series), "missing " + series + " in:\n" + response.body);
            }
            promtool(response.body);
        }
        launcher.signal("SIGTERM");
        assertEquals(0, launcher.awaitExit());
    }

    /**
     * A failure the HTTP server survived (here an {@code Error} a handler threw mid-response, which costs only its
     * connection) is counted in {@code launcher_http_survived_failures_total}, and the server serves on.
     */
    @Test
    void survivedFailuresAreCounted() throws Exception {
        Launcher.Builder builder = Launcher.builder().route("/error", exchange -> {
            exchange.sendResponseHeaders(200, 10);
            throw new AssertionError("a handler's Error after its response began");
        });
        InProcessLauncher launcher = new InProcessLauncher().start(builder, Map.of(), "--addr", "127.0.0.1:0");
        int port = launcher.awaitPort();
        try (RawHttp http = new RawHttp(port)) {
            assertThrows(EOFException.class, () -> http.request("GET", "/error", ""), "a whole response");
        }
        RawHttp.Response response = RawHttp.get(port, "/metrics");
        assertEquals(200, response.status);
        assertEquals(1.0, parse(response.body).get("launcher_http_survived_failures_total"), response.body);
        launcher.signal("SIGTERM");
        assertEquals(0, launcher.awaitExit());
    }

    /** The process and JVM families hold together: memory, threads, collections and the runtime's own labels. */
    @Test
    void processAndJvmMetricsDescribeThisJvm() {
        Map<String, Double> before = collect(new ProcessMetrics());
        for (String area : List.of("heap", "nonheap")) {
            double used = before.get("jvm_memory_used_bytes{area=\"" + area + "\"}");
            double committed = before.get("jvm_memory_committed_bytes{area=\"" + area + "\"}");
            double max = before.get("jvm_memory_max_bytes{area=\"" + area + "\"}");
            assertTrue(used > 0 && used <= committed, area + ": used " + used + ", committed " + committed);
            assertTrue(max == -1 || max >= committed, area + ": max " + max + ", committed " + committed);
        }
        double threads = before.get("jvm_threads_current");
        assertTrue(threads >= 2 && before.get("jvm_threads_daemon") <= threads
                && before.get("jvm_threads_peak") >= threads, before.toString());
        assertTrue(before.get("jvm_classes_currently_loaded") > 500, before.toString());
        assertTrue(before.get("process_resident_memory_bytes") > 1 << 20
                && before.get("process_resident_memory_bytes") < before.get("process_virtual_memory_bytes"));
        assertTrue(before.get("process_open_fds") > 2
                && before.get("process_open_fds") <= before.get("process_max_fds"), before.toString());
        assertEquals(1.0, before.get("jvm_info{version=\"" + System.getProperty("java.runtime.version")
                + "\",vendor=\"" + System.getProperty("java.vm.vendor")
                + "\",runtime=\"" + System.getProperty("java.runtime.name") + "\"}"), before.toString());

        System.gc();
        Map<String, Double> after = collect(new ProcessMetrics());
        assertTrue(gcCount(after) > gcCount(before), "System.gc() not counted: " + before + " then " + after);
        assertTrue(after.get("process_cpu_seconds_total") >= before.get("process_cpu_seconds_total"));
        after.forEach((series, value) -> {
            if (series.startsWith("jvm_gc_collection_seconds")) {
                assertTrue(value >= 0 && value >= before.getOrDefault(series, 0.0), series + " " + value);
            }
        });
    }

    /**
     * Scrape after scrape the exposition has the same series: no family or label comes and goes (what it costs is
     * measured by bench/metrics-cost.sh, not here).
     */
    @Test
    void scrapesKeepTheirSeries() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0");
        try (RawHttp http = new RawHttp(launcher.awaitPort())) {
            Set<String> first = parse(http.request("GET", "/metrics", "").body).keySet();
            for (int i = 0; i < 20; i++) {
                assertEquals(200, http.request("GET", "/healthz", "").status);
                assertEquals(first, parse(http.request("GET", "/metrics", "").body).keySet());
            }
        }
        launcher.signal("SIGTERM");
        assertEquals(0, launcher.awaitExit());
    }

    /** The memory lines of /proc/PID/status are read in kB; a missing or malformed line reads as -1. */
    @Test
    void statusLinesAreReadInKibibytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmSize:\t 8876544 kB\nVmRSS:\t   48236 kB\nThreads:\t12\n";
        assertEquals(8876544, ProcessMetrics.kibibytes(status, "VmSize:"));
        assertEquals(48236, ProcessMetrics.kibibytes(status, "VmRSS:"));
        assertEquals(9000000, ProcessMetrics.kibibytes("VmPeak:\t 9000000 kB\n", "VmPeak:"));
        assertEquals(-1, ProcessMetrics.kibibytes(status, "VmSwap:"));
        assertEquals(-1, ProcessMetrics.kibibytes(status, "Threads:"));
        assertEquals(-1, ProcessMetrics.kibibytes("VmRSS:\t 12 MB\n", "VmRSS:"));
        assertEquals(-1, ProcessMetrics.kibibytes("", "VmRSS:"));
    }

    /** Where /proc cannot be read the memory families are left out, as client_java leaves them out. */
    @Test
    void withoutProcTheMemoryFamiliesAreLeftOut(@TempDir Path dir) {
        Map<String, Double> samples = collect(new ProcessMetrics(dir.resolve("no-such-status")));
        assertTrue(samples.containsKey("process_cpu_seconds_total") && samples.containsKey("jvm_threads_current"));
        assertFalse(samples.containsKey("process_resident_memory_bytes"), samples.toString());
        assertFalse(samples.containsKey("process_virtual_memory_bytes"), samples.toString());
    }

    private static Map<String, Double> collect(ProcessMetrics process) {
        Exposition out = new Exposition();
        process.writeTo(out);
        new JvmMetrics().writeTo(out);
        return parse(out.text());
    }

    private static double gcCount(Map<String, Double> samples) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith("jvm_gc_collection_seconds_count{gc="))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * Parses the exposition strictly and returns every sample by its series: each family is one block (HELP, TYPE,
     * then its samples); {@code _bucket} only in a histogram, {@code _sum}/{@code _count} only in a histogram or
     * summary; buckets cumulative; no series twice.
     */
    static Map<String, Double> parse(String body) {
        assertTrue(body.endsWith("\n"), "exposition must end with a line feed");
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        String current = null;
        String lastBucket = null;
        double lastBucketValue = -1;
        for (String line : body.split("\n")) {
            Matcher matcher;
            if ((matcher = HELP.matcher(line)).matches()) {
                assertTrue(helped.add(matcher.group(1)), "HELP twice (or a family split in two): " + line);
                current = matcher.group(1);
            } else if ((matcher = TYPE.matcher(line)).matches()) {
                assertEquals(current, matcher.group(1), "TYPE not right after its HELP: " + line);
                assertTrue(types.put(matcher.group(1), matcher.group(2)) == null, "TYPE twice: " + line);
            } else if ((matcher = SAMPLE.matcher(line)).matches()) {
                String name = matcher.group(1);
                String family = types.containsKey(name) ? name : name.replaceAll("_(bucket|sum|count)$", "");
                assertTrue(types.containsKey(family), "sample before its TYPE: " + line);
                assertEquals(current, family, "sample outside its family's block: " + line);
                String type = types.get(family);
                if (!family.equals(name)) {
                    assertTrue(type.equals("histogram") || type.equals("summary") && !name.endsWith("_bucket"),
                            "suffix not allowed in a " + type + ": " + line);
                }
                double value = matcher.group(3).equals("NaN") ? Double.NaN
                        : Double.parseDouble(matcher.group(3).replace("Inf", "Infinity"));
                assertTrue(samples.put(name + (matcher.group(2) == null ? "" : matcher.group(2)), value) == null,
                        "series twice: " + line);
                if (name.endsWith("_bucket")) {
                    if (family.equals(lastBucket)) {
                        assertTrue(value >= lastBucketValue, "buckets must be cumulative: " + line);
                    }
                    lastBucket = family;
                    lastBucketValue = value;
                }
            } else {
                fail("not a valid exposition line: '" + line + "'");
            }
        }
        return samples;
    }

    /** Runs {@code promtool check metrics} on the exposition when promtool is installed. */
    private static void promtool(String body) throws IOException, InterruptedException {
        Path promtool = Paths.get("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            System.out.println("promtool not installed: checked by the grammar only");
            return;
        }
        Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        process.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "promtool check metrics: " + output);
        System.out.println("promtool check metrics: ok " + output.trim());
    }
}
