package dev.launcher.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.util.Map;

/** Routes by exact path; any other path gets 404. Immutable. */
final class Router implements HttpHandler {

    private final Map<String, HttpHandler> routes;

    Router(Map<String, HttpHandler> routes) {
        this.routes = Map.copyOf(routes);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        HttpHandler handler = routes.get(exchange.getRequestURI().getRawPath());
        if (handler == null) {
            Responses.send(exchange, 404, Responses.TEXT, Responses.NOT_FOUND_BODY);
            return;
        }
        handler.handle(exchange);
    }
}
