package dev.launcher.app;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** The two line formats of the launcher's log; also usable as {@code java.util.logging} formatters. */
final class LogFormats {

    /** Every line's timestamp: ISO-8601 UTC to the millisecond, {@code 2026-11-22T03:31:57.138Z}. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LogFormats() {
    }

    /** {@return the instant as every log line shows it} */
    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** {@code 2026-11-22T03:31:57.138Z message}: the timestamp, a space, the message on one line. */
    static String text(LogRecord record) {
        return timestamp(record.getInstant()) + " " + oneLine(record.getMessage());
    }

    /**
     * One JSON object: {@code time}, {@code level}, {@code logger}, {@code message}, then the event's fields
     * (numbers as numbers, everything else as strings).
     */
    static String json(LogRecord record) {
        StringBuilder out = new StringBuilder(256).append('{');
        field(out, "time", timestamp(record.getInstant()));
        out.append(',');
        field(out, "level", record.getLevel().getName());
        out.append(',');
        field(out, "logger", record.getLoggerName());
        out.append(',');
        field(out, "message", record.getMessage());
        if (record instanceof Log.EventRecord) {
            for (Map.Entry<String, Object> entry : ((Log.EventRecord) record).fields().entrySet()) {
                out.append(',');
                field(out, entry.getKey(), entry.getValue());
            }
        }
        return out.append('}').toString();
    }

    /** A {@link Formatter} for the text format, e.g. for a {@code ConsoleHandler} in a logging configuration. */
    public static final class Text extends Formatter {
        @Override
        public String format(LogRecord record) {
            return text(record) + System.lineSeparator();
        }
    }

    /** A {@link Formatter} for the JSON format. */
    public static final class Json extends Formatter {
        @Override
        public String format(LogRecord record) {
            return json(record) + System.lineSeparator();
        }
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
    }

    private static void field(StringBuilder out, String name, Object value) {
        string(out, name);
        out.append(':');
        if (value instanceof Long || value instanceof Integer
                || value instanceof Double && Double.isFinite((Double) value)) {
            out.append(value);
        } else {
            string(out, String.valueOf(value));
        }
    }

    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
