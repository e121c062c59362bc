package dev.launcher.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.launcher.group.GroupHandle;
import dev.launcher.http.ExchangeTracker;
import dev.launcher.http.HttpMetrics;
import dev.launcher.http.Responses;
import dev.launcher.worker.Worker;

import java.io.IOException;
import java.time.Duration;

/** {@code GET /metrics}: the Prometheus text format, version 0.0.4. */
final class MetricsEndpoint implements HttpHandler {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String[] CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final String[] BUCKET_LABELS = bucketLabels();
    private static final String INFO = "launcher_info{version=\"" + Exposition.escape(Launcher.version())
            + "\",java=\"" + Exposition.escape(Runtime.version().toString()) + "\"}";

    private final GroupHandle group;
    private final HttpMetrics http;
    private final ExchangeTracker exchanges;
    private final Worker worker;
    private final long startNanos = System.nanoTime();
    private final ProcessMetrics process = new ProcessMetrics();
    private final JvmMetrics jvm = new JvmMetrics();

    MetricsEndpoint(GroupHandle group, HttpMetrics http, ExchangeTracker exchanges, Worker worker) {
        this.group = group;
        this.http = http;
        this.exchanges = exchanges;
        this.worker = worker;
    }

    private static String[] bucketLabels() {
        String[] labels = new String[HttpMetrics.BUCKETS.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = Double.toString(HttpMetrics.BUCKETS[i]);
        }
        return labels;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (Responses.allowOnly(exchange, "GET", "HEAD")) {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            Responses.send(exchange, 200, CONTENT_TYPE, render());
        }
    }

    /** The whole exposition, one family after another: the launcher's own, then the process's and the JVM's. */
    String render() {
        Exposition out = new Exposition();
        out.family("launcher_http_requests_total", "counter");
        for (int i = 1; i < CLASSES.length; i++) {
            out.sample("launcher_http_requests_total", "code", CLASSES[i], http.requests(i));
        }
        out.sample("launcher_http_requests_total", "code", CLASSES[0], http.requests(0));
        out.single("launcher_http_requests_in_flight", "gauge", exchanges.inFlight());
        out.family("launcher_http_request_duration_seconds", "histogram");
        for (int i = 0; i < HttpMetrics.BUCKETS.length; i++) {
            out.sample("launcher_http_request_duration_seconds_bucket", "le", BUCKET_LABELS[i],
                    http.cumulativeBucket(i));
        }
        long count = http.count();
        out.sample("launcher_http_request_duration_seconds_bucket", "le", "+Inf", count);
        out.sample("launcher_http_request_duration_seconds_sum", http.sumSeconds());
        out.sample("launcher_http_request_duration_seconds_count", count);
        out.single("launcher_http_survived_failures_total", "counter", http.survivedFailures());
        out.single("launcher_worker_jobs_total", "counter", worker.jobsRun());
        out.single("launcher_worker_job_failures_total", "counter", worker.jobsFailed());
        out.single("launcher_worker_last_job_duration_seconds", "gauge",
                worker.lastJobDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN));
        out.single("launcher_ready", "gauge", group.isReady() ? 1 : 0);
        out.single("launcher_stopping", "gauge", group.isStopTriggered() ? 1 : 0);
        double uptime = Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 1e3;
        out.single("launcher_uptime_seconds", "gauge", uptime);
        out.family("launcher_info", "gauge");
        out.sample(INFO, 1);
        process.writeTo(out);
        jvm.writeTo(out);
        return out.text();
    }
}
