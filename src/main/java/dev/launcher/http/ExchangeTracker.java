package dev.launcher.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exchanges of one {@link HttpService}: how many are in flight, how many completed, whether it is draining.
 *
 * <p>An exchange is in flight from the moment its handler is called until its response has been delivered
 * (written and flushed) or the handler returns, whichever comes first; a connection still sending its request head
 * is not in flight. Thread-safe.
 */
public final class ExchangeTracker {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // counted without the lock (every request passes here); the lock only orders waits with their signals, which
    // are sent only while draining, the only time anyone waits
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong begun = new AtomicLong();
    private volatile boolean draining;
    private final LongAdder completed = new LongAdder();
    private final List<ExchangeObserver> observers;

    /** A tracker that tells {@code observers} of every completed exchange. */
    ExchangeTracker(List<ExchangeObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    /** Wraps a handler so that its exchanges are tracked. */
    HttpHandler wrap(HttpHandler handler) {
        return exchange -> {
            TrackedExchange tracked = new TrackedExchange(exchange, this);
            begin();
            try {
                handler.handle(tracked);
            } catch (IOException | RuntimeException e) {
                tracked.failed(e);
            } finally {
                tracked.finish();
            }
        };
    }

    /** Marks the service as draining (the server itself then says {@code Connection: close}). Idempotent. */
    void startDraining() {
        draining = true;
    }

    /** {@return true once {@link #startDraining()} was called} */
    public boolean isDraining() {
        return draining;
    }

    /** {@return the exchanges in flight now} */
    public int inFlight() {
        return inFlight.get();
    }

    /** {@return the exchanges completed since start} */
    public long completed() {
        return completed.sum();
    }

    /**
     * Waits until no exchange is in flight.
     *
     * @return how many exchanges had begun at that moment (compare with {@link #awaitNewExchange})
     * @throws InterruptedException if interrupted while waiting
     */
    long awaitIdle() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                // begin() counts in flight before begun: an unchanged begun around an idle moment means no
                // exchange began in between
                long before = begun.get();
                if (inFlight.get() == 0 && begun.get() == before) {
                    return before;
                }
                if (inFlight.get() > 0) {
                    // signalled while draining; the timeout covers a wait outside a drain
                    changed.awaitNanos(10_000_000);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until an exchange begins after the {@code seen}-th one, or the timeout passes.
     *
     * @return true if one began
     */
    boolean awaitNewExchange(long seen, long timeoutNanos) throws InterruptedException {
        return awaitUntil(() -> begun.get() > seen, timeoutNanos);
    }

    /** Waits until the condition (read under the lock) holds, or the timeout passes; returns the condition. */
    private boolean awaitUntil(BooleanSupplier condition, long timeoutNanos) throws InterruptedException {
        long start = System.nanoTime();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void begin() {
        inFlight.incrementAndGet();
        begun.incrementAndGet();
        if (draining) {
            signal();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Called once per exchange, when its response is delivered or its handler returned. */
    void end(HttpExchange exchange, int status, long bodyBytes, long nanos) {
        for (ExchangeObserver observer : observers) {
            try {
                observer.completed(exchange, status, bodyBytes, nanos);
            } catch (RuntimeException ignored) {
                // an observer must not break the exchange
            }
        }
        completed.increment();
        if (inFlight.decrementAndGet() == 0 && draining) {
            signal();
        }
    }
}
