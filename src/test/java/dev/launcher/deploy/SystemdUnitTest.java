package dev.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/launcher.service and deploy/launcher.socket: the stop and restart settings against the launcher's exit
 * codes and deadline, socket activation (the service on the socket unit's listener), the documented way to run
 * without it, and systemd's own checks ({@code systemd-analyze verify}, {@code security --offline}) where
 * systemd-analyze exists.
 */
class SystemdUnitTest {

    /** The unit's runtime and jar, replaced by real ones for systemd-analyze (which checks the binary exists). */
    static final String UNIT_JAVA = "/opt/launcher/runtime/bin/java";
    static final String UNIT_JAR = "/opt/launcher/launcher.jar";

    /**
     * The command the unit's header documents for running without socket activation: sed's arguments, applied to
     * the unit by {@link #withoutSocketActivationTheDocumentedUnitBindsItself}.
     */
    static final List<String> WITHOUT_SOCKET = List.of("-E",
            "-e", "/^(Requires|After)=launcher\\.socket$/d",
            "-e", "/^StandardInput=socket$/d",
            "-e", "s/ --addr inherit$/ --addr :8080/");

    private final String text = DeployFiles.read("launcher.service");
    private final String socketText = DeployFiles.read("launcher.socket");

    /** systemd stops it with one SIGTERM, and waits longer than the launcher's whole stop before SIGKILL. */
    @Test
    void stopTimeoutCoversTheLaunchersDeadline() {
        Map<String, List<String>> service = section("Service");
        assertEquals(List.of("SIGTERM"), service.get("KillSignal"));
        Map<String, String> env = environment(service);
        Map<String, String> flags = DeployFiles.flags(execStart(service));
        Duration timeout = DeployFiles.goDuration(flags.getOrDefault("--shutdown-timeout",
                env.getOrDefault("LAUNCHER_SHUTDOWN_TIMEOUT", "5s")));
        Duration drain = DeployFiles.goDuration(flags.getOrDefault("--drain-delay",
                env.getOrDefault("LAUNCHER_DRAIN_DELAY", "0s")));
        Duration stop = DeployFiles.systemdSpan(last(service, "TimeoutStopSec"));
        assertTrue(drain.compareTo(timeout) < 0, "the drain delay counts inside the shutdown timeout");
        Duration needed = timeout.plus(DeployFiles.INTERRUPT_GRACE).plusSeconds(1);
        assertTrue(stop.compareTo(needed) > 0,
                "TimeoutStopSec " + stop + " must exceed the shutdown timeout " + timeout + " + 0.5 s + 1 s");
    }

    /** Restart on failure, never on a usage error (exit 2); forced and late exits (143, 130, 3) are not success. */
    @Test
    void restartPolicyFollowsTheExitCodes() {
        Map<String, List<String>> service = section("Service");
        assertEquals("on-failure", last(service, "Restart"));
        assertTrue(words(service, "RestartPreventExitStatus").contains("2"));
        List<String> success = words(service, "SuccessExitStatus");
        for (String failure : List.of("1", "2", "3", "130", "143", "SIGKILL")) {
            assertFalse(success.contains(failure), failure + " must not count as success");
        }
    }

    /** Hardened: its own user, no privileges, read-only system; but the JIT's writable+executable memory allowed. */
    @Test
    void isHardened() {
        Map<String, List<String>> service = section("Service");
        assertEquals("yes", last(service, "DynamicUser"));
        assertEquals("yes", last(service, "NoNewPrivileges"));
        assertEquals("strict", last(service, "ProtectSystem"));
        assertEquals("", last(service, "CapabilityBoundingSet"));
        assertFalse(service.containsKey("MemoryDenyWriteExecute"), "the JIT needs writable+executable memory");
        assertTrue(execStart(service).get(0).equals(UNIT_JAVA) && execStart(service).contains(UNIT_JAR));
    }

    /**
     * Socket activation: the service needs the socket unit and starts after it, takes its listening socket on
     * standard input and serves on it ({@code --addr inherit}); its output goes to the journal, not to the socket
     * (where {@code StandardInput=socket} would send it by default).
     */
    @Test
    void serviceServesOnTheSocketUnitsListener() {
        Map<String, List<String>> unit = section("Unit");
        assertTrue(words(unit, "Requires").contains("launcher.socket"), "Requires=launcher.socket");
        assertTrue(words(unit, "After").contains("launcher.socket"), "After=launcher.socket");
        Map<String, List<String>> service = section("Service");
        assertEquals("socket", last(service, "StandardInput"));
        assertEquals("journal", last(service, "StandardOutput"));
        assertEquals("journal", last(service, "StandardError"));
        Map<String, String> flags = DeployFiles.flags(execStart(service));
        String addr = flags.getOrDefault("--addr", environment(service).get("LAUNCHER_ADDR"));
        assertEquals("inherit", addr);
    }

    /**
     * One listening stream socket, passed as such ({@code Accept=no}: a connection per process would be
     * {@code yes}) to launcher.service; on the launcher's default port, with a backlog at least the launcher's own.
     */
    @Test
    void socketUnitListensForTheService() {
        Map<String, List<String>> socket = section(socketText, "Socket");
        assertEquals(List.of("8080"), socket.get("ListenStream"), "one stream socket, the port of --addr :8080");
        for (String other : List.of("ListenDatagram", "ListenSequentialPacket", "ListenFIFO", "ListenNetlink")) {
            assertFalse(socket.containsKey(other), other);
        }
        assertEquals("no", socket.containsKey("Accept") ? last(socket, "Accept") : "no");
        assertEquals("launcher.service", socket.containsKey("Service") ? last(socket, "Service")
                : "launcher.service", "the service it activates");
        assertTrue(Integer.parseInt(last(socket, "Backlog")) >= dev.launcher.http.HttpService.DEFAULT_BACKLOG);
        assertTrue(words(section(socketText, "Install"), "WantedBy").contains("sockets.target"));
    }

    /** The install steps at the top of both files install and enable both units. */
    @Test
    void installStepsCoverBothUnits() {
        for (String file : List.of(text, socketText)) {
            String header = file.substring(0, file.indexOf("\n["));
            assertTrue(header.contains("install -m 0644 deploy/launcher.socket deploy/launcher.service "
                    + "/etc/systemd/system/"), header);
            assertTrue(header.contains("systemctl enable --now launcher.socket launcher.service"), header);
        }
        assertTrue(text.contains("sed " + String.join(" ", WITHOUT_SOCKET.stream()
                .map(arg -> arg.startsWith("-") ? arg : "'" + arg + "'").toList()) + " deploy/launcher.service"),
                "the unit documents the command this test applies");
    }

    /** {@code systemd-analyze verify} finds nothing to say about either unit, the java and jar real ones. */
    @Test
    void systemdAnalyzeVerifyAcceptsIt(@TempDir Path dir) throws Exception {
        Path unit = realUnit(dir, text);
        Path socket = dir.resolve("launcher.socket");
        Files.writeString(socket, socketText, StandardCharsets.UTF_8);
        Result verify = run(List.of(systemdAnalyze(), "verify", "--man=no", socket.toString(), unit.toString()));
        List<String> about = verify.lines.stream()
                .filter(line -> line.contains("launcher.service") || line.contains("launcher.socket")).toList();
        assertEquals(0, verify.exit, String.join("\n", verify.lines));
        assertEquals(List.of(), about, "systemd-analyze verify warnings");
    }

    /**
     * Without socket activation, as the unit's header documents: the unit with its socket lines dropped needs no
     * socket unit, binds :8080 itself, and {@code systemd-analyze verify} accepts it alone.
     */
    @Test
    void withoutSocketActivationTheDocumentedUnitBindsItself(@TempDir Path dir) throws Exception {
        List<String> sed = new ArrayList<>(List.of("sed"));
        sed.addAll(WITHOUT_SOCKET);
        sed.add(DeployFiles.deploy("launcher.service").toString());
        Result result = run(sed);
        assertEquals(0, result.exit, String.join("\n", result.lines));
        String plain = String.join("\n", result.lines) + "\n";
        Map<String, List<String>> unit = section(plain, "Unit");
        assertFalse(words(unit, "Requires").contains("launcher.socket"));
        assertFalse(words(unit, "After").contains("launcher.socket"));
        Map<String, List<String>> service = section(plain, "Service");
        assertFalse(service.containsKey("StandardInput"), "standard input: systemd's default, /dev/null");
        assertEquals(":8080", DeployFiles.flags(execStart(service)).get("--addr"));
        assertEquals(text.lines().count() - 3, plain.lines().count(), "exactly the three socket lines dropped");
        Path alone = Files.createDirectory(dir.resolve("alone"));
        Path unitFile = realUnit(alone, plain);
        Result verify = run(List.of(systemdAnalyze(), "verify", "--man=no", unitFile.toString()));
        assertEquals(0, verify.exit, String.join("\n", verify.lines));
        assertEquals(List.of(), verify.lines.stream().filter(line -> line.contains("launcher.")).toList());
    }

    /** systemd's own exposure score, offline: at most 2.0 ("OK"; 10 is "UNSAFE"). */
    @Test
    void systemdAnalyzeSecurityRatesItOk(@TempDir Path dir) throws Exception {
        Path unit = realUnit(dir, text);
        Result security = run(List.of(systemdAnalyze(), "security", "--offline=yes", "--threshold=20",
                unit.toString()));
        String score = security.lines.stream().filter(line -> line.contains("Overall exposure level"))
                .findFirst().orElse("(no score) " + security.lines);
        System.out.println("systemd-analyze security: " + score.replaceAll("^.*Overall", "Overall"));
        assertEquals(0, security.exit, score);
    }

    /** A unit text with its java and jar replaced by this JDK's java and the built (or expected) jar. */
    private static Path realUnit(Path dir, String text) throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Paths.get(System.getProperty("launcher.jar", "target/launcher.jar")).toAbsolutePath().toString();
        assertTrue(text.contains(UNIT_JAVA) && text.contains(UNIT_JAR));
        Path unit = dir.resolve("launcher.service");
        Files.writeString(unit, text.replace(UNIT_JAVA, java).replace(UNIT_JAR, jar), StandardCharsets.UTF_8);
        return unit;
    }

    private static String systemdAnalyze() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, "systemd-analyze");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        assumeTrue(false, "systemd-analyze is not installed (Debian: apt-get install systemd)");
        return null;
    }

    private record Result(int exit, List<String> lines) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).lines().toList());
    }

    /** The keys of one [Section] of the service, each with its values in order (a key may repeat). */
    private Map<String, List<String>> section(String name) {
        return section(text, name);
    }

    /** The keys of one [Section] of a unit text, each with its values in order (a key may repeat). */
    private static Map<String, List<String>> section(String text, String name) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String current = null;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                current = line.substring(1, line.length() - 1);
                continue;
            }
            int equals = line.indexOf('=');
            if (name.equals(current) && equals > 0) {
                keys.computeIfAbsent(line.substring(0, equals).strip(), k -> new ArrayList<>())
                        .add(line.substring(equals + 1).strip());
            }
        }
        assertFalse(keys.isEmpty(), "no [" + name + "] section");
        return keys;
    }

    private static String last(Map<String, List<String>> section, String key) {
        List<String> values = section.get(key);
        assertNotNull(values, key + " is set");
        return values.get(values.size() - 1);
    }

    /** Space-separated values of a key that accumulates (an empty assignment resets it). */
    private static List<String> words(Map<String, List<String>> section, String key) {
        List<String> words = new ArrayList<>();
        for (String value : section.getOrDefault(key, List.of())) {
            if (value.isEmpty()) {
                words.clear();
            }
            words.addAll(Arrays.stream(value.split("\\s+")).filter(w -> !w.isEmpty()).toList());
        }
        return words;
    }

    /** Environment= assignments (KEY=value; no quoting used in the unit). */
    static Map<String, String> environment(Map<String, List<String>> service) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String value : service.getOrDefault("Environment", List.of())) {
            for (String assignment : value.split("\\s+")) {
                int equals = assignment.indexOf('=');
                assertTrue(equals > 0, "KEY=value: " + assignment);
                env.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        return env;
    }

    /** ExecStart split into words (the unit uses no quoting). */
    static List<String> execStart(Map<String, List<String>> service) {
        return List.of(last(service, "ExecStart").split("\\s+"));
    }

    /** The unit's [Service] section, for the process tests. */
    static Map<String, List<String>> service() {
        return new SystemdUnitTest().section("Service");
    }
}
