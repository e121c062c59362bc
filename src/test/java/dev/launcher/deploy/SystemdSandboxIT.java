package dev.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.launcher.it.SocketHolder;
import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The systemd unit's sandbox lets the JVM do its work: the launcher, started with the unit's JVM options,
 * arguments and environment under strace, serves and stops on SIGTERM using only system calls that the unit's
 * {@code SystemCallFilter} allows (as {@code systemd-analyze syscall-filter} expands it) and only the socket families
 * of its {@code RestrictAddressFamilies}. (systemd itself cannot run here: it is not PID 1.)
 */
@Timeout(120)
class SystemdSandboxIT {

    private static final Pattern CALL = Pattern.compile("^\\d+ +([a-z0-9_]+)\\(", Pattern.MULTILINE);
    private static final Pattern FAMILY = Pattern.compile("\\bsocket(?:pair)?\\((AF_[A-Z0-9]+)");

    /**
     * Every system call and socket family used from start to exit 0 is one the unit allows: as shipped, on the
     * listening socket inherited on standard input ({@link SocketHolder} plays systemd's part), and without socket
     * activation (the documented unit without the socket lines: the launcher binds a port itself).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void launcherStaysInsideTheUnitsSandbox(boolean socketActivated, @TempDir Path dir) throws Exception {
        String strace = tool("strace");
        String systemdAnalyze = tool("systemd-analyze");
        Map<String, List<String>> service = SystemdUnitTest.service();
        List<String> exec = SystemdUnitTest.execStart(service);
        assertEquals("inherit", DeployFiles.flags(exec).get("--addr"), "the unit as shipped is socket-activated");
        Map<String, String> env = new LinkedHashMap<>(SystemdUnitTest.environment(service));
        Path trace = dir.resolve("strace.out");
        List<String> command = new ArrayList<>(List.of(strace, "-f", "-qq", "-o", trace.toString(),
                LauncherProcess.java()));
        command.addAll(exec.subList(1, exec.indexOf("-jar")));
        command.addAll(List.of("-jar", LauncherProcess.jar().toString()));
        for (String arg : exec.subList(exec.indexOf("-jar") + 2, exec.size())) {
            command.add(!socketActivated && arg.equals("inherit") ? "127.0.0.1:0" : arg);
        }

        ProcessHandle java = null;
        try (SocketHolder holder = socketActivated ? SocketHolder.start(dir, 64) : null;
             LauncherProcess launcher = LauncherProcess.startCommand(env,
                     holder != null ? holder.command(command) : command)) {
            int port = launcher.awaitPort();
            if (holder != null) {
                assertEquals(holder.port(), port, "serves on the held socket");
            }
            launcher.err.await("ready: ", LauncherProcess.START);
            for (String path : List.of("/", "/healthz", "/readyz", "/metrics", "/nope")) {
                RawHttp.get(port, path);
            }
            // the JVM is strace's child: signal it, not strace
            java = launcher.process.toHandle().children().findFirst()
                    .orElseThrow(() -> new AssertionError("no java process under strace"));
            Process kill = new ProcessBuilder("kill", "-s", "TERM", Long.toString(java.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -s TERM " + java.pid());
            assertEquals(0, launcher.awaitExit(Duration.ofSeconds(30)), launcher.err.text());
            assertTrue(launcher.err.last().contains("exit=0 cause=SIGTERM"), launcher.err.last());
        } finally {
            if (java != null && java.isAlive()) {
                java.destroyForcibly(); // only if the test failed: strace's own kill would leave it running
            }
        }

        String text = Files.readString(trace, StandardCharsets.UTF_8);
        Set<String> used = matches(CALL, text);
        assertTrue(used.containsAll(List.of("execve", "accept", "exit_group")), "traced: " + used);
        assertEquals(!socketActivated, used.contains("listen"), "listens itself only when not socket-activated");
        Set<String> allowed = new TreeSet<>();
        Set<String> denied = new TreeSet<>();
        for (String filter : service.getOrDefault("SystemCallFilter", List.of())) {
            boolean deny = filter.startsWith("~");
            for (String item : filter.replaceFirst("^~", "").split("\\s+")) {
                (deny ? denied : allowed).addAll(expand(systemdAnalyze, item));
            }
        }
        assertFalse(allowed.isEmpty(), "the unit sets an allow list");
        Set<String> refused = new TreeSet<>(used);
        refused.removeIf(call -> allowed.contains(call) && !denied.contains(call));
        assertEquals(Set.of(), refused, "system calls the JVM made that the unit's SystemCallFilter refuses");

        Set<String> families = matches(FAMILY, text);
        Set<String> permitted = new TreeSet<>(List.of(
                String.join(" ", service.getOrDefault("RestrictAddressFamilies", List.of())).split("\\s+")));
        assertTrue(permitted.containsAll(families), "socket families " + families + " outside " + permitted);
        System.out.println("systemd sandbox" + (socketActivated ? " (socket-activated)" : "") + ": " + used.size() + " system calls and " + families
                + " all allowed by the unit");
    }

    /** A system call name, or a @group expanded (recursively) by systemd-analyze syscall-filter. */
    private static Set<String> expand(String systemdAnalyze, String item) throws IOException, InterruptedException {
        Set<String> calls = new TreeSet<>();
        if (!item.startsWith("@")) {
            calls.add(item);
            return calls;
        }
        Process process = new ProcessBuilder(systemdAnalyze, "syscall-filter", item).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, output);
        for (String line : output.lines().toList()) {
            String word = line.replaceFirst("#.*", "").strip();
            if (word.isEmpty() || word.equals(item)) {
                continue;
            }
            calls.addAll(expand(systemdAnalyze, word));
        }
        return calls;
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        assumeTrue(false, name + " is not installed");
        return null;
    }
}
