package dev.launcher.app;

import com.sun.net.httpserver.HttpExchange;
import dev.launcher.http.ExchangeObserver;

/** {@code --access-log}: one line per request, after its response was delivered. */
final class AccessLog implements ExchangeObserver {

    private final Log log;

    AccessLog(Log log) {
        this.log = log;
    }

    @Override
    public void completed(HttpExchange exchange, int status, long bodyBytes, long nanos) {
        log.access(exchange.getRemoteAddress().getAddress().getHostAddress(), exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), exchange.getProtocol(), status, bodyBytes,
                Math.round(nanos / 1e3) / 1e3);
    }
}
