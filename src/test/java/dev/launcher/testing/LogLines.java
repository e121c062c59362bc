package dev.launcher.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Collects output lines (from a process or an in-process PrintStream) and lets tests wait for one. */
public final class LogLines {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private boolean closed;

    /** Reads {@code in} line by line on a daemon thread until it ends. */
    public static LogLines reading(InputStream in, String name) {
        LogLines log = new LogLines();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    log.add(line);
                }
            } catch (IOException ignored) {
                // stream closed
            } finally {
                log.close();
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
        return log;
    }

    /** A PrintStream whose lines land here. */
    public PrintStream printStream() {
        return new PrintStream(new OutputStream() {
            private final StringBuilder current = new StringBuilder();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    add(current.toString());
                    current.setLength(0);
                } else {
                    current.append((char) b);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    public void add(String line) {
        lock.lock();
        try {
            lines.add(line);
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a line matching {@code regex} (find semantics) and returns its matcher.
     *
     * @throws AssertionError naming the regex and the lines seen, if none matches within the timeout
     */
    public Matcher await(String regex, Duration timeout) throws InterruptedException {
        Optional<Matcher> found = tryAwait(regex, timeout);
        if (found.isEmpty()) {
            throw new AssertionError("no line matching /" + regex + "/ within " + timeout + "; lines:\n" + text());
        }
        return found.get();
    }

    /** Waits for a line matching {@code regex}; empty if none within the timeout or the stream ended. */
    public Optional<Matcher> tryAwait(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    Matcher matcher = pattern.matcher(lines.get(checked));
                    if (matcher.find()) {
                        return Optional.of(matcher);
                    }
                }
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) {
                    return Optional.empty();
                }
                added.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the stream has ended (the process closed it); true if it did within the timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                added.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Every line so far. */
    public List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /** The last line so far, or empty. */
    public String last() {
        List<String> all = lines();
        return all.isEmpty() ? "" : all.get(all.size() - 1);
    }

    /** Every line, joined. */
    public String text() {
        return String.join("\n", lines());
    }
}
