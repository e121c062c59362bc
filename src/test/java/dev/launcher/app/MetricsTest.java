package dev.launcher.app;

import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
            assertTrue(samples.get("launcher_uptime_seconds") > 0);
            assertEquals(samples.get("launcher_http_request_duration_seconds_count"),
                    samples.get("launcher_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
            promtool(response.body);
        }
        launcher.signal("SIGTERM");
        assertEquals(0, launcher.awaitExit());
    }

    /** Parses the exposition strictly; returns every sample by its series. */
    static Map<String, Double> parse(String body) {
        assertTrue(body.endsWith("\n"), "exposition must end with a line feed");
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> samples = new HashMap<>();
        String lastBucket = null;
        double lastBucketValue = -1;
        for (String line : body.split("\n")) {
            Matcher matcher;
            if ((matcher = HELP.matcher(line)).matches()) {
                assertTrue(helped.add(matcher.group(1)), "HELP twice: " + line);
            } else if ((matcher = TYPE.matcher(line)).matches()) {
                assertTrue(types.put(matcher.group(1), matcher.group(2)) == null, "TYPE twice: " + line);
            } else if ((matcher = SAMPLE.matcher(line)).matches()) {
                String name = matcher.group(1);
                String family = types.containsKey(name) ? name : name.replaceAll("_(bucket|sum|count)$", "");
                assertTrue(types.containsKey(family), "sample before its TYPE: " + line);
                double value = matcher.group(3).equals("NaN") ? Double.NaN
                        : Double.parseDouble(matcher.group(3).replace("Inf", "Infinity"));
                assertTrue(samples.put(name + (matcher.group(2) == null ? "" : matcher.group(2)), value) == null,
                        "series twice: " + line);
                if (name.endsWith("_bucket")) {
                    assertEquals("histogram", types.get(family), line);
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
