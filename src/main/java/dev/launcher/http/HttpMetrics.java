package dev.launcher.http;

import com.sun.net.httpserver.HttpExchange;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Request counts by status class, a histogram of request durations, and the failures the server survived.
 * Lock-free; cheap enough for every request.
 */
public final class HttpMetrics implements ExchangeObserver {

    /** The histogram's upper bounds, in seconds (Prometheus' default buckets). */
    public static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** Metrics with every count at zero. */
    public HttpMetrics() {
    }

    private static final long[] BUCKET_NANOS = new long[BUCKETS.length];

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKET_NANOS[i] = (long) (BUCKETS[i] * 1e9);
        }
    }

    private final LongAdder[] byClass = newAdders(6);
    private final LongAdder[] buckets = newAdders(BUCKETS.length);
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();
    /** The server's count of failures it survived; 0 before a server runs. */
    private volatile LongSupplier survivedFailures = () -> 0;

    private static LongAdder[] newAdders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    @Override
    public void completed(HttpExchange exchange, int status, long bodyBytes, long nanos) {
        int statusClass = status >= 100 && status < 600 ? status / 100 : 0;
        byClass[statusClass].increment();
        count.increment();
        sumNanos.add(nanos);
        for (int i = 0; i < BUCKET_NANOS.length; i++) {
            if (nanos <= BUCKET_NANOS[i]) {
                buckets[i].increment();
                break;
            }
        }
    }

    /**
     * {@return the requests answered with a status of the given class}
     *
     * @param statusClass 1 to 5 for 1xx to 5xx; 0 for exchanges closed without a response
     */
    public long requests(int statusClass) {
        return byClass[statusClass].sum();
    }

    /** {@return requests observed in all} */
    public long count() {
        return count.sum();
    }

    /** {@return the sum of all request durations, in seconds} */
    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }

    /**
     * {@return the cumulative count of requests that took at most {@code BUCKETS[i]} seconds}
     *
     * @param i an index into {@link #BUCKETS}
     */
    public long cumulativeBucket(int i) {
        long total = 0;
        for (int k = 0; k <= i; k++) {
            total += buckets[k].sum();
        }
        return total;
    }

    /** Takes the count of survived failures from {@code source} (the server's). */
    void countSurvivedFailures(LongSupplier source) {
        this.survivedFailures = source;
    }

    /**
     * {@return the failures the server survived since it started} A thread it could not create or an
     * {@code Error} on one of its threads: each cost at most a connection, and the server kept serving (the
     * server's own count). 0 before the server runs.
     */
    public long survivedFailures() {
        return survivedFailures.getAsLong();
    }
}
