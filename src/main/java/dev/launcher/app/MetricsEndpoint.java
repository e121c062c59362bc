package dev.launcher.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.launcher.group.ServiceGroup;
import dev.launcher.http.ExchangeTracker;
import dev.launcher.http.HttpMetrics;
import dev.launcher.http.Responses;
import dev.launcher.worker.Worker;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/** {@code GET /metrics}: the Prometheus text format, version 0.0.4. */
final class MetricsEndpoint implements HttpHandler {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String[] CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final Supplier<ServiceGroup> group;
    private final HttpMetrics http;
    private final ExchangeTracker exchanges;
    private final Worker worker;
    private final long startNanos = System.nanoTime();

    MetricsEndpoint(Supplier<ServiceGroup> group, HttpMetrics http, ExchangeTracker exchanges, Worker worker) {
        this.group = group;
        this.http = http;
        this.exchanges = exchanges;
        this.worker = worker;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (Responses.allowOnly(exchange, "GET", "HEAD")) {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            Responses.send(exchange, 200, CONTENT_TYPE, render());
        }
    }

    /** The whole exposition, one family after another. */
    String render() {
        StringBuilder out = new StringBuilder(2048);
        family(out, "launcher_http_requests_total", "counter");
        for (int i = 1; i < CLASSES.length; i++) {
            sample(out, "launcher_http_requests_total{code=\"" + CLASSES[i] + "\"}", http.requests(i));
        }
        sample(out, "launcher_http_requests_total{code=\"" + CLASSES[0] + "\"}", http.requests(0));
        family(out, "launcher_http_requests_in_flight", "gauge");
        sample(out, "launcher_http_requests_in_flight", exchanges.inFlight());
        family(out, "launcher_http_request_duration_seconds", "histogram");
        for (int i = 0; i < HttpMetrics.BUCKETS.length; i++) {
            sample(out, "launcher_http_request_duration_seconds_bucket{le=\"" + HttpMetrics.BUCKETS[i] + "\"}",
                    http.cumulativeBucket(i));
        }
        long count = http.count();
        sample(out, "launcher_http_request_duration_seconds_bucket{le=\"+Inf\"}", count);
        sample(out, "launcher_http_request_duration_seconds_sum", http.sumSeconds());
        sample(out, "launcher_http_request_duration_seconds_count", count);
        family(out, "launcher_worker_jobs_total", "counter");
        sample(out, "launcher_worker_jobs_total", worker.jobsRun());
        family(out, "launcher_worker_job_failures_total", "counter");
        sample(out, "launcher_worker_job_failures_total", worker.jobsFailed());
        family(out, "launcher_worker_last_job_duration_seconds", "gauge");
        sample(out, "launcher_worker_last_job_duration_seconds",
                worker.lastJobDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN));
        ServiceGroup running = group.get();
        family(out, "launcher_ready", "gauge");
        sample(out, "launcher_ready", running.isReady() ? 1 : 0);
        family(out, "launcher_stopping", "gauge");
        sample(out, "launcher_stopping", running.cause().isPresent() ? 1 : 0);
        family(out, "launcher_uptime_seconds", "gauge");
        sample(out, "launcher_uptime_seconds", Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 1e3);
        family(out, "launcher_info", "gauge");
        sample(out, "launcher_info{version=\"" + escape(Launcher.version()) + "\",java=\""
                + escape(Runtime.version().toString()) + "\"}", 1);
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String type) {
        out.append("# HELP ").append(name).append(' ').append(Messages.get("metrics.help." + name)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String series, long value) {
        out.append(series).append(' ').append(value).append('\n');
    }

    private static void sample(StringBuilder out, String series, double value) {
        String text = Double.isNaN(value) ? "NaN" : Double.toString(value);
        out.append(series).append(' ').append(text).append('\n');
    }

    /** A label value with backslash, quote and line feed escaped. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
