package dev.launcher.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.launcher.group.MemberResult;
import dev.launcher.group.Outcome;
import dev.launcher.group.StopCause;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ExitCode}: every code and the outcome each stands for. */
class ExitCodeTest {

    private static final IOException BOOM = new IOException("boom");

    private static Outcome outcome(String cause, MemberResult.Status other) {
        StopCause stopCause = switch (cause) {
            case "requested" -> StopCause.requested("SIGTERM");
            case "ended" -> StopCause.memberEnded("a");
            case "failed" -> StopCause.memberFailed("a", BOOM);
            default -> throw new IllegalArgumentException(cause);
        };
        Map<String, MemberResult> members = new LinkedHashMap<>();
        members.put("a", new MemberResult("a", cause.equals("failed") ? MemberResult.Status.FAILED
                : cause.equals("ended") ? MemberResult.Status.COMPLETED : MemberResult.Status.STOPPED,
                cause.equals("failed") ? Optional.of(BOOM) : Optional.empty(), Optional.empty()));
        members.put("b", new MemberResult("b", other,
                other == MemberResult.Status.FAILED ? Optional.of(new IOException("cleanup")) : Optional.empty(),
                Optional.of(Duration.ofMillis(5))));
        return new Outcome(stopCause, members, Duration.ofMillis(5), Duration.ofSeconds(5));
    }

    /** A failing cause wins over a missed deadline; a missed deadline over a failure while stopping; else 0. */
    @ParameterizedTest(name = "cause {0}, other member {1}: exit {2}")
    @CsvSource({
        "requested, STOPPED,   0",
        "ended,     STOPPED,   0",
        "requested, FAILED,    1",
        "failed,    STOPPED,   1",
        "failed,    FORCED,    1",
        "failed,    ABANDONED, 1",
        "requested, FORCED,    3",
        "ended,     ABANDONED, 3",
        "requested, NOT_STARTED, 0",
    })
    void outcomeToExitCode(String cause, MemberResult.Status other, int code) {
        assertEquals(code, ExitCode.of(outcome(cause, other)).code());
    }

    /** A second stop signal exits with 128 + its number; no other signal has a code here. */
    @Test
    void secondSignal() {
        assertEquals(130, ExitCode.secondSignal("SIGINT").code());
        assertEquals(143, ExitCode.secondSignal("SIGTERM").code());
        assertThrows(IllegalArgumentException.class, () -> ExitCode.secondSignal("SIGHUP"));
    }

    /** The codes are the README's: 0, 1, 2, 3, 130, 143, each once. */
    @Test
    void theCodesAreTheDocumentedOnes() {
        assertEquals(List.of(0, 1, 2, 3, 130, 143), Arrays.stream(ExitCode.values()).map(ExitCode::code).toList());
    }
}
