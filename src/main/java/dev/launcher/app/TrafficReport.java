package dev.launcher.app;

import dev.launcher.http.ExchangeTracker;
import dev.launcher.worker.Worker;

/** The default worker job: logs the requests served since the last tick and those in flight. */
final class TrafficReport implements Worker.Job {

    private final ExchangeTracker exchanges;
    private final Log log;
    private long lastCompleted;

    TrafficReport(ExchangeTracker exchanges, Log log) {
        this.exchanges = exchanges;
        this.log = log;
    }

    @Override
    public void run(long tick) {
        long completed = exchanges.completed();
        log.event("log.worker.tick", tick, completed - lastCompleted, exchanges.inFlight());
        lastCompleted = completed;
    }
}
