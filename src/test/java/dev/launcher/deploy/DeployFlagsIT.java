package dev.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The options that deploy/ passes to the launcher are real: each is in the jar's {@code --help}, and the jar
 * started with the Kubernetes manifest's arguments, or with the systemd unit's JVM options and environment, runs
 * and stops as the deploy files expect.
 */
@Timeout(60)
class DeployFlagsIT {

    private static final String LOOPBACK = "127.0.0.1:0";
    private static final Duration EXIT = Duration.ofSeconds(20);

    /** Every flag and LAUNCHER_* variable used in deploy/ appears in {@code --help}. */
    @Test
    void helpListsEveryOptionDeployUses() throws Exception {
        String help;
        try (LauncherProcess launcher = LauncherProcess.start("--help")) {
            assertEquals(0, launcher.awaitExit(EXIT));
            help = launcher.out.text();
        }
        Set<String> used = new LinkedHashSet<>();
        used.addAll(DeployFiles.flags(kubernetesArgs()).keySet());
        used.addAll(DeployFiles.flags(DeployFiles.jsonStrings(dockerfile("CMD"))).keySet());
        Map<String, List<String>> service = SystemdUnitTest.service();
        used.addAll(DeployFiles.flags(afterJar(SystemdUnitTest.execStart(service))).keySet());
        used.addAll(SystemdUnitTest.environment(service).keySet());
        assertTrue(used.containsAll(List.of("--addr", "--drain-delay", "--shutdown-timeout")), used.toString());
        for (String option : used) {
            assertTrue(Pattern.compile("(^|\\s)" + Pattern.quote(option) + "(\\s|$)", Pattern.MULTILINE)
                    .matcher(help).find(), option + " is not in --help:\n" + help);
        }
    }

    /**
     * With the manifest's arguments (on a loopback port): after SIGTERM, /readyz is 503 while / still answers
     * through the drain delay; the stop then takes at least the drain delay, ends within the shutdown timeout,
     * and the exit is 0 — what terminationGracePeriodSeconds was sized for.
     */
    @Test
    void kubernetesArgumentsDrainThenStopCleanly() throws Exception {
        List<String> args = withLoopback(kubernetesArgs());
        Map<String, String> flags = DeployFiles.flags(args);
        Duration drain = DeployFiles.goDuration(flags.get("--drain-delay"));
        Duration timeout = DeployFiles.goDuration(flags.get("--shutdown-timeout"));
        try (LauncherProcess launcher = LauncherProcess.start(args.toArray(String[]::new))) {
            int port = launcher.awaitPort();
            launcher.err.await("ready: ", LauncherProcess.START);
            assertEquals(200, RawHttp.get(port, "/readyz").status);
            launcher.signal("TERM");
            launcher.err.await("stop triggered: cause=SIGTERM", EXIT);
            assertEquals(503, RawHttp.get(port, "/readyz").status, "not ready from the trigger on");
            assertEquals(200, RawHttp.get(port, "/").status, "still serving through the drain delay");
            assertEquals(200, RawHttp.get(port, "/healthz").status, "alive: liveness never fails a stopping pod");
            assertEquals(0, launcher.awaitExit(EXIT));
            String last = launcher.err.last();
            assertTrue(last.contains("exit=0 cause=SIGTERM"), last);
            Duration stop = Duration.between(time(launcher, "stop triggered: cause=SIGTERM"), time(last));
            assertTrue(stop.compareTo(drain.minusMillis(20)) >= 0, "stop " + stop + " shorter than the drain delay");
            assertTrue(stop.compareTo(timeout) < 0, "stop " + stop + " reached the shutdown timeout " + timeout);
        }
    }

    /** With the systemd unit's JVM options and environment (on a loopback port): starts, serves, SIGTERM exits 0. */
    @Test
    void systemdSettingsStartAndStopCleanly() throws Exception {
        Map<String, List<String>> service = SystemdUnitTest.service();
        List<String> exec = SystemdUnitTest.execStart(service);
        Map<String, String> env = new LinkedHashMap<>(SystemdUnitTest.environment(service));
        env.put("LAUNCHER_ADDR", LOOPBACK);
        List<String> command = new ArrayList<>();
        command.add(LauncherProcess.java());
        command.addAll(exec.subList(1, exec.indexOf("-jar")));
        command.add("-jar");
        command.add(LauncherProcess.jar().toString());
        List<String> args = afterJar(exec);
        command.addAll(DeployFiles.flags(args).containsKey("--addr") ? withLoopback(args) : args);
        try (LauncherProcess launcher = LauncherProcess.startCommand(env, command)) {
            int port = launcher.awaitPort();
            launcher.err.await("ready: ", LauncherProcess.START);
            assertEquals(200, RawHttp.get(port, "/healthz").status);
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(EXIT));
            assertTrue(launcher.err.last().contains("exit=0 cause=SIGTERM"), launcher.err.last());
        }
    }

    static List<String> kubernetesArgs() {
        Object args = Yaml.at(DeployFiles.kubernetes("Deployment"),
                "spec", "template", "spec", "containers", 0, "args");
        return ((List<?>) args).stream().map(String::valueOf).toList();
    }

    /** The arguments of one Dockerfile instruction. */
    static String dockerfile(String keyword) {
        return DeployFiles.dockerfile().stream().filter(i -> i.keyword().equals(keyword))
                .reduce((first, second) -> second).orElseThrow().arguments();
    }

    /** The launcher's arguments: the words after {@code -jar JAR}. */
    private static List<String> afterJar(List<String> command) {
        int jar = command.indexOf("-jar");
        assertTrue(jar >= 0 && jar + 1 < command.size(), "java ... -jar JAR: " + command);
        return command.subList(jar + 2, command.size());
    }

    /** The arguments with --addr moved to a free loopback port (added if absent). */
    private static List<String> withLoopback(List<String> args) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--addr=")) {
                continue;
            }
            if (arg.equals("--addr")) {
                i++;
                continue;
            }
            result.add(arg);
        }
        result.add("--addr=" + LOOPBACK);
        assertFalse(result.contains("--addr=:8080"));
        return result;
    }

    private static Instant time(LauncherProcess launcher, String text) {
        return time(launcher.err.lines().stream().filter(line -> line.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + text + ":\n" + launcher.err.text())));
    }

    /** The ISO-8601 timestamp that starts every log line. */
    private static Instant time(String line) {
        return Instant.parse(line.substring(0, line.indexOf(' ')));
    }
}
