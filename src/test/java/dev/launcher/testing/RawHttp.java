package dev.launcher.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A raw HTTP/1.x client on one socket, for tests that need exact control of the bytes and of the connection: it
 * sends any bytes, reads one response at a time (framed by {@code Content-Length}, chunked, or by the close, as
 * RFC 9112 says), keeps the bytes it read for messages, and tells a close or reset from silence.
 *
 * <p>It reads straight from the socket's stream, without a buffer, so a test may also read {@link #socket()}
 * itself. Every read waits at most the read timeout (15 s unless given). Not thread-safe.
 */
public final class RawHttp implements Closeable {

    /** The read timeout when none is given. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** The message of the {@link EOFException} for a connection that ends before a response begins. */
    public static final String CLOSED_BEFORE_RESPONSE = "connection closed before a response";

    /** A response as read off the wire. */
    public static final class Response {
        public final int status;
        /** By lower-case name; the values of a repeated field joined by {@code ", "}. */
        public final Map<String, String> headers;
        /** The body (decoded from chunks), as UTF-8. */
        public final String body;
        /** Every byte read for this response: status line, head, framing and body. */
        public final byte[] raw;

        Response(int status, Map<String, String> headers, String body, byte[] raw) {
            this.status = status;
            this.headers = Collections.unmodifiableMap(headers);
            this.body = body;
            this.raw = raw;
        }

        /** A header by case-insensitive name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** {@return the bytes as received, CR and LF shown} */
        @Override
        public String toString() {
            return "response [" + show(raw) + "]";
        }
    }

    /** The connection ended inside a response's body: {@link #partial} is the response with the body so far. */
    public static final class BodyCutException extends EOFException {
        public final transient Response partial;

        BodyCutException(String message, Response partial) {
            super(message);
            this.partial = partial;
        }
    }

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    private final int readTimeoutMillis;
    /** The bytes of the response being read. */
    private ByteArrayOutputStream seen = new ByteArrayOutputStream();

    /** Connects to {@code 127.0.0.1:port}, with the default read timeout. */
    public RawHttp(int port) throws IOException {
        this(port, READ_TIMEOUT);
    }

    /** Connects to {@code 127.0.0.1:port}; every read waits at most {@code readTimeout}. */
    public RawHttp(int port, Duration readTimeout) throws IOException {
        readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
        socket.setSoTimeout(readTimeoutMillis);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One request on a fresh connection, closed afterwards. */
    public static Response get(int port, String path) throws IOException {
        try (RawHttp http = new RawHttp(port)) {
            return http.request("GET", path, "Connection: close\r\n");
        }
    }

    /** Sends a request with the given extra header lines (each ending in CRLF) and reads the response. */
    public Response request(String method, String path, String extraHeaders) throws IOException {
        sendRequest(method, path, extraHeaders);
        return read("HEAD".equals(method));
    }

    /** Sends {@code text} in one write and reads one response (not to a HEAD request). */
    public Response exchange(String text) throws IOException {
        send(text);
        return read(false);
    }

    /** Sends an HTTP/1.1 request without a body, with the given extra header lines (each ending in CRLF). */
    public void sendRequest(String method, String path, String extraHeaders) throws IOException {
        send(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n");
    }

    /** Sends raw text (ISO-8859-1), in one write. */
    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends raw bytes, in one write. */
    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends, ignoring a write failure: the server may answer and close before reading everything. */
    public void sendLenient(String text) {
        try {
            send(text);
        } catch (IOException refusedEarly) {
            // its response, if any, is still readable
        }
    }

    /** Reads one response to a request other than HEAD. */
    public Response read() throws IOException {
        return read(false);
    }

    /**
     * Reads one response: a 1xx, 204 or 304 response, or one to a HEAD request ({@code head}), has no body; else
     * the body is framed by chunks, by {@code Content-Length}, or by the close of the connection.
     *
     * @throws EOFException with message {@link #CLOSED_BEFORE_RESPONSE} if the connection ends before a byte of it
     * @throws BodyCutException if the connection ends inside the body
     * @throws IOException on a malformed response or a timeout, the bytes received in its message
     */
    public Response read(boolean head) throws IOException {
        seen = new ByteArrayOutputStream();
        String statusLine = line();
        if (statusLine == null) {
            throw new EOFException(CLOSED_BEFORE_RESPONSE);
        }
        try {
            if (!statusLine.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
                throw new IOException("bad status line");
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = headLine(); !line.isEmpty(); line = headLine()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("header line without a colon");
                }
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            String length = headers.get("content-length");
            if (head || status < 200 || status == 204 || status == 304) {
                // no body
            } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).endsWith("chunked")) {
                for (int size; (size = Integer.parseInt(headLine().split(";")[0].trim(), 16)) > 0; ) {
                    bodyBytes(size, status, headers, body);
                    if (!headLine().isEmpty()) {
                        throw new IOException("chunk data not followed by CRLF");
                    }
                }
                while (!headLine().isEmpty()) {
                    // trailer fields
                }
            } else if (length != null) {
                bodyBytes(Integer.parseInt(length), status, headers, body);
            } else {
                byte[] rest = in.readAllBytes();
                seen.writeBytes(rest);
                body.writeBytes(rest);
            }
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8), seen.toByteArray());
        } catch (BodyCutException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IOException("no complete response (" + e + "); received [" + show(seen.toByteArray()) + "]", e);
        }
    }

    /** Reads exactly {@code n} body bytes into {@code body}; the end of the stream before them is a cut body. */
    private void bodyBytes(int n, int status, Map<String, String> headers, ByteArrayOutputStream body)
            throws IOException {
        byte[] data = in.readNBytes(n);
        seen.write(data, 0, data.length);
        body.write(data, 0, data.length);
        if (data.length != n) {
            throw new BodyCutException("body cut: the connection ended after " + data.length + " of " + n
                    + " bytes; received [" + show(seen.toByteArray()) + "]",
                    new Response(status, headers, body.toString(StandardCharsets.UTF_8), seen.toByteArray()));
        }
    }

    /** A line of the head or of chunked framing; the end of the stream before it is an error. */
    private String headLine() throws IOException {
        String line = line();
        if (line == null) {
            throw new EOFException("end of stream");
        }
        return line;
    }

    /** A line without its CRLF (or bare LF); null at the end of the stream before any byte of it. */
    private String line() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; text.append((char) b)) {
            if (b == -1) {
                if (text.length() == 0) {
                    return null;
                }
                throw new EOFException("the connection closed inside a line: " + text);
            }
            seen.write(b);
        }
        seen.write('\n');
        int end = text.length() > 0 && text.charAt(text.length() - 1) == '\r' ? text.length() - 1 : text.length();
        return text.substring(0, end);
    }

    /** {@return the bytes received and not yet read (see {@link InputStream#available()})} */
    public int available() throws IOException {
        return in.available();
    }

    /**
     * {@return true if the server has closed the connection: the end of the stream or a reset, within the read
     * timeout} False if a byte arrives instead, or nothing does.
     */
    public boolean isClosedByServer() {
        return notClosed() == null;
    }

    /** Asserts that the server closes the connection (end of stream or reset) within the read timeout. */
    public void assertClosed() {
        String problem = notClosed();
        if (problem != null) {
            fail("expected the server to close; " + problem);
        }
    }

    /** Null if the server closed the connection, else what happened instead. */
    private String notClosed() {
        try {
            int first = in.read();
            if (first == -1) {
                return null;
            }
            return "received more: [" + show(new byte[] {(byte) first}) + show(in.readNBytes(in.available())) + "]";
        } catch (SocketTimeoutException e) {
            return "the connection is still open after the " + readTimeoutMillis + " ms read timeout";
        } catch (SocketException e) {
            return String.valueOf(e.getMessage()).contains("Connection reset") ? null : "not a close: " + e;
        } catch (IOException e) {
            return "not a close: " + e;
        }
    }

    /** Asserts that nothing arrives, and the connection stays open, for {@code millis}: it cannot fail spuriously. */
    public void assertNoDataWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            assertThrows(SocketTimeoutException.class, in::read, "data arrived");
        } finally {
            socket.setSoTimeout(readTimeoutMillis);
        }
    }

    /** {@return the socket, e.g. to set an option} */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Bytes as text with CR and LF visible, cut at 600 characters. */
    public static String show(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
        return s.length() > 600 ? s.substring(0, 600) + "...(" + bytes.length + " bytes)" : s;
    }
}
