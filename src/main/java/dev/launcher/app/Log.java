package dev.launcher.app;

import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The launcher's events, as {@code java.util.logging} records of the logger {@code dev.launcher} (requests:
 * {@code dev.launcher.access}), one record per event.
 *
 * <p>By default they are written to stderr, one line each, in the chosen {@link Format}, by the launcher's own
 * handler (the logger does not pass them on to the root logger). When the JVM is given a logging configuration
 * ({@code -Djava.util.logging.config.file} or {@code .config.class}), the records go through the loggers instead,
 * to whatever handlers that configuration sets up.
 *
 * <p>Each message comes from {@code messages.properties}; its level from the optional {@code KEY.level} entry
 * (default INFO); its structured fields from the optional {@code KEY.fields} entry, which names the message's
 * arguments in order. The outcome line is the last: once {@link #last} has logged it, later events are dropped.
 */
final class Log {

    /** The line formats. */
    enum Format { TEXT, JSON }

    /** The launcher's logger. */
    static final String LOGGER = "dev.launcher";
    /** The access log's logger. */
    static final String ACCESS_LOGGER = "dev.launcher.access";

    /** The HTTP server's logger (its survived failures): written as the launcher's own lines too. */
    static final String SERVER_LOGGER = "dev.launcher.http.server";

    private final LineSink own;
    /** The server's logger, held (JUL holds loggers weakly) while this log writes its records; null if configured. */
    private final Logger server;
    private final Handler serverLines = new Handler() {
        @Override
        public void publish(LogRecord record) {
            foreign(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private boolean sealed;

    /**
     * Logs to {@code out} in {@code format}, or through the loggers if the JVM has a logging configuration. Without
     * one, the HTTP server's records ({@value #SERVER_LOGGER}) are written here too, in the same format, instead of
     * the JDK console handler's two-line form with its local timestamp; until the outcome line.
     */
    Log(PrintStream out, Format format) {
        this(configured() ? null : new LineSink(out, format), configured() ? null : Logger.getLogger(SERVER_LOGGER));
    }

    private Log(LineSink own, Logger server) {
        this.own = own;
        this.server = server;
        if (server != null) {
            server.setUseParentHandlers(false);
            server.addHandler(serverLines);
        }
    }

    private static boolean configured() {
        return System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null;
    }

    /**
     * {@return a log that formats its lines as {@code format} and writes them nowhere} It takes in no other
     * logger's records and goes through no logger, whatever the JVM's logging configuration.
     */
    static Log nowhere(Format format) {
        return new Log(new LineSink(new PrintStream(java.io.OutputStream.nullOutputStream()), format), null);
    }

    /** Logs the message {@code key} with its arguments; false if the log is already sealed. */
    boolean event(String key, Object... args) {
        return eventThen(() -> { }, key, args);
    }

    /** Logs the message {@code key} with extra structured fields beside those named by {@code KEY.fields}. */
    synchronized boolean eventWith(Map<String, Object> extra, String key, Object... args) {
        if (sealed) {
            return false;
        }
        publish(LOGGER, record(key, extra, args));
        return true;
    }

    /**
     * Logs the message {@code key}, then runs {@code action} before any other event can be logged — unless the log
     * is sealed, in which case neither happens.
     *
     * @return whether the event was logged and the action run
     */
    synchronized boolean eventThen(Runnable action, String key, Object... args) {
        if (sealed) {
            return false;
        }
        publish(LOGGER, record(key, Map.of(), args));
        action.run();
        return true;
    }

    /** Logs the message {@code key} as the last event; later events are dropped. */
    synchronized void last(String key, Object... args) {
        if (!sealed) {
            publish(LOGGER, record(key, Map.of(), args));
            sealed = true;
            if (server != null) {
                server.removeHandler(serverLines);
                server.setUseParentHandlers(server.getHandlers().length == 0);
            }
        }
    }

    /** A record of another logger (the server's): one of this log's lines, unless the log is sealed. */
    private synchronized void foreign(LogRecord record) {
        if (!sealed) {
            own.publish(record);
        }
    }

    /** Logs one request to the access log (not sealed: it never comes after the outcome in practice). */
    void access(Object... args) {
        publish(ACCESS_LOGGER, record("log.access", Map.of(), args));
    }

    private void publish(String logger, EventRecord record) {
        record.setLoggerName(logger);
        if (own != null) {
            // straight to our handler, no LogManager: faster to start, and JUL's shutdown hook resets loggers
            own.publish(record);
        } else {
            Logger.getLogger(logger).log(record);
        }
    }

    private static EventRecord record(String key, Map<String, Object> extra, Object... args) {
        String levelName = Messages.optional(key + ".level");
        Level level = levelName == null ? Level.INFO : Level.parse(levelName);
        Map<String, Object> fields = new LinkedHashMap<>();
        String fieldNames = Messages.optional(key + ".fields");
        if (fieldNames != null) {
            String[] names = fieldNames.split(",");
            for (int i = 0; i < names.length && i < args.length; i++) {
                fields.put(names[i].trim(), args[i] instanceof Number ? args[i] : String.valueOf(args[i]));
            }
        }
        fields.putAll(extra);
        return new EventRecord(level, Messages.get(key, args), fields);
    }

    /** A record with structured fields. */
    static final class EventRecord extends LogRecord {
        private static final long serialVersionUID = 1L;
        private final transient Map<String, Object> fields;

        EventRecord(Level level, String message, Map<String, Object> fields) {
            super(level, message);
            this.fields = Collections.unmodifiableMap(fields);
        }

        /** The event's fields, in order. */
        Map<String, Object> fields() {
            return fields;
        }
    }

    /**
     * Writes each record as one line and flushes. Not a JUL {@code Handler}: creating one initializes the
     * LogManager, which costs start-up time the launcher's own output does not need.
     */
    private static final class LineSink {
        private final PrintStream out;
        private final Format format;

        LineSink(PrintStream out, Format format) {
            this.out = out;
            this.format = format;
        }

        synchronized void publish(LogRecord record) {
            out.println(format == Format.JSON ? LogFormats.json(record) : LogFormats.text(record));
            out.flush();
        }
    }
}
