package dev.launcher.http.server;

import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * A parsed request line and header block (RFC 9112), and what they say about the body and the connection.
 * Immutable once parsed.
 */
final class RequestHead {

    /** The body length when the body is chunked. */
    static final long CHUNKED = -1;

    final String method;
    final URI uri;
    final String protocol;
    final boolean http10;
    final Headers headers;
    /** Body bytes declared by {@code Content-Length}, 0 when none, or {@link #CHUNKED}. */
    final long bodyLength;
    final boolean expectContinue;
    /** Whether the client wants the connection kept after this exchange. */
    final boolean keepAlive;

    private RequestHead(String method, URI uri, String protocol, Headers headers) throws HttpError {
        this.method = method;
        this.uri = uri;
        this.protocol = protocol;
        this.http10 = protocol.equals("HTTP/1.0");
        this.headers = headers;
        this.bodyLength = bodyLength(headers);
        String expect = headers.getFirst("Expect");
        this.expectContinue = !http10 && expect != null && expect.equalsIgnoreCase("100-continue");
        this.keepAlive = http10 ? hasToken(headers, "Connection", "keep-alive") : !hasToken(headers, "Connection", "close");
    }

    /**
     * Reads one request head.
     *
     * @param input         the connection's input, positioned at the start of a request
     * @param maxHeadBytes  the most bytes the head may take
     * @param maxHeaders    the most header lines
     * @return the head, or null if the stream ended before its first byte
     * @throws HttpError   when the head is malformed or too large
     * @throws IOException when the connection fails or the head arrives too slowly
     */
    static RequestHead read(RequestInput input, int maxHeadBytes, int maxHeaders) throws IOException, HttpError {
        int budget = maxHeadBytes;
        String line = input.readLine(budget);
        // a client may send empty lines before a request (RFC 9112, 2.2)
        while (line != null && line.isEmpty() && budget > 2) {
            budget -= 2;
            line = input.readLine(budget);
        }
        if (line == null) {
            return null;
        }
        budget -= line.length() + 2;
        int firstSpace = line.indexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
        if (secondSpace < 0 || line.indexOf(' ', secondSpace + 1) >= 0) {
            throw new HttpError(400, "malformed request line");
        }
        String method = line.substring(0, firstSpace);
        String target = line.substring(firstSpace + 1, secondSpace);
        String protocol = line.substring(secondSpace + 1);
        if (!isToken(method) || target.isEmpty()) {
            throw new HttpError(400, "malformed request line");
        }
        checkProtocol(protocol);
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            throw new HttpError(400, "malformed request target");
        }
        Headers headers = new Headers();
        int count = 0;
        while (true) {
            if (budget <= 0) {
                throw new HttpError(431, "request head too large");
            }
            line = input.readLine(budget);
            if (line == null) {
                throw new java.io.EOFException("connection closed inside a request head");
            }
            budget -= line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            if (++count > maxHeaders) {
                throw new HttpError(431, "too many header fields");
            }
            addHeader(headers, line);
        }
        return new RequestHead(method, uri, protocol, headers);
    }

    private static void checkProtocol(String protocol) throws HttpError {
        if (protocol.equals("HTTP/1.1") || protocol.equals("HTTP/1.0")) {
            return;
        }
        if (protocol.length() == 8 && protocol.startsWith("HTTP/") && Character.isDigit(protocol.charAt(5))
                && protocol.charAt(6) == '.' && Character.isDigit(protocol.charAt(7))) {
            throw new HttpError(505, "HTTP version not supported");
        }
        throw new HttpError(400, "malformed request line");
    }

    private static void addHeader(Headers headers, String line) throws HttpError {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new HttpError(400, line.isEmpty() || line.charAt(0) == ' ' || line.charAt(0) == '\t'
                    ? "obsolete line folding" : "malformed header field");
        }
        String name = line.substring(0, colon);
        if (!isToken(name)) {
            throw new HttpError(400, "malformed header field name");
        }
        int start = colon + 1;
        int end = line.length();
        while (start < end && isWhitespace(line.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        for (int i = start; i < end; i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new HttpError(400, "malformed header field value");
            }
        }
        headers.add(name, line.substring(start, end));
    }

    private static long bodyLength(Headers headers) throws HttpError {
        List<String> encodings = headers.get("Transfer-Encoding");
        List<String> lengths = headers.get("Content-Length");
        if (encodings != null) {
            if (lengths != null) {
                throw new HttpError(400, "both Transfer-Encoding and Content-Length");
            }
            String all = String.join(",", encodings).trim();
            if (!all.equalsIgnoreCase("chunked")) {
                throw new HttpError(501, "transfer coding not implemented: " + all);
            }
            return CHUNKED;
        }
        if (lengths == null) {
            return 0;
        }
        long length = -1;
        for (String field : lengths) {
            for (String value : field.split(",", -1)) {
                long parsed = parseLength(value.trim());
                if (length >= 0 && parsed != length) {
                    throw new HttpError(400, "conflicting Content-Length");
                }
                length = parsed;
            }
        }
        return length;
    }

    private static long parseLength(String value) throws HttpError {
        if (value.isEmpty() || value.length() > 18) {
            throw new HttpError(400, "malformed Content-Length");
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpError(400, "malformed Content-Length");
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    /** True if a header of that name lists {@code token} (comma-separated, case-insensitive). */
    static boolean hasToken(Headers headers, String name, String token) {
        List<String> values = headers.get(name);
        if (values == null) {
            return false;
        }
        for (String value : values) {
            if (value.equalsIgnoreCase(token)) {
                return true;
            }
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 9110 token: one or more tchar. */
    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
