package dev.launcher.app;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.launcher.group.GroupHandle;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.ServiceGroupBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /shutdown's access rules, checked without a network: the remote address is the fake exchange's. */
class EndpointsTest {

    private final ServiceGroupBuilder builder = ServiceGroup.builder().add("idle", context -> context.awaitStop());
    private final GroupHandle handle = builder.handle();
    private final ServiceGroup group = builder.build();

    /** Without a token, a client that is not on loopback gets 403 and nothing stops. */
    @Test
    void nonLoopbackClientIsForbiddenWithoutToken() throws Exception {
        FakeExchange exchange = new FakeExchange("GET", "203.0.113.7", null);
        new Endpoints(handle, Optional.empty()).shutdown().handle(exchange);
        assertEquals(403, exchange.status);
        assertTrue(group.cause().isEmpty());
    }

    /** Without a token, a loopback client may stop the group. */
    @Test
    void loopbackClientMayStopWithoutToken() throws Exception {
        FakeExchange exchange = new FakeExchange("POST", "127.0.0.1", null);
        new Endpoints(handle, Optional.empty()).shutdown().handle(exchange);
        assertEquals(200, exchange.status);
        assertEquals("close", exchange.responseHeaders.getFirst("Connection"));
        assertEquals("/shutdown", group.cause().orElseThrow().toString());
    }

    /** With a token, any client with the right bearer token may stop; the scheme is case-insensitive. */
    @Test
    void tokenAllowsAnyClient() throws Exception {
        FakeExchange exchange = new FakeExchange("GET", "203.0.113.7", "BEARER t0k3n");
        new Endpoints(handle, Optional.of("t0k3n")).shutdown().handle(exchange);
        assertEquals(200, exchange.status);
        assertTrue(group.cause().isPresent());
    }

    /** With a token, a missing header gets 401 with a challenge, a wrong token 403; nothing stops. */
    @Test
    void missingOrWrongTokenIsRefused() throws Exception {
        Endpoints endpoints = new Endpoints(handle, Optional.of("t0k3n"));
        FakeExchange missing = new FakeExchange("GET", "127.0.0.1", null);
        endpoints.shutdown().handle(missing);
        assertEquals(401, missing.status);
        assertEquals("Bearer", missing.responseHeaders.getFirst("WWW-Authenticate"));
        FakeExchange wrong = new FakeExchange("GET", "127.0.0.1", "Bearer t0k3m");
        endpoints.shutdown().handle(wrong);
        assertEquals(403, wrong.status);
        FakeExchange basic = new FakeExchange("GET", "127.0.0.1", "Basic dTpw");
        endpoints.shutdown().handle(basic);
        assertEquals(401, basic.status);
        assertTrue(group.cause().isEmpty());
    }

    /** A minimal in-memory exchange. */
    private static final class FakeExchange extends HttpExchange {
        final Headers requestHeaders = new Headers();
        final Headers responseHeaders = new Headers();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final String method;
        final InetSocketAddress remote;
        int status = -1;

        FakeExchange(String method, String remoteIp, String authorization) {
            this.method = method;
            this.remote = new InetSocketAddress(remoteIp, 40000);
            if (authorization != null) {
                requestHeaders.set("Authorization", authorization);
            }
        }

        @Override public Headers getRequestHeaders() { return requestHeaders; }
        @Override public Headers getResponseHeaders() { return responseHeaders; }
        @Override public URI getRequestURI() { return URI.create("/shutdown"); }
        @Override public String getRequestMethod() { return method; }
        @Override public HttpContext getHttpContext() { return null; }
        @Override public void close() { }
        @Override public InputStream getRequestBody() { return new ByteArrayInputStream(new byte[0]); }
        @Override public OutputStream getResponseBody() { return body; }
        @Override public void sendResponseHeaders(int code, long length) { status = code; }
        @Override public InetSocketAddress getRemoteAddress() { return remote; }
        @Override public int getResponseCode() { return status; }
        @Override public InetSocketAddress getLocalAddress() { return new InetSocketAddress("127.0.0.1", 8080); }
        @Override public String getProtocol() { return "HTTP/1.1"; }
        @Override public Object getAttribute(String name) { return null; }
        @Override public void setAttribute(String name, Object value) { }
        @Override public void setStreams(InputStream i, OutputStream o) { }
        @Override public HttpPrincipal getPrincipal() { return null; }
    }
}
