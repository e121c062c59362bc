package dev.launcher.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.launcher.group.MemberResult;
import dev.launcher.group.StopCause;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@link Messages}: lookups, and how a stop cause and a member's end read in the log (the README's forms). */
class MessagesTest {

    /** The cause forms: the requester; member NAME ended; member NAME failed: message (or class name). */
    @Test
    void causes() {
        assertEquals("SIGTERM", Messages.cause(StopCause.requested("SIGTERM")));
        assertEquals("JVM shutdown", Messages.cause(StopCause.requested(ProcessStop.JVM_SHUTDOWN)));
        assertEquals("member worker ended", Messages.cause(StopCause.memberEnded("worker")));
        assertEquals("member worker failed: boom", Messages.cause(StopCause.memberFailed("worker", new IOException("boom"))));
        assertEquals("member w failed: java.lang.IllegalStateException",
                Messages.cause(StopCause.memberFailed("w", new IllegalStateException())));
    }

    /** A member's end: {@code http=stopped in 1 ms}, with the error in parentheses when there is one. */
    @Test
    void memberResults() {
        assertEquals("http=stopped in 1 ms", Messages.memberResult(new MemberResult("http", MemberResult.Status.STOPPED,
                Optional.empty(), Optional.of(Duration.ofMillis(1)))));
        assertEquals("w=failed in 7 ms (boom)", Messages.memberResult(new MemberResult("w", MemberResult.Status.FAILED,
                Optional.of(new IOException("boom")), Optional.of(Duration.ofMillis(7)))));
        assertEquals("w=failed (boom)", Messages.memberResult(new MemberResult("w", MemberResult.Status.FAILED,
                Optional.of(new IOException("boom")), Optional.empty())));
        assertEquals("stuck=abandoned", Messages.memberResult(new MemberResult("stuck", MemberResult.Status.ABANDONED,
                Optional.empty(), Optional.empty())));
    }

    /** Every duration in a log line reads {@code N ms}, the number and the unit apart ({@code ready: ... in 32 ms}). */
    @Test
    void durationsAreNumberSpaceMs() throws IOException {
        Properties texts = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream("messages.properties")) {
            texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        for (String key : texts.stringPropertyNames()) {
            if (key.equals("usage") || key.startsWith("error.")) {
                continue; // these show flag values, which are Go-style (250ms)
            }
            String text = texts.getProperty(key);
            assertFalse(text.matches("(?s).*(\\}|[0-9])ms\\b.*"), key + "=" + text);
        }
    }

    /** A missing key is an error, never a silent fallback. */
    @Test
    void missingKeyThrows() {
        assertThrows(MissingResourceException.class, () -> Messages.get("no.such.key"));
    }
}
