package dev.launcher.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** {@link LogFormats}: the one timestamp format, and the two line formats. */
class LogFormatsTest {

    private static Log.EventRecord record(Instant at, String message, Map<String, Object> fields) {
        Log.EventRecord record = new Log.EventRecord(Level.INFO, message, fields);
        record.setInstant(at);
        record.setLoggerName(Log.LOGGER);
        return record;
    }

    /** Timestamps are ISO-8601 UTC to the millisecond, always three digits: nanoseconds are cut, zeros kept. */
    @Test
    void timestampsHaveMilliseconds() {
        assertEquals("2026-11-22T03:31:57.138Z", LogFormats.timestamp(Instant.parse("2026-11-22T03:31:57.138999999Z")));
        assertEquals("2026-11-22T03:31:57.000Z", LogFormats.timestamp(Instant.parse("2026-11-22T03:31:57Z")));
    }

    /** The text line: timestamp, space, message on one line. */
    @Test
    void textLine() {
        assertEquals("2026-11-22T03:32:11.115Z stopped in 4 ms: exit=0 cause=SIGTERM",
                LogFormats.text(record(Instant.parse("2026-11-22T03:32:11.115482Z"),
                        "stopped in 4 ms: exit=0 cause=SIGTERM", Map.of())));
    }

    /** The JSON line, as the README shows it. */
    @Test
    void jsonLine() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stop_ms", 4L);
        fields.put("exit", 0);
        fields.put("cause", "SIGTERM");
        assertEquals("{\"time\":\"2026-11-22T03:32:11.115Z\",\"level\":\"INFO\",\"logger\":\"dev.launcher\","
                        + "\"message\":\"stopped in 4 ms: exit=0 cause=SIGTERM\",\"stop_ms\":4,\"exit\":0,\"cause\":\"SIGTERM\"}",
                LogFormats.json(record(Instant.parse("2026-11-22T03:32:11.115482Z"),
                        "stopped in 4 ms: exit=0 cause=SIGTERM", fields)));
    }
}
