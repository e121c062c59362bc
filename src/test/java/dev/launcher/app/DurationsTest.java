package dev.launcher.app;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Go-style durations. */
class DurationsTest {

    /** Valid texts and their values in nanoseconds, and the Go-style form they print as. */
    @ParameterizedTest
    @CsvSource({
        "250ms,   250000000,        250ms",
        "5s,      5000000000,       5s",
        "1m,      60000000000,      1m0s",
        "1m30s,   90000000000,      1m30s",
        "1.5s,    1500000000,       1.5s",
        "1h2m3s,  3723000000000,    1h2m3s",
        "0,       0,                0s",
        "0s,      0,                0s",
        "10us,    10000,            10us",
        "7ns,     7,                7ns",
        "-2s,     -2000000000,      -2s",
    })
    void parsesAndFormats(String text, long nanos, String formatted) {
        Duration duration = Durations.parse(text);
        assertEquals(nanos, duration.toNanos());
        assertEquals(formatted, Durations.format(duration));
    }

    /** Texts that are not durations. */
    @ParameterizedTest
    @ValueSource(strings = {"", "5", "s", "1.2.3s", "5 s", "5sec", "abc", "1d", ".s", "-", "99999999999h"})
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    }
}
