package dev.launcher.http.server;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;

/**
 * A wire over bytes in memory: reads serve {@code input} at most {@code slice} bytes at a time (to cross buffer
 * boundaries anywhere), then end of stream; writes are captured. For parsing tests below the socket.
 */
final class MemoryWire extends Wire {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 0);

    private final byte[] input;
    private final int slice;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private int position;
    private boolean closed;
    private boolean outputShut;

    MemoryWire(byte[] input, int slice) {
        this.input = input;
        this.slice = slice;
    }

    @Override
    int read(byte[] target, int offset, int length, int timeoutMillis) {
        return readNow(target, offset, length);
    }

    @Override
    int readNow(byte[] target, int offset, int length) {
        if (position == input.length) {
            return -1;
        }
        int n = Math.min(Math.min(length, slice), input.length - position);
        System.arraycopy(input, position, target, offset, n);
        position += n;
        return n;
    }

    @Override
    void write(byte[] bytes, int offset, int length) {
        written.write(bytes, offset, length);
    }

    @Override
    int available() {
        return input.length - position;
    }

    @Override
    void shutdownOutput() {
        outputShut = true;
    }

    @Override
    void close() {
        closed = true;
    }

    @Override
    boolean isClosed() {
        return closed;
    }

    @Override
    InetSocketAddress remoteAddress() {
        return ADDRESS;
    }

    @Override
    InetSocketAddress localAddress() {
        return ADDRESS;
    }

    /** {@return the bytes written so far} */
    byte[] written() {
        return written.toByteArray();
    }

    /** {@return true once the output was shut down} */
    boolean outputShut() {
        return outputShut;
    }
}
