package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reliability scenario 7 (the part not in LauncherProcessIT): System.exit from a member, through the hook. */
@Timeout(60)
class ProcessExitIT {

    /** A member calling System.exit: the hook still stops every other member, without deadlock, on time. */
    @Test
    void systemExitFromAMemberStopsTheOthers() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.startClass(Map.of("FAULTS", "exit-on-request"),
                FaultyLauncher.class.getName(), "--addr", "127.0.0.1:0", "--shutdown-timeout", "1s")) {
            int port = launcher.awaitPort();
            launcher.err.await("ready:", LauncherProcess.START);
            long start = System.nanoTime();
            RawHttp.get(port, "/exit");
            int code = launcher.awaitExit(Duration.ofSeconds(15));
            long millis = (System.nanoTime() - start) / 1_000_000;
            String text = launcher.err.text();
            assertTrue(text.contains("JVM shutting down"), text);
            assertTrue(text.contains("member http=stopped") && text.contains("member worker=stopped"), text);
            assertTrue(launcher.err.last().contains("cause=JVM shutdown"), launcher.err.last());
            long logged = launcher.loggedStopMillis();
            assertTrue(millis >= logged && millis < 1000 + 500 + 1500, "exit took " + millis + " ms, " + logged
                    + " ms logged");
            System.out.printf("System.exit from a member: exit %d after %d ms%n", code, millis);
        }
    }
}
