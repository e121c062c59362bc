package dev.launcher.testing;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A reverse proxy (nginx, HAProxy) run in the foreground as a child process of the test, on a loopback port. Its
 * stdout goes to a file (a proxy logging there never finds it full, as it could a pipe, and drops no line); its
 * stderr is collected. {@link #close()} ends it — and only it and its own children — by pid.
 */
public final class ProxyProcess implements Closeable {

    /** Generous bound for a proxy to start listening. */
    public static final Duration START = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path stdout;
    public final LogLines err;

    private ProxyProcess(String name, Process process, Path stdout) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.err = LogLines.reading(process.getErrorStream(), name + "-stderr-" + process.pid());
    }

    /**
     * Finds an executable on the PATH or in the sbin directories (where Debian puts nginx and haproxy, often
     * outside a user's PATH).
     *
     * @param command e.g. {@code nginx}
     * @return its path, or empty if there is none
     */
    public static Optional<Path> find(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts {@code command} and waits until {@code port} on 127.0.0.1 accepts a connection.
     *
     * @param name    for thread names and messages
     * @param command the proxy in the foreground, e.g. {@code haproxy -f conf -db}
     * @param port    the port its configuration listens on
     * @param stdout  the file its standard output goes to
     * @return the running proxy
     * @throws AssertionError with its output if it exits or does not listen within {@link #START}
     */
    public static ProxyProcess start(String name, List<String> command, int port, Path stdout)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).start();
        ProxyProcess proxy = new ProxyProcess(name, process, stdout);
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!proxy.process.isAlive()) {
                proxy.err.awaitEnd(Duration.ofSeconds(2));
                throw new AssertionError(name + " exited with " + proxy.process.exitValue() + ":\n"
                        + proxy.err.text() + "\n" + Files.readString(stdout));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return proxy;
            } catch (IOException notYet) {
                if (System.nanoTime() - deadline > 0) {
                    proxy.close();
                    throw new AssertionError(name + " not listening on " + port + " within " + START + ":\n"
                            + proxy.err.text());
                }
                // the check's own pace: a process exit or a listening port, whichever comes first
                proxy.process.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** {@return the file its standard output goes to} */
    public Path stdout() {
        return stdout;
    }

    /** {@return the proxy's pid} */
    public long pid() {
        return process.pid();
    }

    /**
     * Ends the proxy: SIGTERM (both proxies then close their connections and exit), then, if it is still there
     * after 5 s, SIGKILL to it and to the children it started.
     */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + "[" + process.pid() + "]";
    }
}
