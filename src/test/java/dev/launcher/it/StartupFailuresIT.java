package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reliability scenario 6: start-up failures exit 1 with one clear line; bad flags exit 2 naming the problem. */
@Timeout(120)
class StartupFailuresIT {

    private static final Duration EXIT = Duration.ofSeconds(15);

    /** A privileged port for an unprivileged user: exit 1, the address named, the worker stopped. */
    @Test
    void privilegedPortExitsOne() throws Exception {
        List<String> command = new ArrayList<>();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/bin/setpriv")), "needs setpriv to drop root");
            command.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of(LauncherProcess.java(), "-jar", LauncherProcess.jar().toAbsolutePath().toString(),
                "--addr", "127.0.0.1:1"));
        try (LauncherProcess launcher = LauncherProcess.startCommand(Map.of(), command)) {
            assertEquals(1, launcher.awaitExit(EXIT), launcher.err.text());
            String last = launcher.err.last();
            assertTrue(last.contains("exit=1 cause=member http failed: cannot listen on 127.0.0.1:1: "), last);
            assertTrue(launcher.err.text().contains("member worker=stopped"), launcher.err.text());
        }
    }

    /** Bad flags of every kind: exit 2, one line on stderr naming the problem, nothing started. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bogus                               | unknown option --bogus",
        "--addr                                | option --addr needs a value",
        "--addr nonsense                       | --addr: invalid address",
        "--addr :70000                         | --addr: invalid port",
        "--shutdown-timeout -1s                | --shutdown-timeout must be above zero",
        "--shutdown-timeout 0                  | --shutdown-timeout must be above zero",
        "--shutdown-timeout 5                  | --shutdown-timeout: invalid duration",
        "--worker-interval xyz                 | --worker-interval: invalid duration",
        "--drain-delay -3s                     | --drain-delay must not be negative",
        "--drain-delay 6s --shutdown-timeout 5s | --drain-delay (6s) must be shorter than --shutdown-timeout (5s)",
    })
    void badFlagsExitTwo(String args, String message) throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(args.trim().split("\\s+"))) {
            assertEquals(2, launcher.awaitExit(EXIT));
            assertEquals(1, launcher.err.lines().size(), launcher.err.text());
            assertTrue(launcher.err.last().contains(message.trim()), launcher.err.last());
            assertFalse(launcher.err.text().contains("listening"));
        }
    }

    /** A bad environment value is a usage error naming the variable. */
    @Test
    void badEnvironmentExitsTwo() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(Map.of("LAUNCHER_WORKER_INTERVAL", "often"))) {
            assertEquals(2, launcher.awaitExit(EXIT));
            assertTrue(launcher.err.last().contains("LAUNCHER_WORKER_INTERVAL"), launcher.err.last());
        }
    }
}
