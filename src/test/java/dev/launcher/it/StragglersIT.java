package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reliability scenario 2: members that do not stop well; the process still exits on time and names them. */
@Timeout(60)
class StragglersIT {

    private static final String MAIN = FaultyLauncher.class.getName();
    private static final Duration EXIT = Duration.ofSeconds(15);
    /** Shutdown timeout 1 s + interrupt grace 0.5 s + JVM exit: the bound every stop here must meet. */
    private static final long BOUND_MS = 1000 + 500 + 1000;

    private static LauncherProcess start(String faults) throws Exception {
        return LauncherProcess.startClass(Map.of("FAULTS", faults), MAIN, "--addr", "127.0.0.1:0",
                "--shutdown-timeout", "1s");
    }

    /** Stops with SIGTERM and returns the exit code, asserting the stop took between 1 s and the bound. */
    private static int stopAndTime(LauncherProcess launcher, boolean expectDeadline) throws Exception {
        long start = System.nanoTime();
        launcher.signal("TERM");
        int code = launcher.awaitExit(EXIT);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long logged = launcher.loggedStopMillis();
        assertTrue(millis >= logged && millis < BOUND_MS, "stop took " + millis + " ms, " + logged + " ms logged");
        if (expectDeadline) {
            assertTrue(millis >= 1000, "stop took " + millis + " ms, before the deadline");
        }
        return code;
    }

    /** A member that ignores the stop request is interrupted at the deadline: exit 3, named as forced. */
    @Test
    void memberIgnoringStopIsForced() throws Exception {
        try (LauncherProcess launcher = start("ignore-stop")) {
            launcher.err.await("ready:", LauncherProcess.START);
            assertEquals(3, stopAndTime(launcher, true));
            assertTrue(launcher.err.text().contains("deadline passed: interrupting stubborn"), launcher.err.text());
            assertTrue(launcher.err.text().contains("member stubborn=forced"), launcher.err.text());
            assertTrue(launcher.err.last().contains("exit=3 cause=SIGTERM"), launcher.err.last());
        }
    }

    /** A member that ignores interruption too is abandoned after the grace: exit 3 all the same. */
    @Test
    void memberIgnoringInterruptIsAbandoned() throws Exception {
        try (LauncherProcess launcher = start("ignore-interrupt")) {
            launcher.err.await("ready:", LauncherProcess.START);
            assertEquals(3, stopAndTime(launcher, true));
            assertTrue(launcher.err.text().contains("member deaf=abandoned"), launcher.err.text());
        }
    }

    /** A member that throws while stopping: exit 1, named as failed, the others stopped in time. */
    @Test
    void memberThrowingWhileStoppingFails() throws Exception {
        try (LauncherProcess launcher = start("throw-on-stop")) {
            launcher.err.await("ready:", LauncherProcess.START);
            assertEquals(1, stopAndTime(launcher, false));
            String text = launcher.err.text();
            assertTrue(text.contains("member thrower=failed in") && text.contains("refused to stop cleanly"), text);
            assertTrue(text.contains("member http=stopped") && text.contains("member worker=stopped"), text);
        }
    }

    /** A member blocked forever in start-up: never ready, and the stop still ends on time with exit 3. */
    @Test
    void memberBlockedInStartupIsAbandoned() throws Exception {
        try (LauncherProcess launcher = start("block-startup")) {
            int port = launcher.awaitPort();
            assertEquals(503, RawHttp.get(port, "/readyz").status);
            assertEquals(3, stopAndTime(launcher, true));
            assertTrue(launcher.err.text().contains("member stuck=abandoned"), launcher.err.text());
        }
    }

    /** All of them at once: exit 3 on time, each one named with what it did. */
    @Test
    void allStragglersTogether() throws Exception {
        try (LauncherProcess launcher = start("ignore-stop,ignore-interrupt,throw-on-stop,block-startup")) {
            launcher.awaitPort();
            assertEquals(3, stopAndTime(launcher, true));
            String text = launcher.err.text();
            for (String named : new String[]{"stubborn=forced", "deaf=abandoned", "stuck=abandoned",
                                             "thrower=failed", "http=stopped", "worker=stopped"}) {
                assertTrue(text.contains("member " + named), named + " missing in\n" + text);
            }
        }
    }
}
