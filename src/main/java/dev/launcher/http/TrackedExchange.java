package dev.launcher.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * An exchange as handlers see it: the server's exchange, and the tracker hears when its response is delivered
 * (flushed), with its status, body bytes and duration.
 */
final class TrackedExchange extends HttpExchange {

    private final HttpExchange exchange;
    private final ExchangeTracker tracker;
    private boolean ended;
    private boolean headersSent;
    private ResponseBody responseBody;
    private final long startNanos = System.nanoTime();
    private long bodyBytes;

    TrackedExchange(HttpExchange exchange, ExchangeTracker tracker) {
        this.exchange = exchange;
        this.tracker = tracker;
    }

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        headersSent = true;
        exchange.sendResponseHeaders(code, length);
        if (length == -1) {
            // no body: the server has written and flushed the whole response
            finish();
        }
    }

    @Override
    public OutputStream getResponseBody() {
        if (responseBody == null) {
            responseBody = new ResponseBody(exchange.getResponseBody());
        }
        return responseBody;
    }

    @Override
    public void close() {
        try {
            if (headersSent) {
                getResponseBody().close();
            }
        } catch (IOException ignored) {
            // the server closes the connection below
        } finally {
            exchange.close();
            finish();
        }
    }

    /** The handler threw: answer 500 if nothing was sent yet, and close the exchange. */
    void failed(Exception error) {
        if (!headersSent) {
            try {
                Responses.send(this, 500, Responses.TEXT, Responses.SERVER_ERROR_BODY);
            } catch (IOException ignored) {
                // the client is gone
            }
        }
        close();
    }

    /** Ends this exchange's tracking; idempotent. */
    synchronized void finish() {
        if (!ended) {
            ended = true;
            tracker.end(exchange, headersSent ? exchange.getResponseCode() : -1, bodyBytes,
                    System.nanoTime() - startNanos);
        }
    }

    /** The response stream: delivery is reported once the body is flushed. */
    private final class ResponseBody extends FilterOutputStream {
        private boolean closed;

        ResponseBody(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            bodyBytes += length;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bodyBytes++;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.flush();
            } finally {
                finish();
                out.close();
            }
        }
    }

    // ---- plain delegation ----

    @Override
    public Headers getRequestHeaders() {
        return exchange.getRequestHeaders();
    }

    @Override
    public Headers getResponseHeaders() {
        return exchange.getResponseHeaders();
    }

    @Override
    public URI getRequestURI() {
        return exchange.getRequestURI();
    }

    @Override
    public String getRequestMethod() {
        return exchange.getRequestMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return exchange.getHttpContext();
    }

    @Override
    public InputStream getRequestBody() {
        return exchange.getRequestBody();
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return exchange.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
        return exchange.getResponseCode();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return exchange.getLocalAddress();
    }

    @Override
    public String getProtocol() {
        return exchange.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return exchange.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        exchange.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream input, OutputStream output) {
        exchange.setStreams(input, output);
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return exchange.getPrincipal();
    }
}
