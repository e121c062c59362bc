package dev.launcher.http.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One request and its response on a {@link Connection}, as the {@code com.sun.net.httpserver} API defines it:
 * {@link #sendResponseHeaders} once, then the body, then {@link #close()}. The response is complete when its body
 * stream (or the exchange) is closed; only then does the connection read its next request, so a handler may also
 * finish the response on another thread after it returned.
 */
final class ServerExchange extends HttpExchange {

    /** How an exchange ends: {@code PENDING} moves once, to {@code COMPLETE} or {@code FAILED}; {@link #moveTo}. */
    enum Outcome { PENDING, COMPLETE, FAILED }

    private final Connection connection;
    private final RequestHead head;
    private final HttpContext context;
    private final RequestBody requestBody;
    private final ResponseBody responseBody;
    private final Headers responseHeaders = new Headers();
    private InputStream requestStream;
    private OutputStream responseStream;
    private Map<String, Object> attributes;
    private HttpPrincipal principal;
    private boolean headersSent;
    private int status = -1;
    private boolean closeAfter;
    private boolean closed;
    private final java.util.concurrent.atomic.AtomicReference<Outcome> outcome =
            new java.util.concurrent.atomic.AtomicReference<>(Outcome.PENDING);
    private final CountDownLatch ended = new CountDownLatch(1);

    /**
     * @param continueOwed true if the client waits for {@code 100 Continue} before it sends the body: sent when
     *                     the handler first reads it
     */
    ServerExchange(Connection connection, RequestHead head, HttpContext context, RequestBody requestBody,
                   boolean continueOwed) {
        this.connection = connection;
        this.head = head;
        this.context = context;
        this.requestBody = requestBody;
        this.responseBody = new ResponseBody(connection.output(), this);
        this.requestStream = requestBody;
        this.responseStream = responseBody;
        this.closeAfter = !head.keepAlive;
        if (continueOwed) {
            requestBody.beforeFirstRead(this::sendContinue);
        }
    }

    @Override
    public Headers getRequestHeaders() {
        return head.headers;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return head.uri;
    }

    @Override
    public String getRequestMethod() {
        return head.method;
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    @Override
    public InputStream getRequestBody() {
        return requestStream;
    }

    @Override
    public OutputStream getResponseBody() {
        return responseStream;
    }

    @Override
    public void setStreams(InputStream input, OutputStream output) {
        if (input != null) {
            requestStream = input;
        }
        if (output != null) {
            responseStream = output;
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return connection.localAddress();
    }

    @Override
    public String getProtocol() {
        return head.protocol;
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return principal;
    }

    void principal(HttpPrincipal principal) {
        this.principal = principal;
    }

    @Override
    public synchronized Object getAttribute(String name) {
        return attributes == null ? null : attributes.get(name);
    }

    @Override
    public synchronized void setAttribute(String name, Object value) {
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    /**
     * Sends the status line and headers. {@code length} &gt; 0: exactly that many body bytes follow; 0: a body of
     * any length follows (chunked); -1: no body, and the response is complete. HEAD requests and 1xx, 204 and 304
     * responses never have a body. The connection closes after the response if the client asked, the handler set
     * {@code Connection: close}, or the server is stopping; the response then says {@code Connection: close}.
     *
     * @throws IOException if the headers were already sent or the client is gone
     */
    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (headersSent) {
            throw new IOException("headers already sent");
        }
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status out of range: " + code);
        }
        headersSent = true;
        status = code;
        ResponseBody.Framing framing;
        boolean bodyless = (code >= 100 && code < 200) || code == 204 || code == 304;
        if (head.method.equals("HEAD")) {
            framing = ResponseBody.Framing.NONE;
            if (length > 0 && !responseHeaders.containsKey("Content-Length")) {
                responseHeaders.set("Content-Length", Long.toString(length));
            }
        } else if (bodyless) {
            framing = ResponseBody.Framing.NONE;
        } else if (length > 0) {
            framing = ResponseBody.Framing.FIXED;
            responseHeaders.set("Content-Length", Long.toString(length));
        } else if (length == 0) {
            if (head.http10) {
                framing = ResponseBody.Framing.UNTIL_CLOSE;
                closeAfter = true;
            } else {
                framing = ResponseBody.Framing.CHUNKED;
                responseHeaders.set("Transfer-Encoding", "chunked");
            }
        } else {
            framing = ResponseBody.Framing.NONE;
            responseHeaders.set("Content-Length", "0");
        }
        if (RequestHead.hasToken(responseHeaders, "Connection", "close") || connection.closing()
                || requestBody.malformed()) {
            closeAfter = true;
        }
        if (closeAfter) {
            responseHeaders.set("Connection", "close");
        } else if (head.http10) {
            responseHeaders.set("Connection", "keep-alive");
        }
        writeHead(code);
        responseBody.start(framing, Math.max(0, length));
        if (framing == ResponseBody.Framing.NONE) {
            close();
        }
    }

    private void writeHead(int code) throws IOException {
        HeadBuffer head = connection.headBuffer().clear().append(StatusLines.of(code));
        if (!responseHeaders.containsKey("Date")) {
            head.field("Date", HttpDate.now());
        }
        for (Map.Entry<String, List<String>> field : responseHeaders.entrySet()) {
            for (String value : field.getValue()) {
                head.field(field.getKey(), value == null ? "" : value);
            }
        }
        head.append("\r\n").writeTo(connection.output());
    }

    private void sendContinue() {
        if (headersSent) {
            return;
        }
        try {
            OutputStream out = connection.output();
            out.write(StatusLines.CONTINUE);
            out.flush();
        } catch (IOException e) {
            // the body read that follows fails the same way
        }
    }

    /**
     * Ends the exchange: the request body stream is closed and the response completed. Without headers sent, no
     * response can be completed: the connection is closed. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            requestStream.close();
        } catch (IOException ignored) {
            // only the original stream matters below
        }
        if (!headersSent) {
            responseFailed();
            return;
        }
        try {
            responseStream.close();
            if (!responseBody.isClosed()) {
                responseBody.close();
            }
        } catch (IOException e) {
            responseFailed();
        }
    }

    /** {@return true if the headers were sent} */
    boolean headersSent() {
        return headersSent;
    }

    /** {@return true if the connection must close after this exchange} */
    boolean closeAfter() {
        return closeAfter;
    }

    RequestBody requestBody() {
        return requestBody;
    }

    /** The response was delivered in full. */
    void responseComplete() {
        moveTo(Outcome.COMPLETE);
    }

    /** The response cannot be completed: the connection must close. */
    void responseFailed() {
        moveTo(Outcome.FAILED);
    }

    /**
     * Ends the exchange with {@code how}, unless it has ended already (the first end wins: a failure after a
     * complete response, or the reverse, changes nothing).
     *
     * @throws AssertionError if {@code how} is not an end
     */
    private void moveTo(Outcome how) {
        switch (how) {
            case COMPLETE:
            case FAILED:
                break;
            case PENDING:
            default:
                throw new AssertionError("impossible exchange move to " + how);
        }
        if (outcome.compareAndSet(Outcome.PENDING, how)) {
            ended.countDown();
        }
    }

    /**
     * Waits until the response is complete or has failed (a handler may finish it on another thread).
     *
     * @return true if it is complete and the connection may be reused
     */
    boolean awaitEnd() throws InterruptedException {
        if (outcome.get() == Outcome.PENDING) {
            ended.await();
        }
        return outcome.get() == Outcome.COMPLETE;
    }
}
