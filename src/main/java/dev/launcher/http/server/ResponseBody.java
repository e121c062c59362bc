package dev.launcher.http.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A response body as its handler writes it. Before the headers are sent every write fails; then the body is
 * framed as the headers said: exactly {@code Content-Length} bytes, chunks, until the connection closes (HTTP/1.0
 * with an unknown length), or none. Closing it completes the response (the last chunk, a flush) and tells the
 * exchange; closing it early, with fixed-length bytes still owed, fails and closes the connection.
 */
final class ResponseBody extends OutputStream {

    /** How the body is framed. */
    enum Framing { NOT_SENT, FIXED, CHUNKED, UNTIL_CLOSE, NONE }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final OutputStream out;
    private final ServerExchange exchange;
    private Framing framing = Framing.NOT_SENT;
    private long remaining;
    private boolean closed;

    ResponseBody(OutputStream out, ServerExchange exchange) {
        this.out = out;
        this.exchange = exchange;
    }

    /** Called once the headers are written: from now on the body is framed so. */
    void start(Framing framing, long length) {
        this.framing = framing;
        this.remaining = length;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed) {
            throw new IOException("response body stream is closed");
        }
        switch (framing) {
            case NOT_SENT:
                throw new IOException("sendResponseHeaders has not been called");
            case NONE:
                if (length > 0) {
                    throw new IOException("this response has no body");
                }
                return;
            case FIXED:
                if (length > remaining) {
                    throw new IOException("too many bytes: " + remaining + " left of the Content-Length");
                }
                out.write(bytes, offset, length);
                remaining -= length;
                return;
            case CHUNKED:
                if (length > 0) {
                    out.write(Long.toHexString(length).getBytes(StandardCharsets.ISO_8859_1));
                    out.write(CRLF);
                    out.write(bytes, offset, length);
                    out.write(CRLF);
                }
                return;
            case UNTIL_CLOSE:
                out.write(bytes, offset, length);
                return;
            default:
                throw new AssertionError(framing);
        }
    }

    @Override
    public void flush() throws IOException {
        if (!closed && framing != Framing.NOT_SENT) {
            out.flush();
        }
    }

    /** {@return true once closed} */
    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        if (closed || framing == Framing.NOT_SENT) {
            return;
        }
        closed = true;
        if (framing == Framing.FIXED && remaining > 0) {
            exchange.responseFailed();
            throw new IOException("response closed with " + remaining + " of its Content-Length bytes unwritten");
        }
        try {
            if (framing == Framing.CHUNKED) {
                out.write(LAST_CHUNK);
            }
            out.flush();
        } catch (IOException e) {
            exchange.responseFailed();
            throw e;
        }
        exchange.responseComplete();
    }
}
