package dev.launcher.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * The bytes of one connection, read and written as if blocking: {@link #read} waits up to a timeout, {@link #write}
 * until all is written; {@link #readNow} never waits. A {@link Selectable} wire (a non-blocking channel, the one
 * an event loop serves) can also be watched by a selector. {@link #close()} may be called from any thread and wakes
 * a thread waiting on the wire.
 */
abstract class Wire {

    /**
     * Reads what has arrived, waiting for at least one byte at most {@code timeoutMillis}.
     *
     * @param timeoutMillis the most to wait; 0 for as long as it takes
     * @return the bytes read, or -1 at end of stream
     * @throws SocketTimeoutException if nothing arrived in time
     */
    abstract int read(byte[] target, int offset, int length, int timeoutMillis) throws IOException;

    /**
     * Reads what has arrived without waiting.
     *
     * @return the bytes read (0: none yet), or -1 at end of stream (a blocking wire may report it only on a
     *     waiting {@link #read})
     */
    abstract int readNow(byte[] target, int offset, int length) throws IOException;

    /** Writes all of the bytes, waiting as long as the client takes to read them. */
    abstract void write(byte[] bytes, int offset, int length) throws IOException;

    /** {@return bytes that have arrived and were not read yet; 0 if unknown} Safe on any thread. */
    abstract int available();

    /** Ends the sending side (FIN); reads still work. */
    abstract void shutdownOutput() throws IOException;

    /** Closes the connection. Idempotent, safe on any thread. */
    abstract void close();

    abstract boolean isClosed();

    abstract InetSocketAddress remoteAddress();

    abstract InetSocketAddress localAddress();

    /** {@return this wire as an output stream (its writes are {@link #write})} */
    final OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                Wire.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                Wire.this.write(bytes, offset, length);
            }
        };
    }

    /** {@return a wire over a connected socket in blocking mode, for a thread per connection} */
    static Wire blocking(Socket socket) throws IOException {
        return new BlockingWire(socket);
    }

    /** {@return a wire over a connected channel, switched to non-blocking mode, for an event loop} */
    static Selectable nonBlocking(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        return new ChannelWire(channel);
    }

    /** A wire whose channel an event loop's selector can watch. */
    abstract static class Selectable extends Wire {

        /** Registers the channel with {@code selector} for reads. */
        abstract SelectionKey register(Selector selector, Object attachment) throws IOException;
    }

    /** A blocking socket: reads wait with {@code SO_TIMEOUT}. */
    private static final class BlockingWire extends Wire {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int timeoutMillis = -1;

        BlockingWire(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        int read(byte[] target, int offset, int length, int timeoutMillis) throws IOException {
            if (timeoutMillis != this.timeoutMillis) {
                socket.setSoTimeout(timeoutMillis);
                this.timeoutMillis = timeoutMillis;
            }
            return in.read(target, offset, length);
        }

        @Override
        int readNow(byte[] target, int offset, int length) throws IOException {
            int ready = in.available();
            return ready <= 0 ? 0 : in.read(target, offset, Math.min(length, ready));
        }

        @Override
        void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        int available() {
            try {
                return in.available();
            } catch (IOException e) {
                return 0;
            }
        }

        @Override
        void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }

        @Override
        boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        InetSocketAddress remoteAddress() {
            return (InetSocketAddress) socket.getRemoteSocketAddress();
        }

        @Override
        InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }
    }

    /**
     * A non-blocking channel. Reads and writes that must wait do so on a selector of the waiting thread's own
     * ({@link Waits}), so the channel stays registered with its event loop's selector meanwhile.
     */
    private static final class ChannelWire extends Selectable {
        private final SocketChannel channel;
        private final InputStream availableProbe;
        private final InetSocketAddress remote;
        private final InetSocketAddress local;
        private volatile Selector waitingOn;
        private volatile boolean closed;

        ChannelWire(SocketChannel channel) throws IOException {
            this.channel = channel;
            this.availableProbe = channel.socket().getInputStream();
            this.remote = (InetSocketAddress) channel.getRemoteAddress();
            this.local = (InetSocketAddress) channel.getLocalAddress();
        }

        @Override
        int read(byte[] target, int offset, int length, int timeoutMillis) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(target, offset, length);
            long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
            while (true) {
                int n = channel.read(buffer);
                if (n != 0) {
                    return n;
                }
                long waitMillis = 0;
                if (deadline != 0) {
                    waitMillis = (deadline - System.nanoTime()) / 1_000_000L;
                    if (waitMillis <= 0) {
                        throw new SocketTimeoutException("read timed out");
                    }
                }
                await(SelectionKey.OP_READ, waitMillis);
            }
        }

        @Override
        int readNow(byte[] target, int offset, int length) throws IOException {
            return channel.read(ByteBuffer.wrap(target, offset, length));
        }

        @Override
        void write(byte[] bytes, int offset, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (true) {
                channel.write(buffer);
                if (!buffer.hasRemaining()) {
                    return;
                }
                await(SelectionKey.OP_WRITE, 0);
            }
        }

        /** Waits until the channel is ready for {@code ops}, or {@code millis} (0: no limit) passed. */
        private void await(int ops, long millis) throws IOException {
            Selector selector = Waits.selector();
            SelectionKey key = channel.register(selector, ops);
            waitingOn = selector;
            try {
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (millis > 0) {
                    selector.select(millis);
                } else {
                    selector.select();
                }
                if (closed) {
                    throw new ClosedChannelException();
                }
            } finally {
                waitingOn = null;
                key.cancel();
                selector.selectNow();
            }
        }

        @Override
        int available() {
            try {
                return availableProbe.available();
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        @Override
        void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        @Override
        void close() {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed either way
            }
            Selector selector = waitingOn;
            if (selector != null) {
                selector.wakeup();
            }
        }

        @Override
        boolean isClosed() {
            return closed || !channel.isOpen();
        }

        @Override
        SelectionKey register(Selector selector, Object attachment) throws IOException {
            return channel.register(selector, SelectionKey.OP_READ, attachment);
        }

        @Override
        InetSocketAddress remoteAddress() {
            return remote;
        }

        @Override
        InetSocketAddress localAddress() {
            return local;
        }
    }

    /** Each thread's own selector for waiting on one channel; closed when the thread's work ends. */
    static final class Waits {
        private static final ThreadLocal<Selector> SELECTOR = new ThreadLocal<>();

        private Waits() {
        }

        static Selector selector() throws IOException {
            Selector selector = SELECTOR.get();
            if (selector == null || !selector.isOpen()) {
                selector = Selector.open();
                SELECTOR.set(selector);
            }
            return selector;
        }

        /** Closes the calling thread's selector, if it has one. */
        static void release() {
            Selector selector = SELECTOR.get();
            if (selector != null) {
                SELECTOR.remove();
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // gone either way
                }
            }
        }
    }
}
