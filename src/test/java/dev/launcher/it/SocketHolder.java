package dev.launcher.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.launcher.testing.LogLines;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plays systemd's part for a socket-activated launcher ({@code Accept=no}, {@code StandardInput=socket}): a
 * {@code python3} process binds a listening socket on 127.0.0.1 and keeps it, and {@link #command} wraps a command
 * so that it starts with a copy of that socket as standard input (passed over a Unix socket, then {@code exec}: the
 * wrapped command keeps the wrapper's pid). The socket and its queue outlive every process started so, as systemd's
 * do, until {@link #close}. Skips the test (JUnit assumption) where python3 is missing.
 */
public final class SocketHolder implements Closeable {

    private static final Duration START = Duration.ofSeconds(20);

    private final Process process;
    private final LogLines out;
    private final Path script;
    private final Path dir;
    private final String python;
    private final int port;

    private SocketHolder(Process process, Path script, Path dir, String python) throws InterruptedException {
        this.process = process;
        this.script = script;
        this.dir = dir;
        this.python = python;
        this.out = LogLines.reading(process.getInputStream(), "socket-holder-" + process.pid());
        LogLines.reading(process.getErrorStream(), "socket-holder-err-" + process.pid());
        this.port = Integer.parseInt(out.await("^port (\\d+)$", START).group(1));
    }

    /**
     * Starts a holder listening on a free 127.0.0.1 port.
     *
     * @param dir a directory of the test's own, for the script and the Unix socket that hands the socket out
     * @param backlog the listen backlog
     */
    public static SocketHolder start(Path dir, int backlog) throws IOException, InterruptedException {
        String python = python();
        Path script = dir.resolve("socket-holder.py");
        try (InputStream in = SocketHolder.class.getResourceAsStream("socket-holder.py")) {
            if (in == null) {
                throw new IllegalStateException("no socket-holder.py beside " + SocketHolder.class);
            }
            Files.copy(in, script);
        }
        Process process = new ProcessBuilder(python, script.toString(), "hold", dir.toString(),
                Integer.toString(backlog)).start();
        try {
            return new SocketHolder(process, script, dir, python);
        } catch (RuntimeException | Error | InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** {@return the port of the held socket, on 127.0.0.1} */
    public int port() {
        return port;
    }

    /** {@return {@code command} wrapped to run with the held listening socket as standard input} */
    public List<String> command(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(python, script.toString(), "exec", dir.toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /** {@return how many times the socket was handed out} */
    public int handedOut() {
        return (int) out.lines().stream().filter("handed"::equals).count();
    }

    /** Ends the holder (its standard input closes), which closes the socket; kills it by pid if it lingers. */
    @Override
    public void close() throws IOException {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The real python3 interpreter (not a launcher script such as pyenv's shim, which would not keep the pid). */
    private static String python() throws IOException, InterruptedException {
        String onPath = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, "python3");
            if (Files.isExecutable(candidate)) {
                onPath = candidate.toString();
                break;
            }
        }
        assumeTrue(onPath != null, "python3 is not installed: it plays systemd's part (holds the socket)");
        Process process = new ProcessBuilder(onPath, "-c", "import sys; print(sys.executable)")
                .redirectErrorStream(true).start();
        String executable = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || executable.isEmpty()) {
            throw new IOException(onPath + " cannot run: " + executable);
        }
        return executable;
    }
}
