package dev.launcher.it;

import dev.launcher.testing.RawHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded client load on one 127.0.0.1 port that keeps running while the server behind it restarts: some threads
 * send request after request on keep-alive connections (opening a new one when the server closes theirs), others
 * open a new connection for every request. Each thread sends at most one request per pace interval, and the whole
 * load ends after a number of requests or a time, whichever comes first. Every attempt is counted by its
 * {@link Result}.
 */
final class RestartLoad {

    /** What one request attempt got. */
    enum Result {
        /** A 2xx response, or 503 from /readyz. */
        OK,
        /** Any other response, or one that is not HTTP. */
        NOT_2XX,
        /** The connection was refused: nothing listened. */
        REFUSED,
        /** The connection was reset or closed before a complete response. */
        RESET,
        /** No connection or no response within the client's timeouts (5 s to connect, 15 s to answer). */
        TIMEOUT
    }

    private final int port;
    private final int keepAliveThreads;
    private final int newConnectionThreads;
    private final long paceNanos;
    private final long maxRequests;
    private final long endNanos;
    private final AtomicLongArray counts = new AtomicLongArray(Result.values().length);
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final AtomicLong firstFailureNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastFailureNanos = new AtomicLong(Long.MIN_VALUE);
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;
    /** Notified after every attempt. */
    private final Object progress = new Object();

    /**
     * @param port the server's port on 127.0.0.1
     * @param keepAliveThreads threads on keep-alive connections
     * @param newConnectionThreads threads opening a connection per request
     * @param pace the least time between two requests of one thread
     * @param maxRequests the most requests in all
     * @param maxTime the longest the load runs
     */
    RestartLoad(int port, int keepAliveThreads, int newConnectionThreads, Duration pace, long maxRequests,
                Duration maxTime) {
        this.port = port;
        this.keepAliveThreads = keepAliveThreads;
        this.newConnectionThreads = newConnectionThreads;
        this.paceNanos = pace.toNanos();
        this.maxRequests = maxRequests;
        this.endNanos = System.nanoTime() + maxTime.toNanos();
    }

    /** Starts the threads. */
    void start() {
        for (int i = 0; i < keepAliveThreads + newConnectionThreads; i++) {
            boolean keepAlive = i < keepAliveThreads;
            // one thread of each kind also asks /readyz, which answers 503 from the stop trigger on
            String[] paths = i == 0 || i == keepAliveThreads ? new String[] {"/", "/readyz", "/healthz"}
                    : new String[] {"/", "/healthz"};
            Thread thread = new Thread(() -> client(keepAlive, paths), "restart-load-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Waits until {@code count} more attempts have been answered OK than now; false if the load ended first. */
    boolean awaitMoreOk(long count, Duration timeout) throws InterruptedException {
        long target = count(Result.OK) + count;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (count(Result.OK) < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!running() && threads.stream().noneMatch(Thread::isAlive))) {
                    return false;
                }
                progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return true;
    }

    /** Stops the threads and waits for them (each ends its request in flight, at most the client's timeouts). */
    void stop() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(25));
        }
    }

    long count(Result result) {
        return counts.get(result.ordinal());
    }

    long attempts() {
        return attempts.get();
    }

    /** {@return every count by result} */
    Map<Result, Long> counts() {
        Map<Result, Long> all = new EnumMap<>(Result.class);
        for (Result result : Result.values()) {
            all.put(result, count(result));
        }
        return all;
    }

    /** {@return the longest an attempt took, connection and response together} */
    Duration slowest() {
        return Duration.ofNanos(slowestNanos.get());
    }

    /** {@return the time from the first failed attempt's start to the last one's end; zero if none failed} */
    Duration failureSpan() {
        long first = firstFailureNanos.get();
        long last = lastFailureNanos.get();
        return first == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(last - first);
    }

    /** {@return the first few failures, described} */
    List<String> failures() {
        return failures.stream().limit(20).toList();
    }

    private boolean running() {
        return !stopped && System.nanoTime() < endNanos && attempts.get() < maxRequests;
    }

    private void client(boolean keepAlive, String[] paths) {
        RawHttp http = null;
        long next = System.nanoTime();
        try {
            for (int i = 0; running(); i++) {
                long now = System.nanoTime();
                if (now < next) {
                    LockSupport.parkNanos(next - now); // the load's pace, not a wait for the server
                }
                next = Math.max(next + paceNanos, System.nanoTime());
                String path = paths[i % paths.length];
                attempts.incrementAndGet();
                long start = System.nanoTime();
                Result result;
                String detail = null;
                boolean reused = http != null;
                try {
                    if (http == null) {
                        http = new RawHttp(port);
                    }
                    RawHttp.Response response = http.request("GET", path, keepAlive ? "" : "Connection: close\r\n");
                    boolean ok = response.status / 100 == 2 || (response.status == 503 && path.equals("/readyz"));
                    result = ok ? Result.OK : Result.NOT_2XX;
                    detail = ok ? null : response.status + " on " + path;
                    if (!keepAlive || "close".equalsIgnoreCase(response.header("Connection"))) {
                        http = close(http);
                    }
                } catch (ConnectException e) {
                    result = Result.REFUSED;
                    http = close(http);
                } catch (SocketTimeoutException e) {
                    result = Result.TIMEOUT;
                    detail = "timeout on " + path + ": " + e.getMessage();
                    http = close(http);
                } catch (IOException e) {
                    result = Result.RESET;
                    detail = (reused ? "reused" : "new") + " connection, " + path + ": " + e;
                    http = close(http);
                } catch (RuntimeException e) {
                    result = Result.NOT_2XX;
                    detail = "malformed response on " + path + ": " + e;
                    http = close(http);
                }
                long end = System.nanoTime();
                slowestNanos.accumulateAndGet(end - start, Math::max);
                counts.incrementAndGet(result.ordinal());
                synchronized (progress) {
                    progress.notifyAll();
                }
                if (result != Result.OK) {
                    firstFailureNanos.accumulateAndGet(start, Math::min);
                    lastFailureNanos.accumulateAndGet(end, Math::max);
                    if (detail != null) {
                        failures.add(detail);
                    }
                }
            }
        } finally {
            close(http);
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private static RawHttp close(RawHttp http) {
        if (http != null) {
            try {
                http.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
        return null;
    }
}
