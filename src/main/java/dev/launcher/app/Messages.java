package dev.launcher.app;

import dev.launcher.group.MemberResult;
import dev.launcher.group.StopCause;
import dev.launcher.http.ListenException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Properties;

/**
 * Every user-visible string, from {@code messages.properties} (UTF-8). A missing key throws
 * {@link MissingResourceException}. Read with {@link Properties} rather than a ResourceBundle: there is one
 * locale, and the bundle machinery costs start-up time.
 */
final class Messages {

    private static final String FILE = "messages.properties";
    private static final Properties TEXTS = load();

    private Messages() {
    }

    private static Properties load() {
        Properties texts = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + FILE);
            }
            texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }

    /** The raw text of an optional entry (such as a log event's {@code KEY.level}), or null if there is none. */
    static String optional(String key) {
        return TEXTS.getProperty(key);
    }

    /** The message {@code key} with its arguments filled in; numbers are printed plainly (no grouping). */
    static String get(String key, Object... args) {
        String pattern = TEXTS.getProperty(key);
        if (pattern == null) {
            throw new MissingResourceException("no message " + key, Messages.class.getName(), key);
        }
        if (args.length == 0 && pattern.indexOf('{') < 0) {
            return pattern;
        }
        Object[] plain = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            plain[i] = args[i] instanceof Number || args[i] == null ? String.valueOf(args[i]) : args[i];
        }
        return new MessageFormat(pattern, Locale.ROOT).format(plain);
    }

    /** A stop cause as the log shows it: {@code SIGTERM}, {@code member worker ended}, {@code member http failed: ...}. */
    static String cause(StopCause cause) {
        return switch (cause.kind()) {
            case REQUESTED -> get("cause.requested", cause.source());
            case MEMBER_ENDED -> get("cause.member.ended", cause.source());
            case MEMBER_FAILED -> get("cause.member.failed", cause.source(), error(cause.error().orElseThrow()));
        };
    }

    /** A member's end as the log shows it: {@code http=stopped in 1 ms}, with the error when there is one. */
    static String memberResult(MemberResult result) {
        String status = result.status().name().toLowerCase(Locale.ROOT);
        String error = result.error().map(Messages::error).orElse(null);
        if (result.stopTime().isPresent()) {
            long millis = result.stopTime().get().toMillis();
            return error == null ? get("member.result.time", result.name(), status, millis)
                    : get("member.result.time.error", result.name(), status, millis, error);
        }
        return error == null ? get("member.result", result.name(), status)
                : get("member.result.error", result.name(), status, error);
    }

    /** An error in one line: a listen failure in the launcher's words, else the message, else the class name. */
    static String error(Throwable error) {
        if (error instanceof ListenException listen) {
            return listen.unknownHost().map(host -> get("error.listen.unknown.host", listen.address(), host))
                    .orElseGet(() -> get("error.listen", listen.address(), listen.reason()));
        }
        return StopCause.describe(error);
    }
}
