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
 * deploy/launcher.service: its stop and restart settings against the launcher's exit codes and deadline, and
 * systemd's own checks ({@code systemd-analyze verify}, {@code security --offline}) where systemd-analyze exists.
 */
class SystemdUnitTest {

    /** The unit's runtime and jar, replaced by real ones for systemd-analyze (which checks the binary exists). */
    static final String UNIT_JAVA = "/opt/launcher/runtime/bin/java";
    static final String UNIT_JAR = "/opt/launcher/launcher.jar";

    private final String text = DeployFiles.read("launcher.service");

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

    /** {@code systemd-analyze verify} finds nothing to say, with the unit's java and jar pointed at real ones. */
    @Test
    void systemdAnalyzeVerifyAcceptsIt(@TempDir Path dir) throws Exception {
        Path unit = realUnit(dir);
        Result verify = run(List.of(systemdAnalyze(), "verify", "--man=no", unit.toString()));
        List<String> about = verify.lines.stream().filter(line -> line.contains("launcher.service")).toList();
        assertEquals(0, verify.exit, String.join("\n", verify.lines));
        assertEquals(List.of(), about, "systemd-analyze verify warnings");
    }

    /** systemd's own exposure score, offline: at most 2.0 ("OK"; 10 is "UNSAFE"). */
    @Test
    void systemdAnalyzeSecurityRatesItOk(@TempDir Path dir) throws Exception {
        Path unit = realUnit(dir);
        Result security = run(List.of(systemdAnalyze(), "security", "--offline=yes", "--threshold=20",
                unit.toString()));
        String score = security.lines.stream().filter(line -> line.contains("Overall exposure level"))
                .findFirst().orElse("(no score) " + security.lines);
        System.out.println("systemd-analyze security: " + score.replaceAll("^.*Overall", "Overall"));
        assertEquals(0, security.exit, score);
    }

    /** The unit with its java and jar replaced by this JDK's java and the built (or expected) jar. */
    private Path realUnit(Path dir) throws IOException {
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

    /** The keys of one [Section], each with its values in order (a key may repeat). */
    private Map<String, List<String>> section(String name) {
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
