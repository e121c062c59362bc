package dev.launcher.testing;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded mixed load on one HTTP port: client threads, each on its own keep-alive connection (a new one only
 * after a response saying {@code Connection: close} or a failure), alternating {@code GET /} and
 * {@code POST /orders} with a unique {@code X-Request-Id}. Every request ends as a success (a 2xx) or a failure,
 * recorded with what the client saw: another status, a reset, a close without an answer, a timeout. It runs until
 * {@link #stop} or its time bound, whichever is first.
 */
public final class MixedLoad {

    /** How long a client waits for a response before it counts a timeout. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final String idHeader;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final long deadline;
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final Set<String> postsAnswered = ConcurrentHashMap.newKeySet();
    private final Set<String> postsFailed = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();

    /**
     * One failure a client saw.
     *
     * @param line         the request, then what happened
     * @param post         true for a POST
     * @param sentMillis   when the request was sent (epoch milliseconds)
     * @param seenMillis   when the client saw the failure (epoch milliseconds)
     */
    public record Failure(String line, boolean post, long sentMillis, long seenMillis) {
        @Override
        public String toString() {
            return line + " (sent " + sentMillis + ", seen " + seenMillis + ")";
        }
    }

    private MixedLoad(int port, String idHeader, Duration bound) {
        this.port = port;
        this.idHeader = idHeader;
        this.deadline = System.nanoTime() + bound.toNanos();
    }

    /**
     * Starts {@code clients} threads against 127.0.0.1:{@code port}.
     *
     * @param idHeader the header that carries each POST's id
     * @param bound    the most the load runs if nobody stops it
     */
    public static MixedLoad start(int port, int clients, String idHeader, Duration bound) {
        MixedLoad load = new MixedLoad(port, idHeader, bound);
        for (int i = 0; i < clients; i++) {
            int client = i;
            Thread thread = new Thread(() -> load.client(client), "load-" + port + "-" + i);
            thread.setDaemon(true);
            load.threads.add(thread);
        }
        load.threads.forEach(Thread::start);
        return load;
    }

    /** Stops the clients (each finishes the request it is on) and waits for them; false if one did not end. */
    public boolean stop(Duration timeout) throws InterruptedException {
        stopped.set(true);
        long end = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** {@return GET requests completed so far, answered or not} */
    public long gets() {
        return gets.get();
    }

    /** {@return POST requests completed so far, answered or not} */
    public long posts() {
        return posts.get();
    }

    /** {@return connections the clients opened} */
    public long connections() {
        return connections.get();
    }

    /** {@return the longest a request took, in milliseconds} */
    public long slowestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
    }

    /** {@return the ids of the POSTs answered with a 2xx} */
    public Set<String> postsAnswered() {
        return Set.copyOf(postsAnswered);
    }

    /** {@return the ids of the POSTs whose client saw a failure} */
    public Set<String> postsFailed() {
        return Set.copyOf(postsFailed);
    }

    /** {@return every failure a client saw, with when its request was sent and when it failed} */
    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    private void client(int client) {
        RawHttp http = null;
        for (long n = 0; !stopped.get() && System.nanoTime() - deadline < 0; n++) {
            boolean post = (n + client) % 2 == 1;
            String id = "c" + client + "-" + n;
            String request = post
                    ? "POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\n" + idHeader + ": " + id
                      + "\r\nContent-Type: text/plain\r\nContent-Length: " + id.length() + "\r\n\r\n" + id
                    : "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + idHeader + ": " + id + "\r\n\r\n";
            String what = (post ? "POST " : "GET ") + id;
            long start = System.nanoTime();
            long sentMillis = System.currentTimeMillis();
            String failure = null;
            boolean reconnect = false;
            try {
                if (http == null) {
                    http = new RawHttp(port);
                    http.socket().setSoTimeout((int) RESPONSE_TIMEOUT.toMillis());
                    connections.incrementAndGet();
                }
                http.send(request);
                RawHttp.Response response = http.read(false);
                if (response.status < 200 || response.status > 299) {
                    failure = "status " + response.status + " " + response.body.strip();
                }
                reconnect = "close".equals(String.valueOf(response.header("Connection")).toLowerCase(Locale.ROOT));
            } catch (SocketTimeoutException e) {
                failure = "timeout after " + RESPONSE_TIMEOUT;
                reconnect = true;
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                reconnect = true;
            }
            slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            (post ? posts : gets).incrementAndGet();
            if (failure != null) {
                failures.add(new Failure(what + ": " + failure, post, sentMillis, System.currentTimeMillis()));
            }
            if (post) {
                (failure == null ? postsAnswered : postsFailed).add(id);
            }
            if (reconnect && http != null) {
                closeQuietly(http);
                http = null;
            }
        }
        if (http != null) {
            closeQuietly(http);
        }
    }

    private static void closeQuietly(RawHttp http) {
        try {
            http.close();
        } catch (IOException ignored) {
            // the connection is being dropped anyway
        }
    }
}
