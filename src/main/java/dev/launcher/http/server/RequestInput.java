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
 * <p>An event loop never waits: it {@linkplain #readNow() reads what has arrived} and parses a head only once
 * {@link #headArrived} says it is all there (or too large to wait for), so that parsing it reads only buffered
 * bytes; each byte is scanned once, however many pieces the head comes in. The buffer grows, up to the head
 * limit, for a head larger than it ({@link #reserve}).
 */
final class RequestInput extends InputStream {

    private final Wire wire;
    private byte[] buffer;
    private int position;
    private int limit;
    private long deadlineNanos;
    private boolean hasDeadline;
    private int timeoutMillis;
    /** True while only buffered bytes may be read: a read that would wait fails instead. */
    private boolean bufferedOnly;
    /** Where the head being scanned starts; -1 when none is. */
    private int scanHead = -1;
    /** The next byte {@link #headArrived} looks at. */
    private int scanAt;
    /** Bytes of the current line scanned so far, its CR excluded. */
    private int lineBytes;
    /** True if a request line was scanned (empty lines before it do not end a head). */
    private boolean sawLine;
    /** True if the last byte scanned was a CR. */
    private boolean pendingCr;
    /** Where growing the buffer for a body is counted; null: not counted. */
    private BufferBudget budget;
    /** The bytes {@link #budget} counts for this buffer now. */
    private long counted;

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
     * Reads what has arrived into the free end of the buffer, without waiting (event loops only).
     *
     * @return the bytes read, 0 if none or the buffer is full, -1 at end of stream
     */
    int readNow() throws IOException {
        if (!makeRoom()) {
            return 0;
        }
        return readInto(wire.readNow(buffer, limit, buffer.length - limit));
    }

    /** Frees the buffer's end for more bytes, keeping what is unread; false if the buffer is full of it. */
    private boolean makeRoom() {
        if (position == limit && scanHead < 0) {
            position = 0;
            limit = 0;
        } else if (limit == buffer.length && position > 0) {
            compact(position);
        }
        return limit < buffer.length;
    }

    /**
     * Reads what arrives into the free end of the buffer, waiting for it at most {@code millis} (a connection's
     * own thread).
     *
     * @return the bytes read, 0 if the buffer is full, -1 at end of stream
     * @throws SocketTimeoutException if nothing arrived in time
     */
    int readWaiting(int millis) throws IOException {
        if (!makeRoom()) {
            return 0;
        }
        return readInto(wire.read(buffer, limit, buffer.length - limit, millis));
    }

    /** Takes {@code n} bytes just read into the buffer's end; returns {@code n}. */
    private int readInto(int n) {
        if (n > 0) {
            limit += n;
        }
        return n;
    }

    /**
     * Makes room for {@code bytes} from the current position on (a head or a body to be buffered whole), growing
     * the buffer if it is smaller; what is buffered stays.
     */
    void reserve(int bytes) {
        if (position > 0 && buffer.length - position < bytes) {
            compact(position);
        }
        if (buffer.length < bytes) {
            buffer = java.util.Arrays.copyOf(buffer, bytes);
        }
    }

    /**
     * Makes room for at least one more byte of a body being received whole, that ends {@code total} bytes after the
     * current position: compacts, else grows the buffer (doubling, never past {@code total}). It grows only once
     * what has arrived fills it, so a client that announces much and sends little costs little.
     *
     * @return false if the buffer is full and growing it would take the {@linkplain #countGrowthIn budget} past its
     *     limit: the body is then not received whole
     */
    boolean roomFor(int total) {
        if (limit < buffer.length) {
            return true;
        }
        if (position > 0) {
            compact(position);
            return true;
        }
        if (buffer.length < total) {
            int size = (int) Math.min(total, Math.max(2L * buffer.length, 16 * 1024));
            if (budget != null && !budget.take(size - buffer.length)) {
                return false;
            }
            counted += size - buffer.length;
            buffer = java.util.Arrays.copyOf(buffer, size);
        }
        return true;
    }

    /** Counts the growth of the buffer for bodies ({@link #roomFor}) in {@code budget} from now on. */
    void countGrowthIn(BufferBudget budget) {
        this.budget = budget;
    }

    /** Gives back to the budget what this buffer's growth took (the connection ends). Idempotent. */
    void releaseGrowth() {
        if (budget != null) {
            budget.give(counted);
        }
        counted = 0;
    }

    /**
     * Goes back to {@code original} (the connection's pooled buffer) if the buffer grew for a large head or body
     * and what is still buffered fits in it, so that the larger one does not outlive the request it was for.
     */
    void shrinkTo(byte[] original) {
        if (buffer != original && scanHead < 0 && limit - position <= original.length) {
            System.arraycopy(buffer, position, original, 0, limit - position);
            limit -= position;
            position = 0;
            buffer = original;
            releaseGrowth();
        }
    }

    /** {@return the buffer's size now} */
    int capacity() {
        return buffer.length;
    }

    /** {@return where the unread bytes start, to {@link #rewind} to after reading only buffered bytes} */
    int mark() {
        return position;
    }

    /**
     * Makes the bytes read since {@code mark} unread again. Only valid while nothing but buffered bytes was read
     * in between ({@link #bufferedOnly}).
     */
    void rewind(int mark) {
        position = mark;
    }

    /** Skips up to {@code n} buffered bytes, never reading; returns how many. */
    int skipBuffered(long n) {
        int skipped = (int) Math.min(n, limit - position);
        position += skipped;
        return skipped;
    }

    /**
     * Looks for the end of the line that starts at the position among the buffered bytes, from {@code from} bytes
     * into it (what an earlier call already looked at); never reads.
     *
     * @return -1 if {@link #readLine} can judge the line now without waiting (a CR and the byte after it, an LF,
     *     or {@code budget} bytes have arrived); otherwise how many bytes of the line were looked at
     */
    int lineArrived(int from, int budget) {
        int end = limit;
        for (int i = position + from; i < end; i++) {
            byte b = buffer[i];
            if (b == '\n' || (b == '\r' && i + 1 < end)) {
                return -1;
            }
            if (b == '\r') {
                // its LF may come with the next read
                return i - position;
            }
        }
        return end - position >= budget ? -1 : end - position;
    }

    /** {@return true if the buffer has no room left for another byte} */
    boolean full() {
        return limit == buffer.length && position == 0;
    }

    /**
     * {@return true if the request head that starts at the current position has arrived whole — up to the empty
     * line that ends it — or can be judged without more bytes: {@code maxHeadBytes} are buffered, or a bare CR or
     * LF}
     * Parsing it then never waits. Scans only the bytes that came since the last call for the same head.
     */
    boolean headArrived(int maxHeadBytes) {
        if (scanHead != position) {
            scanHead = position;
            scanAt = position;
            lineBytes = 0;
            sawLine = false;
            pendingCr = false;
        }
        byte[] bytes = buffer;
        int end = limit;
        for (int i = scanAt; i < end; i++) {
            byte b = bytes[i];
            if (pendingCr && b != '\n') {
                // a bare CR: the parser refuses it
                scanAt = i;
                return true;
            }
            if (b == '\r') {
                pendingCr = true;
            } else if (b == '\n') {
                if (!pendingCr) {
                    // a bare LF: the parser refuses it (readLine)
                    scanAt = i;
                    return true;
                }
                pendingCr = false;
                if (lineBytes == 0 && sawLine) {
                    scanAt = i + 1;
                    return true;
                }
                sawLine |= lineBytes > 0;
                lineBytes = 0;
            } else {
                lineBytes++;
            }
        }
        scanAt = end;
        return end - scanHead >= maxHeadBytes;
    }

    /** Forgets the head being scanned (its bytes were consumed, or the connection goes on another way). */
    void endScan() {
        scanHead = -1;
    }

    private void compact(int from) {
        System.arraycopy(buffer, from, buffer, 0, limit - from);
        limit -= from;
        position -= from;
        if (scanHead >= 0) {
            scanHead -= from;
            scanAt -= from;
        }
    }

    /**
     * From now on, while {@code only}, reads take only what is buffered: one that would wait fails with an
     * {@link java.io.EOFException} (a head {@link #headArrived} judged whole must parse without waiting).
     */
    void bufferedOnly(boolean only) {
        bufferedOnly = only;
    }

    /** Refills the empty buffer; returns the bytes read, or -1 at end of stream. */
    private int fill() throws IOException {
        if (bufferedOnly) {
            throw new java.io.EOFException("a request head read past what had arrived");
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
            if (length >= buffer.length && !hasDeadline) {
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
     * Reads one line, without its line end: a request line, header field, chunk line or trailer field. Only CRLF
     * ends a line (RFC 9112, 2.2 lets a recipient take a bare LF too; parsers that do and parsers that do not
     * frame such a message differently, so a bare LF is refused), and a CR anywhere else is refused.
     *
     * @param budget the most bytes the line may take, its line end included
     * @return the line as ISO-8859-1 text, or null at end of stream before any byte
     * @throws HttpError 431 when the line does not end within {@code budget}; 400 for a bare CR or a bare LF
     */
    String readLine(int budget) throws IOException, HttpError {
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
                if (b == '\n') {
                    throw new HttpError(400, "bare LF");
                }
                if (end + 1 == limit) {
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
                if (buffer[end + 1] != '\n') {
                    throw new HttpError(400, "bare CR");
                }
                if (end + 1 >= stop) {
                    throw new HttpError(431, "request head too large");
                }
                position = end + 2;
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
