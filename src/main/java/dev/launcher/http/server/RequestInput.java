package dev.launcher.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The buffered input side of one connection: request heads are read line by line from it, request bodies byte by
 * byte, and pipelined requests stay in its buffer for the next exchange. Used by one thread at a time.
 *
 * <p>Reads may run against a deadline ({@link #deadline(long)}): a read that would pass it throws
 * {@link SocketTimeoutException}. Without one, reads wait at most {@link #timeout(int)}.
 *
 * <p>An event loop parses a head {@linkplain #beginHead() without waiting}: a read that would wait throws
 * {@link #WOULD_WAIT}, the bytes of the head so far stay in the buffer, and {@link #rewindHead()} goes back to
 * its start, to parse it again once more bytes came.
 */
final class RequestInput extends InputStream {

    /** Thrown, while parsing a head without waiting, by a read that would have to wait. */
    static final IOException WOULD_WAIT = new IOException("a read would wait", null) {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final Wire wire;
    private final byte[] buffer;
    private int position;
    private int limit;
    private long deadlineNanos;
    private boolean hasDeadline;
    private int timeoutMillis;
    /** Where the head being parsed without waiting starts; -1 when reads may wait. */
    private int headStart = -1;

    RequestInput(Wire wire, byte[] buffer) {
        this.wire = wire;
        this.buffer = buffer;
    }

    /**
     * Sets how long each read may wait when there is no deadline.
     *
     * @param millis 0 for forever
     */
    void timeout(int millis) {
        hasDeadline = false;
        timeoutMillis = millis;
    }

    /** From now on reads fail once {@code nanoTime} passes {@code deadlineNanos}; {@link #timeout} clears it. */
    void deadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
        this.hasDeadline = true;
    }

    /** {@return bytes already read from the wire and not yet consumed} */
    int buffered() {
        return limit - position;
    }

    /**
     * Waits for the next byte without consuming it.
     *
     * @return false at end of stream
     */
    boolean awaitByte() throws IOException {
        return position < limit || fill() > 0;
    }

    /**
     * Reads what has arrived into the free end of the buffer, without waiting (event loops only).
     *
     * @return the bytes read, 0 if none or the buffer is full, -1 at end of stream
     */
    int readNow() throws IOException {
        if (position == limit) {
            position = 0;
            limit = 0;
        } else if (limit == buffer.length && position > 0) {
            compact(position);
        }
        if (limit == buffer.length) {
            return 0;
        }
        int n = wire.readNow(buffer, limit, buffer.length - limit);
        if (n > 0) {
            limit += n;
        }
        return n;
    }

    /** From here until {@link #endHead()}, reads do not wait: they throw {@link #WOULD_WAIT}. */
    void beginHead() {
        headStart = position;
    }

    /** Goes back to where {@link #beginHead()} was, keeping the bytes; reads may wait again. */
    void rewindHead() {
        position = headStart;
        headStart = -1;
    }

    /** Ends parsing without waiting: reads may wait again. */
    void endHead() {
        headStart = -1;
    }

    /** {@return true if the head being parsed fills the whole buffer: it cannot be parsed without waiting} */
    boolean headFillsBuffer() {
        return headStart == 0 && limit == buffer.length;
    }

    private void compact(int from) {
        System.arraycopy(buffer, from, buffer, 0, limit - from);
        limit -= from;
        position -= from;
        if (headStart >= 0) {
            headStart -= from;
        }
    }

    /** Refills the empty buffer; returns the bytes read, or -1 at end of stream. */
    private int fill() throws IOException {
        if (headStart >= 0) {
            // parsing without waiting: keep the head so far, take only what has arrived
            if (headStart > 0) {
                compact(headStart);
            }
            if (limit == buffer.length) {
                throw WOULD_WAIT;
            }
            int n = wire.readNow(buffer, limit, buffer.length - limit);
            if (n == 0) {
                throw WOULD_WAIT;
            }
            if (n > 0) {
                limit += n;
            }
            return n;
        }
        int millis = timeoutMillis;
        if (hasDeadline) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("request took too long to arrive");
            }
            millis = (int) Math.min(Integer.MAX_VALUE, left);
        }
        position = 0;
        limit = 0;
        int n = wire.read(buffer, 0, buffer.length, millis);
        if (n > 0) {
            limit = n;
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && fill() <= 0) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit) {
            if (length >= buffer.length && !hasDeadline && headStart < 0) {
                // a large read goes straight to the wire
                return wire.read(target, offset, length, timeoutMillis);
            }
            if (fill() <= 0) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    /**
     * Reads one line, without its line end. A line ends with CRLF; unless {@code crlfOnly}, a bare LF ends it too
     * (RFC 9112, 2.2). A CR anywhere but right before the LF is refused.
     *
     * @param budget   the most bytes the line may take, its line end included
     * @param crlfOnly true if only CRLF ends a line (chunked framing), false for a request head
     * @return the line as ISO-8859-1 text, or null at end of stream before any byte
     * @throws HttpError 431 when the line does not end within {@code budget}; 400 for a bare CR, or a bare LF when
     *                   {@code crlfOnly}
     */
    String readLine(int budget, boolean crlfOnly) throws IOException, HttpError {
        StringBuilder longLine = null;
        int used = 0;
        boolean pendingCr = false;
        while (true) {
            if (position == limit && fill() <= 0) {
                if (used == 0) {
                    return null;
                }
                throw new java.io.EOFException("connection closed inside a line");
            }
            if (pendingCr) {
                // the CR ended the previous buffer: only an LF may follow it
                if (buffer[position] != '\n') {
                    throw new HttpError(400, "bare CR");
                }
                position++;
                return longLine.toString();
            }
            int start = position;
            int end = start;
            int stop = Math.min(limit, start + (budget - used));
            byte b = 0;
            while (end < stop && (b = buffer[end]) != '\n' && b != '\r') {
                end++;
            }
            if (end < stop) {
                int next;
                if (b == '\n') {
                    if (crlfOnly) {
                        throw new HttpError(400, "bare LF");
                    }
                    next = end + 1;
                } else if (end + 1 < limit) {
                    if (buffer[end + 1] != '\n') {
                        throw new HttpError(400, "bare CR");
                    }
                    if (end + 1 >= stop) {
                        throw new HttpError(431, "request head too large");
                    }
                    next = end + 2;
                } else {
                    // a CR at the end of what has arrived: its LF comes with the next read
                    if (used + end - start + 1 >= budget) {
                        throw new HttpError(431, "request head too large");
                    }
                    if (longLine == null) {
                        longLine = new StringBuilder(Math.max(64, 2 * (end - start)));
                    }
                    longLine.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
                    used += end - start + 1;
                    position = end + 1;
                    pendingCr = true;
                    continue;
                }
                position = next;
                String part = new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
                return longLine == null ? part : longLine.append(part).toString();
            }
            used += end - start;
            if (used >= budget) {
                throw new HttpError(431, "request head too large");
            }
            if (longLine == null) {
                longLine = new StringBuilder(Math.max(64, 2 * (end - start)));
            }
            longLine.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
            position = end;
        }
    }
}
