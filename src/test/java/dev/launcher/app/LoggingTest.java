package dev.launcher.app;

import dev.launcher.testing.Json;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --log-format json and --access-log. */
@Timeout(60)
class LoggingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** JSON lines: every line parses, with time, level, logger and message; events carry their fields. */
    @Test
    void jsonLinesParseLineByLine() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of("LAUNCHER_LOG_FORMAT", "json"),
                "--addr", "127.0.0.1:0", "--access-log");
        int port = Integer.parseInt(launcher.err.await("\"address\":\"127\\.0\\.0\\.1:(\\d+)\"", WAIT).group(1));
        assertEquals(200, RawHttp.get(port, "/?q=1").status);
        assertEquals(404, RawHttp.get(port, "/nope").status);
        launcher.err.await("\"logger\":\"dev.launcher.access\".*\"status\":404", WAIT);
        launcher.signal("SIGTERM");
        assertEquals(0, launcher.awaitExit());
        List<String> lines = launcher.err.lines();
        for (String line : lines) {
            Map<String, Object> event = Json.object(line);
            Instant.parse((String) event.get("time"));
            assertTrue(List.of("INFO", "WARNING", "SEVERE").contains(event.get("level")), line);
            assertTrue(((String) event.get("logger")).startsWith("dev.launcher"), line);
            assertTrue(event.get("message") instanceof String, line);
        }
        Map<String, Object> outcome = Json.object(lines.get(lines.size() - 1));
        assertEquals("SIGTERM", outcome.get("cause"));
        assertEquals(0L, outcome.get("exit"));
        Map<String, Object> access = lines.stream().map(Json::object)
                .filter(e -> "dev.launcher.access".equals(e.get("logger")) && "/".equals(e.get("path")))
                .findFirst().orElseThrow();
        assertEquals("GET", access.get("method"));
        assertEquals(200L, access.get("status"));
        assertEquals("127.0.0.1", access.get("remote"));
        assertTrue(access.get("duration_ms") instanceof Number, access.toString());
        Map<String, Object> ended = lines.stream().map(Json::object)
                .filter(e -> "http".equals(e.get("member")) && e.containsKey("status")).findFirst().orElseThrow();
        assertEquals("stopped", ended.get("status"));
    }

    /** The text format's access log: one line per request, with method, path, status and size. */
    @Test
    void textAccessLog() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of("LAUNCHER_ACCESS_LOG", "true"),
                "--addr", "127.0.0.1:0");
        int port = launcher.awaitPort();
        assertEquals(200, RawHttp.get(port, "/healthz").status);
        launcher.err.await("access: 127\\.0\\.0\\.1 \"GET /healthz HTTP/1\\.1\" 200 3 [0-9.]+ ms", WAIT);
        launcher.signal("SIGTERM");
        assertEquals(0, launcher.awaitExit());
    }

    /** Without --access-log there is no access line; the flag wins over the variable. */
    @Test
    void accessLogOffByDefaultAndFlagWins() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of("LAUNCHER_ACCESS_LOG", "true"),
                "--addr", "127.0.0.1:0", "--access-log=false");
        int port = launcher.awaitPort();
        assertEquals(200, RawHttp.get(port, "/shutdown").status);
        assertEquals(0, launcher.awaitExit());
        assertTrue(launcher.err.lines().stream().noneMatch(l -> l.contains("access:")), launcher.err.text());
    }

    /**
     * The HTTP server's records (its survived failures, through {@code System.Logger}) are launcher lines: one line,
     * the one timestamp format; none after the outcome line.
     */
    @Test
    void serverRecordsAreLauncherLines() throws Exception {
        InProcessLauncher launcher = new InProcessLauncher().start(Map.of(), "--addr", "127.0.0.1:0");
        launcher.err.await("ready:", WAIT);
        System.Logger server = System.getLogger(Log.SERVER_LOGGER);
        server.log(System.Logger.Level.WARNING, "HTTP server: a test's failure; 1 such failure(s) since start");
        launcher.err.await("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z HTTP server: a test's failure; "
                + "1 such failure\\(s\\) since start$", WAIT);
        launcher.signal("SIGTERM");
        assertEquals(0, launcher.awaitExit());
        server.log(System.Logger.Level.WARNING, "HTTP server: after the outcome");
        assertFalse(launcher.err.text().contains("after the outcome"), launcher.err.text());
        assertTrue(launcher.err.last().contains("exit=0 cause=SIGTERM"), launcher.err.last());
    }
}
