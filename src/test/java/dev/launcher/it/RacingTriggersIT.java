package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability scenario 1, through the real jar: SIGTERM, /shutdown, a member failure and a member's normal end
 * fired in random order with random small gaps. (The in-process loop of 300 schedules is ServiceGroupRaceTest.)
 * Every run: exactly one cause, every member ended, exit 1 if the failer failed (as the cause or while stopping)
 * and 0 otherwise, within deadline + 1 s.
 * The seed is printed on failure; replay with -Drace.seed=N.
 */
@Timeout(300)
class RacingTriggersIT {

    private static final int SCHEDULES = 20;
    private static final String[] MEMBERS = {"http", "worker", "failer", "ender"};

    @Test
    void racingTriggersThroughTheRealJar() throws Exception {
        long seed = Long.getLong("race.seed", System.nanoTime());
        Random random = new Random(seed);
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        long worstStop = 0;
        java.util.Map<String, Integer> causes = new java.util.TreeMap<>();
        try {
            for (int run = 0; run < SCHEDULES; run++) {
                String context = "seed=" + seed + " run=" + run;
                // the members count from their start; the signal and /shutdown from readiness (a few ms later)
                int failAfter = 170 + random.nextInt(80);
                int endAfter = 170 + random.nextInt(80);
                int termAfter = 130 + random.nextInt(80);
                int shutdownAfter = 120 + random.nextInt(80);
                try (LauncherProcess launcher = LauncherProcess.startClass(
                        Map.of("FAIL_AFTER_MS", Integer.toString(failAfter),
                               "END_AFTER_MS", Integer.toString(endAfter)),
                        FaultyLauncher.class.getName(), "--addr", "127.0.0.1:0", "--shutdown-timeout", "2s")) {
                    int port = launcher.awaitPort();
                    timer.schedule(() -> {
                        try {
                            launcher.signal("TERM");
                        } catch (IOException | InterruptedException ignored) {
                            // the process may be gone already
                        }
                    }, termAfter, TimeUnit.MILLISECONDS);
                    timer.schedule(() -> {
                        try {
                            RawHttp.get(port, "/shutdown");
                        } catch (IOException refused) {
                            // the server may have stopped already
                        }
                    }, shutdownAfter, TimeUnit.MILLISECONDS);
                    int code = launcher.awaitExit(Duration.ofSeconds(20));
                    String text = launcher.err.text();
                    long triggers = launcher.err.lines().stream().filter(l -> l.contains("stop triggered")).count();
                    assertEquals(1, triggers, context + "\n" + text);
                    for (String member : MEMBERS) {
                        assertTrue(text.contains("member " + member + "="), context + ": " + member + "\n" + text);
                    }
                    Matcher last = java.util.regex.Pattern.compile("stopped in (\\d+) ms: exit=(\\d+) cause=(.*)$")
                            .matcher(launcher.err.last());
                    assertTrue(last.find(), context + "\n" + text);
                    String cause = last.group(3);
                    // a failure is exit 1 whether it was the cause or came while stopping
                    int expected = text.contains("member failer=failed") ? 1 : 0;
                    assertTrue(cause.equals("SIGTERM") || cause.equals("/shutdown")
                            || cause.equals("member ender ended") || cause.startsWith("member failer failed"),
                            context + ": cause " + cause);
                    assertEquals(expected, code, context + "\n" + text);
                    assertTrue(Long.parseLong(last.group(1)) <= 3000, context + ": stop " + last.group(1) + " ms");
                    worstStop = Math.max(worstStop, Long.parseLong(last.group(1)));
                    causes.merge(cause.startsWith("member failer failed") ? "member failer failed" : cause, 1,
                            Integer::sum);
                }
            }
        } finally {
            timer.shutdownNow();
        }
        System.out.printf("racing triggers (real jar): %d schedules, seed %d, causes %s, worst stop %d ms"
                + " (deadline 2000 ms)%n", SCHEDULES, seed, causes, worstStop);
    }
}
