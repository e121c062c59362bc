package dev.launcher.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The buffered input side of one connection: request heads are read line by line from it, request bodies byte by
 * byte, and pipelined requests stay in its buffer for the next exchange. Used by the connection's thread only.
 *
 * <p>Reads may run against a deadline ({@link #deadline(long)}): a read that would pass it throws
 * {@link SocketTimeoutException}. Without one, reads wait at most the socket's own timeout.
 */
final class RequestInput extends InputStream {

    private final Socket socket;
    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;
    private long deadlineNanos;
    private boolean hasDeadline;
    private int timeoutMillis;

    RequestInput(Socket socket, byte[] buffer) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.buffer = buffer;
    }

    /**
     * Sets how long each read from the socket may wait when there is no deadline.
     *
     * @param millis 0 for forever
     */
    void timeout(int millis) throws IOException {
        if (millis != timeoutMillis || hasDeadline) {
            hasDeadline = false;
            timeoutMillis = millis;
            socket.setSoTimeout(millis);
        }
    }

    /** From now on reads fail once {@code nanoTime} passes {@code deadlineNanos}; {@link #timeout} clears it. */
    void deadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
        this.hasDeadline = true;
    }

    /** {@return bytes already read from the socket and not yet consumed} */
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

    /** Refills the empty buffer; returns the bytes read, or -1 at end of stream. */
    private int fill() throws IOException {
        if (hasDeadline) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("request took too long to arrive");
            }
            int millis = (int) Math.min(Integer.MAX_VALUE, left);
            socket.setSoTimeout(millis);
            timeoutMillis = millis;
        }
        position = 0;
        limit = 0;
        int n = in.read(buffer, 0, buffer.length);
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
            if (length >= buffer.length && !hasDeadline) {
                // a large read goes straight to the socket
                return in.read(target, offset, length);
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
     * Reads one line of a request head, without its line end (CRLF, or a bare LF).
     *
     * @param budget the most bytes the line may take, its line end included
     * @return the line as ISO-8859-1 text, or null at end of stream before any byte
     * @throws HttpError 431 when the line does not end within {@code budget}
     */
    String readLine(int budget) throws IOException, HttpError {
        StringBuilder longLine = null;
        int used = 0;
        while (true) {
            if (position == limit && fill() <= 0) {
                if (used == 0) {
                    return null;
                }
                throw new java.io.EOFException("connection closed inside a request head");
            }
            int start = position;
            int end = start;
            int stop = Math.min(limit, start + (budget - used));
            while (end < stop && buffer[end] != '\n') {
                end++;
            }
            if (end < stop) {
                // found the LF
                position = end + 1;
                int textEnd = end > start && buffer[end - 1] == '\r' ? end - 1 : end;
                String part = new String(buffer, start, textEnd - start, StandardCharsets.ISO_8859_1);
                if (longLine == null) {
                    return part;
                }
                longLine.append(part);
                int length = longLine.length();
                if (textEnd == end && length > 0 && longLine.charAt(length - 1) == '\r') {
                    // the CR ended the previous buffer
                    longLine.setLength(length - 1);
                }
                return longLine.toString();
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
