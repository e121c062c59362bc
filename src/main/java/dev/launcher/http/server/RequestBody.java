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
        // past the limit only what has arrived already is dropped (it costs no wait)
        while (discarded <= DISCARD_LIMIT || available() > 0) {
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
            // a body that has arrived whole costs nothing to drop, whatever its size
            return (remaining <= DISCARD_LIMIT || remaining <= input.buffered()) && super.discardRest();
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
     *
     * <p>The grammar is followed in one place ({@link #accept}, one framing line at a time, and the chunk data in
     * between), either by reading the body ({@link #readBody}) or by {@linkplain #scan() scanning} what has
     * arrived of it without consuming it: the connection scans a body as it arrives, and runs the exchange once
     * the scan says it is complete (or refuses it when the scan says it is malformed).
     */
    static final class ChunkedBody extends RequestBody {
        private static final int MAX_LINE = 4096;
        private static final int MAX_TRAILERS = 100;
        private static final int MAX_SIZE_DIGITS = 16;

        /** Where the framing is: what comes next. */
        private enum Phase {
            /** A chunk line. */
            SIZE,
            /** Chunk data ({@link #chunkLeft} bytes). */
            DATA,
            /** The CRLF after chunk data. */
            DATA_END,
            /** A trailer field, or the empty line that ends the body. */
            TRAILERS,
            /** Nothing: the body is complete. */
            DONE
        }

        /** What {@link #scan()} found. */
        enum Scan {
            /** The whole body has arrived, and is well-formed. */
            COMPLETE,
            /** What has arrived is well-formed so far; more must come. */
            MORE,
            /** The body is malformed ({@link #failure()}). */
            MALFORMED
        }

        private Phase phase = Phase.SIZE;
        private long chunkLeft;
        private int trailers;
        private IOException failure;
        /** Bytes of the body, from its start, that {@link #scan()} has followed. */
        private int scanned;
        /** Bytes of the next line that {@link #scan()} looked at without finding its end. */
        private int lineLooked;

        ChunkedBody(RequestInput input) {
            super(input);
        }

        @Override
        boolean complete() {
            return phase == Phase.DONE;
        }

        @Override
        boolean malformed() {
            return failure instanceof MalformedBodyException;
        }

        /** {@return the failure a read or scan found, or null} */
        IOException failure() {
            return failure;
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
            while (phase != Phase.DATA) {
                if (phase == Phase.DONE) {
                    return -1;
                }
                accept(line());
            }
            int n = input.read(target, offset, (int) Math.min(length, chunkLeft));
            if (n < 0) {
                throw new java.io.EOFException("connection closed inside a chunk");
            }
            took(n);
            return n;
        }

        /** {@code n} bytes of chunk data were taken. */
        private void took(int n) {
            chunkLeft -= n;
            if (chunkLeft == 0) {
                phase = Phase.DATA_END;
            }
        }

        /** Takes one framing line: the grammar of a chunked body, line by line. */
        private void accept(String line) throws MalformedBodyException {
            switch (phase) {
                case SIZE:
                    chunkLeft = chunkSize(line);
                    phase = chunkLeft == 0 ? Phase.TRAILERS : Phase.DATA;
                    break;
                case DATA_END:
                    if (!line.isEmpty()) {
                        throw new MalformedBodyException("no CRLF after a chunk");
                    }
                    phase = Phase.SIZE;
                    break;
                case TRAILERS:
                    if (line.isEmpty()) {
                        phase = Phase.DONE;
                        break;
                    }
                    try {
                        RequestHead.fieldColon(line);
                    } catch (HttpError e) {
                        throw new MalformedBodyException("trailer field: " + e.getMessage());
                    }
                    if (++trailers > MAX_TRAILERS) {
                        throw new MalformedBodyException("too many trailer fields");
                    }
                    break;
                case DATA:
                case DONE:
                default:
                    throw new AssertionError("no framing line in phase " + phase);
            }
        }

        /**
         * Follows the framing through the buffered bytes from the body's start (the input's position), without
         * consuming them and without waiting; each call goes on where the last one stopped, so each byte is looked
         * at about once however many pieces the body comes in. For a body that is scanned only, never read.
         */
        Scan scan() {
            if (failure != null) {
                return Scan.MALFORMED;
            }
            int mark = input.mark();
            input.skipBuffered(scanned);
            input.bufferedOnly(true);
            try {
                while (phase != Phase.DONE) {
                    if (phase == Phase.DATA) {
                        int n = input.skipBuffered(chunkLeft);
                        if (n == 0) {
                            return Scan.MORE;
                        }
                        took(n);
                    } else {
                        int looked = input.lineArrived(lineLooked, MAX_LINE);
                        if (looked >= 0) {
                            lineLooked = looked;
                            return Scan.MORE;
                        }
                        accept(line());
                        lineLooked = 0;
                    }
                    scanned = input.mark() - mark;
                }
                return Scan.COMPLETE;
            } catch (MalformedBodyException e) {
                failure = e;
                return Scan.MALFORMED;
            } catch (IOException e) {
                // a line read past what had arrived (lineArrived said it had not): it is read again with more
                lineLooked = 0;
                return Scan.MORE;
            } finally {
                input.bufferedOnly(false);
                input.rewind(mark);
            }
        }

        /** {@return the bytes of the body the scan has followed so far (all of it once complete)} */
        int scanned() {
            return scanned;
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
    }
}
