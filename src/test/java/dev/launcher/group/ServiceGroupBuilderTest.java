package dev.launcher.group;

import static dev.launcher.group.GroupTesting.SIGTERM;
import static dev.launcher.group.GroupTesting.start;
import static dev.launcher.group.GroupTesting.untilStopped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.group.GroupTesting.Running;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder: what it refuses, and that it builds independent groups. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ServiceGroupBuilderTest {

    /** A group needs at least one member. */
    @Test
    void builderRejectsNoMembers() {
        assertThrows(IllegalStateException.class, () -> ServiceGroup.builder().build());
    }

    /** Member names must be unique and not blank. */
    @Test
    void builderRejectsDuplicateAndBlankNames() {
        ServiceGroupBuilder builder = ServiceGroup.builder().add("a", untilStopped());
        assertThrows(IllegalArgumentException.class, () -> builder.add("a", untilStopped()));
        assertThrows(IllegalArgumentException.class, () -> builder.add(" ", untilStopped()));
        assertThrows(NullPointerException.class, () -> builder.add(null, untilStopped()));
        assertThrows(NullPointerException.class, () -> builder.add("b", null));
        assertEquals(List.of("a"), builder.build().memberNames());
    }

    /** The shutdown timeout must be above zero. */
    @ParameterizedTest(name = "{0} ms")
    @ValueSource(longs = {0, -1})
    void builderRejectsNonPositiveTimeout(long millis) {
        assertThrows(IllegalArgumentException.class,
                () -> ServiceGroup.builder().shutdownTimeout(Duration.ofMillis(millis)));
    }

    /** The drain delay must be shorter than the shutdown timeout; build() checks it. */
    @ParameterizedTest(name = "drain {0} ms, timeout 1000 ms")
    @ValueSource(longs = {1000, 1001})
    void builderRejectsDrainDelayNotShorterThanTimeout(long drainMillis) {
        ServiceGroupBuilder builder = ServiceGroup.builder().add("a", untilStopped())
                .shutdownTimeout(Duration.ofSeconds(1)).drainDelay(Duration.ofMillis(drainMillis));
        assertThrows(IllegalStateException.class, builder::build);
        builder.drainDelay(Duration.ofMillis(999));
        assertEquals(Duration.ofSeconds(1), builder.build().shutdownTimeout());
    }

    /** Negative drain delays and grace periods, and a null listener, are rejected. */
    @Test
    void builderRejectsNegativeDurationsAndNullListener() {
        ServiceGroupBuilder builder = ServiceGroup.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.drainDelay(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> builder.interruptGrace(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> builder.listener(null));
    }

    /** build() may be called twice; each group runs on its own, with the defaults and the members in order. */
    @Test
    void builderBuildsIndependentGroups() {
        ServiceGroupBuilder builder = ServiceGroup.builder().add("b", ctx -> { }).add("a", untilStopped());
        ServiceGroup first = builder.build();
        ServiceGroup second = builder.build();
        assertEquals(List.of("b", "a"), first.memberNames());
        assertEquals(ServiceGroup.DEFAULT_SHUTDOWN_TIMEOUT, first.shutdownTimeout());
        assertEquals("ServiceGroup[b, a] [NEW]", first.toString());
        assertEquals("member b ended", first.run().cause().toString());
        assertEquals(ServiceGroup.State.NEW, second.state());
        Outcome outcome = second.run();
        assertEquals(List.of("b", "a"), List.copyOf(outcome.members().keySet()));
        assertEquals(ServiceGroup.DEFAULT_SHUTDOWN_TIMEOUT, outcome.timeout());
    }


    /** The handle, before build(): not ready, not triggered, no cause, and a stop request is refused. */
    @Test
    void handleBeforeBuild() {
        ServiceGroupBuilder builder = ServiceGroup.builder().add("a", untilStopped());
        GroupHandle handle = builder.handle();
        assertSame(handle, builder.handle());
        assertFalse(handle.isReady());
        assertFalse(handle.isStopTriggered());
        assertEquals(Optional.empty(), handle.cause());
        assertThrows(IllegalStateException.class, () -> handle.requestStop(SIGTERM));
    }

    /** The handle, once built: it shows the group's readiness and trigger, and stops it; only one group is built. */
    @Test
    void handleFollowsTheBuiltGroup() throws Exception {
        ServiceGroupBuilder builder = ServiceGroup.builder().add("a", untilStopped());
        GroupHandle handle = builder.handle();
        ServiceGroup group = builder.build();
        assertThrows(IllegalStateException.class, builder::build, "a handed-out handle binds one group");
        Running running = start(group);
        running.awaitReady();
        assertTrue(handle.isReady());
        assertTrue(handle.requestStop(SIGTERM));
        assertFalse(handle.requestStop(StopCause.requested("again")));
        assertTrue(handle.isStopTriggered());
        assertFalse(handle.isReady());
        assertSame(SIGTERM, handle.cause().orElseThrow());
        assertSame(SIGTERM, running.outcome().cause());
    }
}
