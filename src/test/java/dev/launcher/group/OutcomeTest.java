package dev.launcher.group;

import static dev.launcher.group.MemberResult.Status.ABANDONED;
import static dev.launcher.group.MemberResult.Status.COMPLETED;
import static dev.launcher.group.MemberResult.Status.FAILED;
import static dev.launcher.group.MemberResult.Status.FORCED;
import static dev.launcher.group.MemberResult.Status.NOT_STARTED;
import static dev.launcher.group.MemberResult.Status.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Outcome}, {@link MemberResult} and {@link StopCause} as values, built directly. */
class OutcomeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static MemberResult result(String name, MemberResult.Status status) {
        return MemberResult.of(name, status, null, Duration.ofMillis(10));
    }

    private static Outcome outcome(StopCause cause, MemberResult... results) {
        return Outcome.of(cause, List.of(results), Duration.ofMillis(42), TIMEOUT);
    }

    // ---- StopCause ----

    /** StopCause's toString forms: the requester, "member w ended", "member w failed: message". */
    @Test
    void stopCauseToStringForms() {
        assertEquals("SIGTERM", StopCause.requested("SIGTERM").toString());
        assertEquals("/shutdown", StopCause.requested("/shutdown").toString());
        assertEquals("member w ended", StopCause.memberEnded("w").toString());
        assertEquals("member w failed: boom", StopCause.memberFailed("w", new IOException("boom")).toString());
    }

    /** A failure without a message, or with a blank one, is described by its class name. */
    @Test
    void stopCauseDescribesAnErrorWithoutMessageByClass() {
        assertEquals("member w failed: java.lang.IllegalStateException",
                StopCause.memberFailed("w", new IllegalStateException()).toString());
        assertEquals("member w failed: java.io.IOException",
                StopCause.memberFailed("w", new IOException("  ")).toString());
    }

    /** Each kind exposes its source and, only when failed, its error. */
    @Test
    void stopCauseAccessors() {
        Exception boom = new IOException("boom");
        StopCause failed = StopCause.memberFailed("w", boom);
        assertEquals(StopCause.Kind.MEMBER_FAILED, failed.kind());
        assertEquals("w", failed.source());
        assertSame(boom, failed.error().orElseThrow());
        assertTrue(failed.isFailure());
        StopCause ended = StopCause.memberEnded("w");
        assertEquals(StopCause.Kind.MEMBER_ENDED, ended.kind());
        assertTrue(ended.error().isEmpty());
        assertFalse(ended.isFailure());
        StopCause requested = StopCause.requested("SIGTERM");
        assertEquals(StopCause.Kind.REQUESTED, requested.kind());
        assertEquals("SIGTERM", requested.source());
        assertTrue(requested.error().isEmpty());
        assertFalse(requested.isFailure());
    }

    /** Null sources and errors are rejected. */
    @Test
    void stopCauseRejectsNulls() {
        assertThrows(NullPointerException.class, () -> StopCause.requested(null));
        assertThrows(NullPointerException.class, () -> StopCause.memberEnded(null));
        assertThrows(NullPointerException.class, () -> StopCause.memberFailed("w", null));
    }

    // ---- MemberResult ----

    /** Only FORCED and ABANDONED mean the deadline was missed. */
    @ParameterizedTest
    @EnumSource(MemberResult.Status.class)
    void statusMissedDeadline(MemberResult.Status status) {
        assertEquals(status == FORCED || status == ABANDONED, status.missedDeadline());
    }

    /** MemberResult's toString: name=status, the stop time when known, the error when there is one. */
    @Test
    void memberResultToStringForms() {
        assertEquals("a=stopped in 12 ms", MemberResult.of("a", STOPPED, null, Duration.ofMillis(12)).toString());
        assertEquals("b=failed in 7 ms (boom)",
                MemberResult.of("b", FAILED, new IOException("boom"), Duration.ofMillis(7)).toString());
        assertEquals("c=not_started", MemberResult.of("c", NOT_STARTED, null, null).toString());
        assertEquals("d=abandoned", MemberResult.of("d", ABANDONED, null, null).toString());
    }

    // ---- Outcome ----

    /** members() keeps the order in which the results were given; member() rejects unknown names. */
    @Test
    void membersKeepTheirOrder() {
        Outcome outcome = outcome(StopCause.requested("SIGTERM"),
                result("c", STOPPED), result("a", COMPLETED), result("b", STOPPED));
        assertEquals(List.of("c", "a", "b"), List.copyOf(outcome.members().keySet()));
        assertEquals(List.of("c", "b"), outcome.membersWith(STOPPED));
        assertEquals("a", outcome.member("a").name());
        assertThrows(IllegalArgumentException.class, () -> outcome.member("x"));
        assertThrows(UnsupportedOperationException.class, () -> outcome.members().clear());
        assertThrows(UnsupportedOperationException.class, () -> outcome.membersWith(STOPPED).clear());
    }

    /** hasFailure is true for a failed cause or a FAILED member, missedDeadline for a FORCED or ABANDONED one. */
    @ParameterizedTest(name = "{0} with {1}: failure {2}, missed {3}")
    @CsvSource({
        "requested, STOPPED, false, false",
        "requested, FAILED, true, false",
        "requested, FORCED, false, true",
        "requested, ABANDONED, false, true",
        "failed, STOPPED, true, false",
        "ended, COMPLETED, false, false",
    })
    void failureAndDeadlineFlags(String kind, MemberResult.Status other, boolean failure, boolean missed) {
        StopCause cause = kind.equals("requested") ? StopCause.requested("SIGTERM")
                : kind.equals("failed") ? StopCause.memberFailed("w", new IOException("boom"))
                : StopCause.memberEnded("w");
        Outcome outcome = outcome(cause, result("w", COMPLETED), result("x", other));
        assertEquals(failure, outcome.hasFailure());
        assertEquals(missed, outcome.missedDeadline());
    }

    /** failure() is the cause's error with the other member errors suppressed, each error once. */
    @Test
    void failureLeadsWithTheCauseError() {
        Exception boom = new IllegalStateException("boom");
        Exception cleanup = new IOException("cleanup");
        Exception interrupted = new InterruptedException("interrupted");
        Outcome outcome = outcome(StopCause.memberFailed("w", boom),
                MemberResult.of("x", FAILED, cleanup, Duration.ofMillis(1)),
                MemberResult.of("w", FAILED, boom, null),
                MemberResult.of("y", FORCED, interrupted, Duration.ofMillis(2)));
        Exception failure = outcome.failure().orElseThrow();
        assertEquals("group stopped: member w failed: boom", failure.getMessage());
        assertSame(boom, failure.getCause());
        assertEquals(List.of(cleanup, interrupted), List.of(failure.getSuppressed()));
        assertNotSame(failure, outcome.failure().orElseThrow());
    }

    /** Without a failed cause, failure() leads with the first member error, in member order. */
    @Test
    void failureLeadsWithTheFirstMemberErrorOtherwise() {
        Exception first = new IOException("first");
        Exception second = new IOException("second");
        Outcome outcome = outcome(StopCause.requested("SIGTERM"),
                result("a", STOPPED),
                MemberResult.of("b", FAILED, first, Duration.ofMillis(1)),
                MemberResult.of("c", FAILED, second, Duration.ofMillis(1)));
        Exception failure = outcome.failure().orElseThrow();
        assertEquals("group stopped: SIGTERM", failure.getMessage());
        assertSame(first, failure.getCause());
        assertEquals(List.of(second), List.of(failure.getSuppressed()));
    }

    /** failure() is empty when no member threw. */
    @Test
    void noFailureWithoutErrors() {
        Outcome outcome = outcome(StopCause.memberEnded("w"), result("w", COMPLETED), result("x", FORCED));
        assertTrue(outcome.failure().isEmpty());
    }

    /** Outcome's toString names the cause, the stop time and every member. */
    @Test
    void outcomeToString() {
        Outcome outcome = outcome(StopCause.requested("SIGTERM"), result("a", STOPPED),
                MemberResult.of("b", ABANDONED, null, null));
        assertEquals("cause=SIGTERM stopTime=42 ms members=[a=stopped in 10 ms, b=abandoned]", outcome.toString());
        assertEquals(TIMEOUT, outcome.timeout());
        assertEquals(Duration.ofMillis(42), outcome.stopTime());
    }
}
