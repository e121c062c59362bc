package dev.launcher.app;

import java.time.Duration;
import java.util.Optional;

/** The launcher's settings, validated. Immutable. */
final class Options {

    static final String DEFAULT_ADDR = ":8080";
    /** The {@code --addr} value that serves on the listening socket inherited on standard input. */
    static final String INHERIT_ADDR = "inherit";
    static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_DRAIN_DELAY = Duration.ZERO;
    static final Duration DEFAULT_WORKER_INTERVAL = Duration.ofSeconds(2);

    final String host;
    final int port;
    /** True: serve on the inherited listening socket ({@code --addr inherit}); host and port are unused. */
    final boolean inheritListener;
    final Duration shutdownTimeout;
    final Duration drainDelay;
    final Duration workerInterval;
    private final String shutdownToken;
    final Log.Format logFormat;
    final boolean accessLog;

    Options(String host, int port, boolean inheritListener, Duration shutdownTimeout, Duration drainDelay,
            Duration workerInterval, String shutdownToken, Log.Format logFormat, boolean accessLog) {
        this.logFormat = logFormat;
        this.accessLog = accessLog;
        this.host = host;
        this.port = port;
        this.inheritListener = inheritListener;
        this.shutdownTimeout = shutdownTimeout;
        this.drainDelay = drainDelay;
        this.workerInterval = workerInterval;
        this.shutdownToken = shutdownToken;
    }

    /** The token /shutdown requires; empty when only loopback clients may use it. */
    Optional<String> shutdownToken() {
        return Optional.ofNullable(shutdownToken);
    }
}
