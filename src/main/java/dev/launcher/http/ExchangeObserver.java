package dev.launcher.http;

import com.sun.net.httpserver.HttpExchange;

/**
 * Hears every exchange once, when its response has been delivered (or its handler returned without one). Called
 * on the handler's thread: it must be quick, and anything it throws is ignored.
 */
@FunctionalInterface
public interface ExchangeObserver {

    /**
     * Called once per exchange, when its response was delivered or the connection closed.
     *
     * @param exchange  the exchange (request line, headers and remote address may be read; nothing may be sent)
     * @param status    the response status, or -1 if none was sent (the connection was closed)
     * @param bodyBytes response body bytes written by the handler
     * @param nanos     from the handler's start until the response was delivered
     */
    void completed(HttpExchange exchange, int status, long bodyBytes, long nanos);
}
