package dev.launcher.testing;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real launcher jar in a child process, on the JDK running the tests. Ends only the process it started. */
public final class LauncherProcess implements Closeable {

    /** Generous bound for a JVM to start and bind. */
    public static final Duration START = Duration.ofSeconds(20);
    /** The launcher's last line: {@code stopped in N ms: exit=C cause=...}. */
    private static final Pattern OUTCOME = Pattern.compile("stopped in (\\d+) ms: exit=\\d+ cause=");

    public final Process process;
    public final LogLines err;
    public final LogLines out;

    private LauncherProcess(Process process) {
        this.process = process;
        this.err = LogLines.reading(process.getErrorStream(), "stderr-" + process.pid());
        this.out = LogLines.reading(process.getInputStream(), "stdout-" + process.pid());
    }

    /** The jar under test: the {@code launcher.jar} system property (set by the build), else target/launcher.jar. */
    public static Path jar() {
        Path jar = Paths.get(System.getProperty("launcher.jar", "target/launcher.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no jar at " + jar.toAbsolutePath() + ": run mvn verify");
        }
        return jar;
    }

    /** The java binary of the JDK running the tests. */
    public static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code java -jar launcher.jar args}. */
    public static LauncherProcess start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** Starts {@code java -jar launcher.jar args} with extra environment variables. */
    public static LauncherProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        return startCommand(env, command);
    }

    /** Starts {@code java -cp launcher.jar:test-classes mainClass args}: the real launcher with test members. */
    public static LauncherProcess startClass(Map<String, String> env, String mainClass, String... args)
            throws IOException {
        String testClasses = Paths.get(System.getProperty("launcher.test.classes", "target/test-classes")).toString();
        List<String> command = new ArrayList<>(List.of(java(), "-cp",
                jar() + java.io.File.pathSeparator + testClasses, mainClass));
        command.addAll(List.of(args));
        return startCommand(env, command);
    }

    /** Starts an arbitrary command (e.g. a shell wrapping java). */
    public static LauncherProcess startCommand(Map<String, String> env, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("LAUNCHER_"));
        builder.environment().putAll(env);
        return new LauncherProcess(builder.start());
    }

    /** Waits for the {@code listening on} line and returns the port. */
    public int awaitPort() throws InterruptedException {
        return Integer.parseInt(err.await("listening on http://[^ ]*:(\\d+)", START).group(1));
    }

    /** Sends a signal by name (e.g. TERM, INT, HUP) to this process only. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -s " + name + " " + process.pid() + " failed");
        }
    }

    /** Waits for the exit and the end of its output; returns the exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process " + process.pid() + " still running after " + timeout + "; stderr:\n"
                    + err.text());
        }
        err.awaitEnd(Duration.ofSeconds(5));
        out.awaitEnd(Duration.ofSeconds(5));
        return process.exitValue();
    }

    /**
     * {@return the stop time the launcher logged in its last line (trigger to outcome), in ms} After
     * {@link #awaitExit}: a stop timed from before the trigger to after the exit took at least this long.
     */
    public long loggedStopMillis() {
        Matcher outcome = OUTCOME.matcher(err.last());
        if (!outcome.find()) {
            throw new AssertionError("the last line is no outcome line: " + err.last());
        }
        return Long.parseLong(outcome.group(1));
    }

    /** Kills the process if a test left it running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
