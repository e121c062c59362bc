package dev.launcher.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/** Sends small fixed-length responses; HEAD gets the same headers and no body. */
public final class Responses {

    /** {@code text/plain; charset=utf-8}. */
    public static final String TEXT = "text/plain; charset=utf-8";
    /** The body of a 404 for a path with no route. */
    public static final String NOT_FOUND_BODY = "not found\n";
    /** The body of a 405 from {@link #allowOnly}. */
    public static final String METHOD_NOT_ALLOWED_BODY = "method not allowed\n";
    /** The body of the 500 a client gets when a handler throws before sending anything. */
    public static final String SERVER_ERROR_BODY = "internal server error\n";

    private Responses() {
    }

    /**
     * Sends {@code body} (UTF-8) with the given status and content type, then closes the exchange.
     *
     * @param exchange    the exchange; nothing may have been sent yet
     * @param status      the HTTP status
     * @param contentType the {@code Content-Type}
     * @param body        the whole body; for HEAD only its length is sent
     * @throws IOException if the client is gone
     */
    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code body} with the given status and content type, then closes the exchange.
     *
     * @param exchange    the exchange; nothing may have been sent yet
     * @param status      the HTTP status
     * @param contentType the {@code Content-Type}
     * @param body        the whole body; for HEAD only its length is sent
     * @throws IOException if the client is gone
     */
    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        exchange.close();
    }

    /**
     * Answers 405 with an {@code Allow} header unless the request's method is one of {@code allowed}.
     *
     * @param exchange the exchange; nothing may have been sent yet
     * @param allowed  the methods allowed, as listed in {@code Allow}
     * @return true if the method is allowed (nothing was sent), false if 405 was sent
     * @throws IOException if the client is gone
     */
    public static boolean allowOnly(HttpExchange exchange, String... allowed) throws IOException {
        if (Set.of(allowed).contains(exchange.getRequestMethod())) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", String.join(", ", Arrays.asList(allowed)));
        send(exchange, 405, TEXT, METHOD_NOT_ALLOWED_BODY);
        return false;
    }
}
