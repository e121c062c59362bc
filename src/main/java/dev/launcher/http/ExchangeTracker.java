package dev.launcher.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The exchanges of one {@link HttpService}: how many are in flight, how many completed, whether it is draining.
 *
 * <p>An exchange is in flight, as the server counts it, from the moment its request head has been read until its
 * response is complete; a connection still sending its request head is not in flight. Thread-safe.
 */
public final class ExchangeTracker {

    private volatile boolean draining;
    private final LongAdder completed = new LongAdder();
    /** Told of every completed exchange; set once, when the service is built. */
    private volatile List<ExchangeObserver> observers = List.of();
    /** The server's count of exchanges in flight (the one count there is); 0 before a server runs. */
    private volatile IntSupplier inFlight = () -> 0;

    /** A tracker that tells no one of completed exchanges until {@link #tell} says whom. */
    ExchangeTracker() {
    }

    /** Tells {@code observers}, in order, of every exchange completed from now on. */
    void tell(List<ExchangeObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    /** Wraps a handler so that its exchanges are tracked. */
    HttpHandler wrap(HttpHandler handler) {
        return exchange -> {
            TrackedExchange tracked = new TrackedExchange(exchange, this);
            try {
                handler.handle(tracked);
            } catch (IOException | RuntimeException e) {
                tracked.failed(e);
            } finally {
                tracked.finish();
            }
        };
    }

    /** Takes the count of exchanges in flight from {@code source} (the server's). */
    void countInFlight(IntSupplier source) {
        this.inFlight = source;
    }

    /** Marks the service as draining (the server itself then says {@code Connection: close}). Idempotent. */
    void startDraining() {
        draining = true;
    }

    /** {@return true once {@link #startDraining()} was called} */
    public boolean isDraining() {
        return draining;
    }

    /** {@return the exchanges in flight now, as the server counts them} */
    public int inFlight() {
        return inFlight.getAsInt();
    }

    /** {@return the exchanges completed since start} */
    public long completed() {
        return completed.sum();
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
    }
}
