package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@link OrdersLauncher} instance on a fixed loopback port, as a deployment has it: it can be stopped with
 * SIGTERM and started again on the same port (the server sets {@code SO_REUSEADDR}, so the connections the old
 * process left in TIME_WAIT do not stand in the way). Every generation appends its orders to the same file.
 */
final class OrdersInstance implements Closeable {

    /** How long a stop may take: well above the shutdown timeout the instances get (5 s) and the JVM's exit. */
    static final Duration EXIT = Duration.ofSeconds(15);

    private final int port;
    private final Path orders;
    private final List<String> flags;
    private final List<Integer> exits = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private LauncherProcess current;

    /**
     * @param port   the port every generation listens on
     * @param orders the file the orders go to
     * @param flags  launcher flags besides {@code --addr}
     */
    OrdersInstance(int port, Path orders, String... flags) {
        this.port = port;
        this.orders = orders;
        this.flags = List.of(flags);
    }

    int port() {
        return port;
    }

    /** Starts a new generation (the previous one must have exited); returns once it is ready. */
    void start() throws IOException, InterruptedException {
        if (current != null && current.process.isAlive()) {
            throw new IllegalStateException("instance on " + port + " still running");
        }
        List<String> args = new ArrayList<>(List.of("--addr", "127.0.0.1:" + port));
        args.addAll(flags);
        current = LauncherProcess.startClass(Map.of("ORDERS_FILE", orders.toString()),
                OrdersLauncher.class.getName(), args.toArray(String[]::new));
        pids.add(current.process.pid());
        current.err.await("ready: all members started", LauncherProcess.START);
    }

    /** Sends SIGTERM to the running generation and waits for its exit; returns the exit code (also recorded). */
    int stop() throws IOException, InterruptedException {
        current.signal("TERM");
        int code = current.awaitExit(EXIT);
        exits.add(code);
        return code;
    }

    /** {@return the running generation's pid} */
    long pid() {
        return current.process.pid();
    }

    /** {@return the running (or last) generation's stderr} */
    String log() {
        return current.err.text();
    }

    /** {@return the exit codes of the generations stopped so far, in order} */
    List<Integer> exits() {
        return List.copyOf(exits);
    }

    /** {@return the pids of every generation started, in order} */
    List<Long> pids() {
        return List.copyOf(pids);
    }

    /** {@return every order executed by every generation, one {@code PID ID} line each} */
    List<String> orders() throws IOException {
        return Files.exists(orders) ? Files.readAllLines(orders, StandardCharsets.UTF_8) : List.of();
    }

    /**
     * Waits until the running generation has executed an order — that is, the proxy sends it traffic again.
     *
     * @throws AssertionError if it has not within the timeout
     */
    void awaitTraffic(Duration timeout) throws IOException {
        String prefix = "\n" + pid() + " ";
        long deadline = System.nanoTime() + timeout.toNanos();
        long checked = 0;
        String tail = "\n";
        while (true) {
            // only what was appended since the last look: the file grows by thousands of lines a second
            try (SeekableByteChannel channel = Files.newByteChannel(orders)) {
                ByteBuffer added = ByteBuffer.allocate((int) Math.max(0, channel.size() - checked));
                channel.position(checked);
                while (added.hasRemaining() && channel.read(added) > 0) {
                    // read to the size seen
                }
                checked += added.position();
                String text = tail + new String(added.array(), 0, added.position(), StandardCharsets.UTF_8);
                if (text.contains(prefix)) {
                    return;
                }
                tail = text.substring(Math.max(0, text.lastIndexOf('\n')));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("instance " + port + " (pid " + pid() + ") got no order within "
                        + timeout + "; log:\n" + log());
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());   // the pace of the check, not of the test
        }
    }

    /** Kills a generation a failed test left running. */
    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
