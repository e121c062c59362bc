package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From the stop trigger on, every answer says {@code Connection: close} — seen from outside, on the real jar with a
 * real SIGTERM. The moment the stop "became visible" is the moment a client read {@code /readyz} 503 (a prober
 * polls it on a keep-alive connection; an answer closing that connection shows it as well); every request sent
 * after that moment, by this process's clock, must be answered with {@code Connection: close}. Two kinds of
 * clients send them: keep-alive connections opened and used before the trigger, idle since, each sending one
 * request after the 503; and a load of keep-alive clients that reconnect after each close.
 */
@Timeout(60)
class StopTriggerCloseIT {

    /** Idle keep-alive connections opened before the trigger. */
    private static final int IDLE = 16;
    private static final int CLIENTS = 8;
    /** Answers the load gets, in all, before the signal. */
    private static final int WARM = 200;
    private static final Duration BOUND = Duration.ofSeconds(20);

    /** One answer a load client read: when its request was sent, and whether it said Connection: close. */
    private record Answer(long sentAt, boolean close) {
    }

    /**
     * With a drain delay: the idle connections are all served, each with {@code Connection: close} and then closed;
     * every answer of the load to a request sent after the 503 says close too, and there are such answers.
     */
    @Test
    void everyAnswerClosesItsConnectionThroughTheDrainDelay() throws Exception {
        Result result = run("2s");
        assertEquals(IDLE, result.idleClosedAnswers, "every idle connection served during the drain delay");
        assertTrue(result.answersAfterVisible > 0, "the load got no answer during the drain delay");
    }

    /**
     * Without a drain delay the HTTP member stops at once: a request on an idle connection may also meet a clean
     * close (no byte of an answer) — what it may not get is an answer that keeps the connection.
     */
    @Test
    void everyAnswerClosesItsConnectionWithoutDrainDelay() throws Exception {
        Result result = run("0s");
        assertEquals(IDLE, result.idleClosedAnswers + result.idleCleanCloses, "idle connections: " + result);
    }

    /** What one run saw (the violations are asserted in {@link #run}). */
    private static final class Result {
        int idleClosedAnswers;
        int idleCleanCloses;
        long answers;
        long answersAfterVisible;
        long loadClosedWithoutAnswer;

        @Override
        public String toString() {
            return String.format("idle connections: %d answered with Connection: close, %d closed cleanly; load: %d"
                            + " answers, %d to requests sent after /readyz 503, %d closed"
                            + " without an answer", idleClosedAnswers, idleCleanCloses, answers, answersAfterVisible,
                    loadClosedWithoutAnswer);
        }
    }

    private Result run(String drain) throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start("--addr", "127.0.0.1:0", "--shutdown-timeout", "5s",
                "--drain-delay", drain)) {
            int port = launcher.awaitPort();
            launcher.err.await("ready: all members started", LauncherProcess.START);
            List<RawHttp> idle = new ArrayList<>();
            RawHttp prober = new RawHttp(port);
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            List<List<Answer>> answers = new ArrayList<>();
            List<Thread> clients = new ArrayList<>();
            long[] closedWithoutAnswer = new long[CLIENTS];
            CountDownLatch warm = new CountDownLatch(CLIENTS * WARM);
            long visibleAt;
            int exit;
            Result result = new Result();
            try {
                for (int i = 0; i < IDLE; i++) {
                    RawHttp http = new RawHttp(port);
                    RawHttp.Response response = http.request("GET", "/", "");
                    assertEquals(200, response.status);
                    assertNull(response.header("Connection"), "kept alive before the trigger: " + response);
                    idle.add(http);
                }
                assertEquals(200, prober.request("GET", "/readyz", "").status);
                for (int i = 0; i < CLIENTS; i++) {
                    List<Answer> mine = new ArrayList<>();
                    answers.add(mine);
                    int client = i;
                    Thread thread = new Thread(
                            () -> closedWithoutAnswer[client] = load(port, mine, stop, warm, violations), "load-" + i);
                    thread.setDaemon(true);
                    clients.add(thread);
                }
                clients.forEach(Thread::start);
                assertTrue(warm.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "the load did not start");
                launcher.signal("TERM");
                visibleAt = awaitStopVisible(prober);

                // one request on each idle connection, all sent before any answer is read
                for (RawHttp http : idle) {
                    http.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                }
                for (RawHttp http : idle) {
                    RawHttp.Response response;
                    try {
                        response = http.read(false);
                    } catch (IOException e) {
                        if ("connection closed before a response".equals(e.getMessage())) {
                            result.idleCleanCloses++;
                        } else {
                            violations.add("idle connection: " + e);
                        }
                        continue;
                    }
                    if (response.status == 200 && isClose(response)) {
                        result.idleClosedAnswers++;
                        if (!http.isClosedByServer()) {
                            violations.add("idle connection still open after its Connection: close answer");
                        }
                    } else {
                        violations.add("idle connection answered after /readyz 503: " + response);
                    }
                }
                // the load goes on until the server stops accepting
                exit = launcher.awaitExit(Duration.ofSeconds(15));
            } finally {
                stop.set(true);
                for (Thread client : clients) {
                    client.join(TimeUnit.SECONDS.toMillis(15));
                }
                for (RawHttp http : idle) {
                    http.close();
                }
                prober.close();
            }
            assertEquals(0, exit, launcher.err.text());
            assertTrue(launcher.err.last().contains("exit=0 cause=SIGTERM"), launcher.err.last());
            for (int i = 0; i < CLIENTS; i++) {
                result.loadClosedWithoutAnswer += closedWithoutAnswer[i];
                for (Answer answer : answers.get(i)) {
                    result.answers++;
                    if (answer.sentAt - visibleAt > 0) {
                        result.answersAfterVisible++;
                        if (!answer.close) {
                            violations.add("load: an answer to a request sent "
                                    + (answer.sentAt - visibleAt) / 1000 + " us after /readyz 503 kept its connection");
                        }
                    }
                }
            }
            System.out.printf("Connection: close from the trigger, drain %s: %s%n", drain, result);
            assertTrue(violations.isEmpty(), violations.size() + " violations, e.g. "
                    + new ArrayList<>(violations).subList(0, Math.min(10, violations.size())) + "; " + result);
            return result;
        }
    }

    /**
     * Polls {@code /readyz} on the prober's keep-alive connection until its answer shows the stop — a 503, or a 200
     * that closes the connection (its handler ran before the trigger, its response was sent after: only the trigger
     * closes a connection here) — and returns when that answer was read. Either comes after the trigger, so every
     * request sent later must be answered with {@code Connection: close}.
     */
    private static long awaitStopVisible(RawHttp prober) throws IOException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() - deadline < 0) {
            RawHttp.Response response = prober.request("GET", "/readyz", "");
            if (response.status == 503 || isClose(response)) {
                return System.nanoTime();
            }
            assertEquals(200, response.status, response.toString());
        }
        throw new AssertionError("/readyz still 200 after " + BOUND);
    }

    /**
     * Sends {@code GET /} on keep-alive connections, a new one after each close, until stopped or refused; records
     * each answer. Returns how many connections were closed without an answer (the server's careful close of idle
     * connections, met at the moment a request was on its way).
     */
    private static long load(int port, List<Answer> answers, AtomicBoolean stop, CountDownLatch warm,
                             ConcurrentLinkedQueue<String> violations) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        long closedWithoutAnswer = 0;
        while (!stop.get() && System.nanoTime() - deadline < 0) {
            RawHttp http;
            try {
                http = new RawHttp(port);
            } catch (IOException refused) {
                return closedWithoutAnswer;   // the server stopped accepting
            }
            try (http) {
                while (!stop.get() && System.nanoTime() - deadline < 0) {
                    long sentAt = System.nanoTime();
                    http.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    RawHttp.Response response = http.read(false);
                    if (response.status != 200) {
                        violations.add("load: " + response);
                    }
                    answers.add(new Answer(sentAt, isClose(response)));
                    warm.countDown();
                    if (isClose(response)) {
                        break;
                    }
                }
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("body cut")) {
                    violations.add("load: " + e.getMessage());
                }
                closedWithoutAnswer++;
            }
        }
        return closedWithoutAnswer;
    }

    private static boolean isClose(RawHttp.Response response) {
        String connection = response.header("Connection");
        return connection != null && connection.toLowerCase(Locale.ROOT).equals("close");
    }
}
