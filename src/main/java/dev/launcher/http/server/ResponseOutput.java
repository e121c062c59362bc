package dev.launcher.http.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The buffered output side of one connection: a response head and a small body leave in one write. Writes larger
 * than the buffer go straight to the socket. Not thread-safe: one exchange writes at a time.
 */
final class ResponseOutput extends OutputStream {

    private final OutputStream out;
    private final byte[] buffer;
    private int count;

    ResponseOutput(OutputStream out, byte[] buffer) {
        this.out = out;
        this.buffer = buffer;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length > buffer.length - count) {
            drain();
            if (length >= buffer.length) {
                out.write(bytes, offset, length);
                return;
            }
        }
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
    }
}
