package dev.launcher.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.MemberResult;
import dev.launcher.group.Outcome;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StopRehearsal}, in process: it runs a whole stop of its own group once the launcher's group is ready, and
 * leaves that group as it was; it does not run when the stop comes first.
 */
@Timeout(30)
class StopRehearsalTest {

    private static ServiceGroup oneMemberGroup() {
        return ServiceGroup.builder()
                .shutdownTimeout(Duration.ofSeconds(5))
                .add("server", context -> {
                    context.started();
                    context.awaitStop();
                })
                .build();
    }

    @Test
    void rehearsesAWholeStopOnceTheGroupIsReadyAndLeavesTheGroupRunning() throws Exception {
        ServiceGroup group = oneMemberGroup();
        CompletableFuture<Outcome> real = CompletableFuture.supplyAsync(group::run);

        Optional<Outcome> rehearsed = StopRehearsal.after(group, Log.Format.TEXT).get(20, TimeUnit.SECONDS);

        assertTrue(rehearsed.isPresent(), "the rehearsal did not run");
        Outcome outcome = rehearsed.get();
        assertEquals(StopCause.requested("SIGTERM"), outcome.cause());
        assertEquals(ExitCode.OK, ExitCode.of(outcome));
        assertEquals(List.of("stop-rehearsal-a", "stop-rehearsal-b"),
                outcome.membersWith(MemberResult.Status.STOPPED));
        assertTrue(group.isReady(), "the launcher's group is no longer ready: " + group.state());
        assertFalse(group.isStopTriggered(), "the rehearsal stopped the launcher's group");

        group.requestStop(StopCause.requested("test"));
        assertEquals(StopCause.requested("test"), real.get(20, TimeUnit.SECONDS).cause());
    }

    @Test
    void doesNotRunWhenTheStopComesBeforeTheGroupIsReady() throws Exception {
        ServiceGroup group = oneMemberGroup();
        group.requestStop(StopCause.requested("SIGTERM"));
        CompletableFuture<Optional<Outcome>> rehearsal = StopRehearsal.after(group, Log.Format.JSON);
        group.run();

        assertEquals(Optional.empty(), rehearsal.get(20, TimeUnit.SECONDS));
    }
}
