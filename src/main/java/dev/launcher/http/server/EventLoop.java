package dev.launcher.http.server;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One selector and the connections registered with it, served by one thread at a time — the loop's owner — that
 * waits for readable connections and serves each inline: no thread hand-off per request, and only as many
 * runnable server threads as there are loops.
 *
 * <p>Handlers may block. Each exchange runs in a blocking section of the owner's {@link Tenure}; when a section
 * lasts longer than {@link LoopWatchdog}'s threshold, the watchdog ends that tenure and starts a new owner on
 * another thread, which goes on with the loop's other connections (Go's hand-off of a P when its M blocks). The
 * old owner finishes its exchange and serves what that connection has buffered with the loop's {@link #away()}
 * scheduling, whose first wait gives the connection back; then it leaves.
 *
 * <p>Thread-safety: {@link #arrive}, {@link #away()}'s waits, {@link #forget}, {@link #sweepSoon}, {@link #size},
 * {@link #resumeAccepting}, {@link #stopWatchingListener}, {@link #awaitListenerReleased}, {@link #close} and
 * {@link #awaitClosed} may be called on any thread, {@link #handOffIfBlocked} by the watchdog; everything else runs
 * on the owner.
 */
final class EventLoop {

    /** How often the loop checks idle timeouts and head deadlines. */
    private static final long SWEEP_NANOS = 500_000_000L;

    private final Selector selector;
    private final Executor threads;
    private final Queue<Connection> arrivals = new ConcurrentLinkedQueue<>();
    private final Set<Connection> members = ConcurrentHashMap.newKeySet();
    /** Connections the last select found ready, not yet served; the owner's only. */
    private final ArrayDeque<Connection> ready = new ArrayDeque<>();
    private volatile Tenure tenure;
    private volatile boolean closed;
    private volatile boolean sweepRequested;
    private LauncherHttpServer server;
    private SelectionKey acceptKey;
    private boolean acceptReady;
    private volatile boolean resumeAccept;
    /** Set by {@link #stopWatchingListener}: the owner's next select lets go of the listening socket. */
    private volatile boolean releasingListener;
    /** Counted down once this loop's selector holds the listening socket no more. */
    private final CountDownLatch listenerReleased = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private long nextSweep;

    /**
     * The time one thread owns the loop. It moves {@code LOOPING → BLOCKING → LOOPING …} as the owner enters and
     * leaves blocking sections; when the watchdog gives the loop to another thread while the owner is inside one it
     * moves {@code BLOCKING → HANDING} while the new thread starts, then {@code HANDED_OFF} (final) — or back to
     * {@code BLOCKING} if no thread could be started. An owner learns it was handed off when it leaves the section.
     */
    static final class Tenure extends Scheduling {

        /** A tenure's states; {@link #moveTo} checks each move. */
        enum State { LOOPING, BLOCKING, HANDING, HANDED_OFF }

        private final AtomicReference<State> state = new AtomicReference<>(State.LOOPING);
        private final EventLoop loop;
        private final LoopWatchdog watchdog;
        private volatile long since;
        private volatile Connection serving;
        /** When a failed hand-off may be tried again ({@code nanoTime}); meaningful while {@link #retrying}. */
        private volatile long retryAt;
        private volatile boolean retrying;

        Tenure(EventLoop loop, LoopWatchdog watchdog) {
            this.loop = loop;
            this.watchdog = watchdog;
        }

        /** Lets the loop's selector watch the connection; the loop serves it again when bytes come. */
        @Override
        boolean awaitBytes(Connection connection) throws IOException {
            loop.watch(connection);
            return false;
        }

        /**
         * Moves from {@code from} to {@code to} if the state is {@code from}; false if it is not.
         *
         * @throws AssertionError if no tenure ever moves from {@code from} to {@code to}
         */
        boolean moveTo(State from, State to) {
            boolean possible;
            switch (from) {
                case LOOPING:
                    possible = to == State.BLOCKING;
                    break;
                case BLOCKING:
                    possible = to == State.LOOPING || to == State.HANDING;
                    break;
                case HANDING:
                    possible = to == State.BLOCKING || to == State.HANDED_OFF;
                    break;
                case HANDED_OFF:
                default:
                    possible = false;
                    break;
            }
            if (!possible) {
                throw new AssertionError("impossible tenure move " + from + " -> " + to);
            }
            return state.compareAndSet(from, to);
        }

        /** The owner enters a section that may block, serving {@code connection}; nothing once handed off. */
        @Override
        void enterBlocking(Connection connection) {
            if (state.get() == State.LOOPING) {
                serving = connection;
                since = System.nanoTime();
                retrying = false;
                moveTo(State.LOOPING, State.BLOCKING);
                watchdog.watch();
            }
        }

        /**
         * Ends a section; while the watchdog is starting a thread to take the loop over, waits for it to be started
         * (or not).
         *
         * @return this if the caller still owns the loop; else the loop's {@link EventLoop#away() away} scheduling
         */
        @Override
        Scheduling leaveBlocking() {
            return stillOwner() ? this : loop.away;
        }

        private boolean stillOwner() {
            int spins = 0;
            while (true) {
                State current = state.get();
                switch (current) {
                    case LOOPING:
                        return true;
                    case BLOCKING:
                        if (moveTo(State.BLOCKING, State.LOOPING)) {
                            return true;
                        }
                        break;
                    case HANDING:
                        if (++spins < 100) {
                            Thread.onSpinWait();
                        } else {
                            Thread.yield();
                        }
                        break;
                    case HANDED_OFF:
                    default:
                        return false;
                }
            }
        }

        boolean handedOff() {
            return state.get() == State.HANDED_OFF;
        }
    }

    /** How long the watchdog waits before it tries again to start a thread for a blocked loop. */
    private static final long HAND_OFF_RETRY_NANOS = 10_000_000L;

    private final ServerFailures failures;

    EventLoop(Executor threads, ServerFailures failures) throws IOException {
        this.selector = Selector.open();
        this.threads = threads;
        this.failures = failures;
    }

    /** Makes this loop accept connections from {@code listener} (non-blocking); before {@link #start()}. */
    void acceptFrom(ServerSocketChannel listener, LauncherHttpServer server) throws IOException {
        this.server = server;
        acceptKey = listener.register(selector, SelectionKey.OP_ACCEPT, server);
    }

    /**
     * Stops watching the listening socket for good (the stop); any thread. The owner lets go of it at its next
     * select, which does not block; {@link #awaitListenerReleased} tells when.
     */
    void stopWatchingListener() {
        SelectionKey key = acceptKey;
        if (key != null) {
            key.cancel();
        }
        releasingListener = true;
        selector.wakeup();
    }

    /**
     * Waits, at most {@code millis}, until this loop's selector holds the listening socket no more: closed after
     * that, the socket stops listening at once. A listening socket closed while a selector still holds it keeps
     * listening, unaccepted, until that selector's next select, and every connection the kernel completes meanwhile
     * is reset. Returns at once for a loop never started or ended; on interrupt, with the interrupt flag set.
     */
    void awaitListenerReleased(long millis) {
        if (tenure == null) {
            return;
        }
        try {
            listenerReleased.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@return the connections this loop serves} */
    int size() {
        return members.size();
    }

    /** Stops accepting (the connection limit); on the loop's thread. */
    void pauseAccepting() {
        try {
            acceptKey.interestOps(0);
        } catch (CancelledKeyException e) {
            // the listener is closed
        }
    }

    /** Accepts again, once a connection closed; any thread. */
    void resumeAccepting() {
        resumeAccept = true;
        selector.wakeup();
    }

    /** Starts the loop's first owner, watched by {@code watchdog}. */
    void start(LoopWatchdog watchdog) {
        Tenure first = new Tenure(this, watchdog);
        tenure = first;
        threads.execute(() -> run(first));
    }

    /** Adds a new connection to the loop. */
    void arrive(Connection connection) {
        members.add(connection);
        arrivals.offer(connection);
        selector.wakeup();
        if (closed) {
            connection.abort();
        }
    }

    /**
     * The scheduling of a thread that the loop left behind in a handler: it serves what has arrived whole, and at
     * its first wait for bytes gives the connection back to the loop ({@link #giveBack}).
     */
    private final Scheduling away = new Scheduling() {
        @Override
        boolean awaitBytes(Connection connection) {
            giveBack(connection);
            return false;
        }

        @Override
        public String toString() {
            return "away from its event loop";
        }
    };

    /** {@return the scheduling of a thread that the loop left behind in a handler} */
    Scheduling away() {
        return away;
    }

    /**
     * Takes back a connection that a thread which left the loop has served until it must wait; that thread's last
     * touch of the connection.
     */
    private void giveBack(Connection connection) {
        connection.place(Connection.Placement.AWAY, Connection.Placement.ON_LOOP);
        arrivals.offer(connection);
        selector.wakeup();
    }

    /** The connection closed: the loop no longer checks it. */
    void forget(Connection connection) {
        members.remove(connection);
    }

    /** Asks the loop to check its connections now (idle ones to close, closed ones to finish). */
    void sweepSoon() {
        sweepRequested = true;
        selector.wakeup();
    }

    /** Ends the loop: its connections are closed and its selector. Idempotent. */
    void close() {
        closed = true;
        selector.wakeup();
    }

    /**
     * Waits until the loop's owner has closed it and left the selector (so that no server thread is left in native
     * code, which would hold up the JVM's exit), at most {@code millis}.
     */
    void awaitClosed(long millis) throws InterruptedException {
        ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * If the owner has been in one blocking section for {@code thresholdNanos} or more, gives the loop to a new
     * owner on another thread (the watchdog's call).
     *
     * @return true if the owner is in a blocking section now (the watchdog then checks again soon)
     */
    boolean handOffIfBlocked(long now, long thresholdNanos) {
        Tenure current = tenure;
        if (current == null || current.state.get() != Tenure.State.BLOCKING) {
            // not started yet, or not in a section
            return false;
        }
        if (now - current.since < thresholdNanos || closed || (current.retrying && now - current.retryAt < 0)
                || !current.moveTo(Tenure.State.BLOCKING, Tenure.State.HANDING)) {
            return true;
        }
        Connection blocked = current.serving;
        blocked.place(Connection.Placement.ON_LOOP, Connection.Placement.AWAY);
        SelectionKey key = blocked.key();
        interest(key, 0);
        Tenure next = new Tenure(this, current.watchdog);
        tenure = next;
        try {
            threads.execute(() -> run(next));
        } catch (RuntimeException | Error e) {
            // no thread (out of threads, or the server's threads are ending): the owner keeps the loop, and its
            // other connections wait for its handler; tried again soon
            tenure = current;
            blocked.place(Connection.Placement.AWAY, Connection.Placement.ON_LOOP);
            interest(key, SelectionKey.OP_READ);
            current.retryAt = now + HAND_OFF_RETRY_NANOS;
            current.retrying = true;
            current.moveTo(Tenure.State.HANDING, Tenure.State.BLOCKING);
            if (!closed) {
                failures.record("cannot start a thread to take over an event loop blocked in a handler", e,
                        "the loop's other connections wait for that handler");
            }
            return true;
        }
        current.moveTo(Tenure.State.HANDING, Tenure.State.HANDED_OFF);
        return true;
    }

    private static void interest(SelectionKey key, int ops) {
        if (key != null) {
            try {
                key.interestOps(ops);
            } catch (CancelledKeyException e) {
                // closed meanwhile
            }
        }
    }

    private void run(Tenure mine) {
        try {
            while (!closed && !mine.handedOff()) {
                try {
                    turn(mine);
                } catch (Error e) {
                    // out of memory, most likely: what it cost is done; the loop goes on
                    failures.record("an error on an event loop", e, "the loop goes on");
                }
            }
            if (closed && !mine.handedOff()) {
                closeAll();
            }
        } catch (IOException | RuntimeException e) {
            // the selector failed: nothing more can be served on this loop
            if (!mine.handedOff()) {
                closeAll();
            }
        } finally {
            if (!mine.handedOff()) {
                // the selector is closed (or was never to select again): it holds nothing
                listenerReleased.countDown();
            }
            if (closed && !mine.handedOff()) {
                ended.countDown();
            }
            Wire.Waits.release();
        }
    }

    /** One turn of the loop: waits for what is ready, accepts, serves, sweeps. */
    private void turn(Tenure mine) throws IOException {
        if (ready.isEmpty()) {
            admitArrivals();
            if (ready.isEmpty()) {
                select();
            }
            if (acceptReady) {
                acceptReady = false;
                acceptWaiting();
            }
        }
        Connection connection;
        while (!mine.handedOff() && (connection = ready.poll()) != null) {
            serve(connection, mine);
        }
        if (!mine.handedOff()) {
            sweepIfDue(mine);
        }
    }

    /** Serves one ready connection; an error a handler threw ends that connection only, and is counted. */
    private void serve(Connection connection, Tenure mine) {
        try {
            connection.onReadable(mine);
        } catch (Error e) {
            failures.record("an error while serving a connection", e, "the connection was closed");
            connection.fail();
        }
    }

    /** The connection waits for bytes: the selector watches it from now on; on the owner's thread. */
    void watch(Connection connection) throws IOException {
        connection.register(selector);
    }

    /** Accepts what is waiting, a bounded batch, into {@link #ready}. */
    private void acceptWaiting() throws IOException {
        try {
            for (int i = 0; i < 64; i++) {
                Connection connection = server.acceptFor(this);
                if (connection != null) {
                    members.add(connection);
                    if (prepared(connection)) {
                        ready.add(connection);
                    }
                }
            }
        } catch (NoSuchElementException none) {
            // none waiting, the limit, or stopping
        }
    }

    /** {@return true if the connection got its buffers; if not (out of memory) it is closed, and counted} */
    private boolean prepared(Connection connection) {
        try {
            connection.prepare();
            return true;
        } catch (Error e) {
            failures.record("cannot take buffers for a new connection", e, "the connection was closed");
            connection.fail();
            return false;
        }
    }

    private void admitArrivals() throws IOException {
        if (resumeAccept && acceptKey != null) {
            resumeAccept = false;
            try {
                acceptKey.interestOps(SelectionKey.OP_ACCEPT);
            } catch (CancelledKeyException e) {
                // the listener is closed
            }
        }
        Connection connection;
        while ((connection = arrivals.poll()) != null) {
            SelectionKey key = connection.key();
            try {
                if (key != null) {
                    key.interestOps(SelectionKey.OP_READ);
                    ready.add(connection);
                } else if (prepared(connection)) {
                    ready.add(connection);
                }
            } catch (CancelledKeyException e) {
                connection.fail();
            }
        }
    }

    private void select() throws IOException {
        long now = System.nanoTime();
        if (nextSweep == 0) {
            nextSweep = now + SWEEP_NANOS;
        }
        long waitMillis = Math.max(1, (nextSweep - now) / 1_000_000L);
        // a select that begins after the listener's key was cancelled deregisters it
        boolean releasing = releasingListener && listenerReleased.getCount() != 0;
        if (releasing || sweepRequested || !arrivals.isEmpty()) {
            selector.selectNow();
        } else if (members.isEmpty()) {
            // nothing to time out: sleep until a connection or a request to close comes
            selector.select();
        } else {
            selector.select(waitMillis);
        }
        if (releasing) {
            listenerReleased.countDown();
        }
        Set<SelectionKey> selected = selector.selectedKeys();
        if (!selected.isEmpty()) {
            for (Iterator<SelectionKey> keys = selected.iterator(); keys.hasNext(); ) {
                SelectionKey key = keys.next();
                keys.remove();
                if (key == acceptKey) {
                    acceptReady = true;
                } else {
                    ready.add((Connection) key.attachment());
                }
            }
        }
    }

    private void sweepIfDue(Tenure mine) {
        long now = System.nanoTime();
        if (!sweepRequested && now - nextSweep < 0) {
            return;
        }
        sweepRequested = false;
        nextSweep = now + SWEEP_NANOS;
        for (Connection connection : members) {
            connection.sweep(now, mine);
            if (mine.handedOff()) {
                return;
            }
        }
    }

    private void closeAll() {
        long now = System.nanoTime();
        for (Connection connection : members) {
            // one that a thread which left the loop serves is finished by that thread
            connection.abort();
            connection.sweep(now, null);
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // gone either way
        }
    }
}
