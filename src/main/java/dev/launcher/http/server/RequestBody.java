package dev.launcher.http.server;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request body as its handler reads it: fixed-length, chunked, or empty. Reading past the body's end returns -1
 * and never touches the next request. Closing does not read the rest: the connection discards a small remainder
 * after the exchange, or closes.
 */
abstract class RequestBody extends InputStream {

    /** The most body bytes the connection discards after an exchange to keep the connection. */
    static final long DISCARD_LIMIT = 64 * 1024;

    final RequestInput input;
    private Runnable beforeFirstRead;
    private boolean closed;
    private byte[] one;

    RequestBody(RequestInput input) {
        this.input = input;
    }

    /** An empty body. */
    static RequestBody empty(RequestInput input) {
        return new FixedLengthBody(input, 0);
    }

    /** The body {@code head} declares. */
    static RequestBody of(RequestHead head, RequestInput input) {
        return head.bodyLength == RequestHead.CHUNKED ? new ChunkedBody(input) : new FixedLengthBody(input, head.bodyLength);
    }

    /** Runs {@code action} before the first byte is read (to send {@code 100 Continue}). */
    void beforeFirstRead(Runnable action) {
        this.beforeFirstRead = action;
    }

    /** {@return true while a {@code 100 Continue} is still owed: the client has not sent the body} */
    boolean awaitingContinue() {
        return beforeFirstRead != null;
    }

    /** {@return true once the whole body has been read} */
    abstract boolean complete();

    /** {@return true if a read found the body's framing malformed: the connection must close} */
    boolean malformed() {
        return false;
    }

    /** Reads up to {@code length} bytes of the body; -1 at its end. */
    abstract int readBody(byte[] target, int offset, int length) throws IOException;

    @Override
    public final int read() throws IOException {
        if (one == null) {
            one = new byte[1];
        }
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] target, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("request body stream is closed");
        }
        java.util.Objects.checkFromIndexSize(offset, length, target.length);
        if (length == 0) {
            return 0;
        }
        startReading();
        return readBody(target, offset, length);
    }

    private void startReading() {
        Runnable action = beforeFirstRead;
        if (action != null) {
            beforeFirstRead = null;
            action.run();
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /**
     * Reads and drops the rest of the body if it is small enough.
     *
     * @return true if the body is now complete (the connection may serve another request)
     */
    boolean discardRest() throws IOException {
        if (complete()) {
            return true;
        }
        if (awaitingContinue()) {
            // the client may be waiting for 100 Continue: it never sent the body
            return false;
        }
        byte[] scratch = new byte[8192];
        long discarded = 0;
        while (discarded <= DISCARD_LIMIT) {
            int n = readBody(scratch, 0, scratch.length);
            if (n < 0) {
                return true;
            }
            discarded += n;
        }
        return false;
    }

    /** A body of {@code Content-Length} bytes. */
    static final class FixedLengthBody extends RequestBody {
        private long remaining;

        FixedLengthBody(RequestInput input, long length) {
            super(input);
            this.remaining = length;
        }

        @Override
        boolean complete() {
            return remaining == 0;
        }

        @Override
        boolean discardRest() throws IOException {
            return remaining <= DISCARD_LIMIT && super.discardRest();
        }

        @Override
        int readBody(byte[] target, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = input.read(target, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new java.io.EOFException("connection closed with " + remaining + " body bytes unsent");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(remaining, input.buffered());
        }
    }

    /**
     * A request body whose framing is malformed (RFC 9112, 7.1): the body cannot be read on, and the connection
     * must close, as the bytes after it cannot be told apart from the body.
     */
    static final class MalformedBodyException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedBodyException(String message) {
            super("malformed chunked body: " + message);
        }
    }

    /**
     * A {@code Transfer-Encoding: chunked} body (RFC 9112, 7.1); chunk extensions and trailer fields are checked
     * and dropped. Strict: a chunk line is {@code 1*HEXDIG *( ";" BWS token [ BWS "=" BWS ( token /
     * quoted-string ) ] )} with at most 16 digits and no other whitespace, every line ends with CRLF, and trailer
     * fields follow the header field grammar. A malformed body throws {@link MalformedBodyException}, and every
     * read after it throws again.
     */
    static final class ChunkedBody extends RequestBody {
        private static final int MAX_LINE = 4096;
        private static final int MAX_TRAILERS = 100;
        private static final int MAX_SIZE_DIGITS = 16;
        private long chunkLeft;
        private boolean done;
        private boolean first = true;
        private IOException failure;

        ChunkedBody(RequestInput input) {
            super(input);
        }

        @Override
        boolean complete() {
            return done;
        }

        @Override
        boolean malformed() {
            return failure instanceof MalformedBodyException;
        }

        @Override
        int readBody(byte[] target, int offset, int length) throws IOException {
            if (failure != null) {
                throw failure;
            }
            try {
                return readChunks(target, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        private int readChunks(byte[] target, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                if (!first && !line().isEmpty()) {
                    throw new MalformedBodyException("no CRLF after a chunk");
                }
                first = false;
                chunkLeft = chunkSize(line());
                if (chunkLeft == 0) {
                    readTrailers();
                    done = true;
                    return -1;
                }
            }
            int n = input.read(target, offset, (int) Math.min(length, chunkLeft));
            if (n < 0) {
                throw new java.io.EOFException("connection closed inside a chunk");
            }
            chunkLeft -= n;
            return n;
        }

        private String line() throws IOException {
            try {
                String line = input.readLine(MAX_LINE);
                if (line == null) {
                    throw new java.io.EOFException("connection closed inside a chunked body");
                }
                return line;
            } catch (HttpError e) {
                throw new MalformedBodyException(e.status() == 431 ? "line too long" : e.getMessage());
            }
        }

        /** Parses a chunk line: the size, then extensions, checked and dropped. */
        static long chunkSize(String line) throws MalformedBodyException {
            int n = line.length();
            int i = 0;
            long size = 0;
            int digit;
            while (i < n && (digit = Character.digit(line.charAt(i), 16)) >= 0 && line.charAt(i) < 128) {
                if (i == MAX_SIZE_DIGITS) {
                    throw new MalformedBodyException("chunk size too large");
                }
                size = size << 4 | digit;
                i++;
            }
            if (i == 0) {
                throw new MalformedBodyException("bad chunk size");
            }
            if (size < 0) {
                throw new MalformedBodyException("chunk size too large");
            }
            while (i < n) {
                // BWS before ";" is refused (Go, h11 and llhttp refuse it), trailing whitespace too (as llhttp)
                if (line.charAt(i) != ';') {
                    throw new MalformedBodyException(line.indexOf(';', i) < 0
                            ? "bad chunk size" : "bad chunk extension");
                }
                int name = RequestHead.skipWhitespace(line, i + 1, n);
                int nameEnd = RequestHead.tokenEnd(line, name, n);
                if (nameEnd == name) {
                    throw new MalformedBodyException("bad chunk extension");
                }
                i = nameEnd;
                int equals = RequestHead.skipWhitespace(line, nameEnd, n);
                if (equals < n && line.charAt(equals) == '=') {
                    int value = RequestHead.skipWhitespace(line, equals + 1, n);
                    int valueEnd = value < n && line.charAt(value) == '"'
                            ? RequestHead.quotedEnd(line, value, n) : RequestHead.tokenEnd(line, value, n);
                    if (valueEnd <= value) {
                        throw new MalformedBodyException("bad chunk extension");
                    }
                    i = valueEnd;
                }
            }
            return size;
        }

        private void readTrailers() throws IOException {
            for (int i = 0; i <= MAX_TRAILERS; i++) {
                String line = line();
                if (line.isEmpty()) {
                    return;
                }
                try {
                    RequestHead.fieldColon(line);
                } catch (HttpError e) {
                    throw new MalformedBodyException("trailer field: " + e.getMessage());
                }
            }
            throw new MalformedBodyException("too many trailer fields");
        }
    }
}
