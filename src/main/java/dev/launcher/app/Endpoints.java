package dev.launcher.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.launcher.group.GroupHandle;
import dev.launcher.group.StopCause;
import dev.launcher.http.Responses;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** The launcher's own HTTP endpoints: {@code /}, {@code /shutdown}, {@code /healthz}, {@code /readyz}. */
final class Endpoints {

    /** The cause recorded when /shutdown stops the group. */
    static final String SHUTDOWN_CAUSE = "/shutdown";

    private static final byte[] GREETING = Messages.get("http.greeting").getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEALTHY = Messages.get("http.healthy").getBytes(StandardCharsets.UTF_8);
    private static final byte[] READY = Messages.get("http.ready").getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_READY = Messages.get("http.not.ready").getBytes(StandardCharsets.UTF_8);

    private final GroupHandle group;
    private final Optional<byte[]> token;

    /**
     * @param group the group to report on and stop (its handle: the group is built after its members)
     * @param token the bearer token /shutdown requires; empty for loopback-only
     */
    Endpoints(GroupHandle group, Optional<String> token) {
        this.group = group;
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code GET /}: the greeting. */
    HttpHandler root() {
        return exchange -> {
            if (Responses.allowOnly(exchange, "GET", "HEAD")) {
                Responses.send(exchange, 200, Responses.TEXT, GREETING);
            }
        };
    }

    /** {@code GET /healthz}: 200 while the process runs. */
    HttpHandler health() {
        return exchange -> {
            if (Responses.allowOnly(exchange, "GET", "HEAD")) {
                Responses.send(exchange, 200, Responses.TEXT, HEALTHY);
            }
        };
    }

    /** {@code GET /readyz}: 200 once every member started, 503 from the stop trigger on. */
    HttpHandler ready() {
        return exchange -> {
            if (Responses.allowOnly(exchange, "GET", "HEAD")) {
                boolean ready = group.isReady();
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                Responses.send(exchange, ready ? 200 : 503, Responses.TEXT, ready ? READY : NOT_READY);
            }
        };
    }

    /**
     * {@code GET|POST /shutdown}: answers in full with {@code Connection: close}, then triggers the stop. Only the
     * first call triggers it; later and concurrent calls get the same 200 and change nothing.
     */
    HttpHandler shutdown() {
        return exchange -> {
            if (!Responses.allowOnly(exchange, "GET", "POST", "HEAD")) {
                return;
            }
            if (!authorized(exchange)) {
                return;
            }
            boolean already = group.isStopTriggered();
            exchange.getResponseHeaders().set("Connection", "close");
            byte[] body = Messages.get(already ? "http.bye.again" : "http.bye").getBytes(StandardCharsets.UTF_8);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                Responses.send(exchange, 200, Responses.TEXT, body);
                group.requestStop(StopCause.requested(SHUTDOWN_CAUSE));
                return;
            }
            // deliver the answer, then stop; closing the exchange may wait for a request body, so it comes last
            exchange.getResponseHeaders().set("Content-Type", Responses.TEXT);
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body);
            out.flush();
            group.requestStop(StopCause.requested(SHUTDOWN_CAUSE));
            out.close();
            exchange.close();
        };
    }

    /** Checks the token (or the loopback rule); answers 401/403 and returns false when refused. */
    private boolean authorized(HttpExchange exchange) throws IOException {
        if (token.isEmpty()) {
            if (exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
                return true;
            }
            Responses.send(exchange, 403, Responses.TEXT, Messages.get("http.forbidden"));
            return false;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String prefix = "bearer ";
        if (header != null && header.length() > prefix.length()
                && header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            byte[] given = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(given, token.get())) {
                return true;
            }
            Responses.send(exchange, 403, Responses.TEXT, Messages.get("http.unauthorized"));
            return false;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        Responses.send(exchange, 401, Responses.TEXT, Messages.get("http.unauthorized"));
        return false;
    }
}
