package dev.launcher.http;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executors that run request handlers. The JDK server reads each request head on the handler thread, so a
 * slow client holds a thread: the executor must have far more threads than cores.
 */
final class HandlerExecutors {

    /** Most platform threads the pool starts (JDK 17 - 20). */
    static final int MAX_PLATFORM_THREADS = 512;
    private static final long STACK_BYTES = 256 * 1024;

    private HandlerExecutors() {
    }

    /**
     * A virtual thread per exchange on JDK 21+; on older runtimes (or with {@code -Dlauncher.http.threads=platform})
     * an elastic pool of platform threads named {@code http-N}, up to {@link #MAX_PLATFORM_THREADS} (past that a
     * new connection is closed at once).
     *
     * <p>Why virtual threads where there are some (bench/, docs/PERFORMANCE.md): on 2 cores they serve ~1.7x the
     * requests of the elastic platform pool (keep-alive GET at 50 connections: 73k vs 44k req/s on JDK 25, Go 79k),
     * and a slow client holds no platform thread. The price: once a virtual thread has waited on a socket, the
     * JDK's I/O poller threads sit in native code, and the JVM's exit waits about 300 ms for them — so a stop after
     * traffic takes ~0.3 s longer. {@code -Dlauncher.http.threads=platform} trades the throughput back for that.
     */
    static ExecutorService create() {
        ExecutorService virtual = virtualThreadsIfAvailable();
        return virtual != null ? virtual : platformPool();
    }

    /** The system property that chooses the handler threads: {@code virtual} or {@code platform}. */
    static final String THREADS_PROPERTY = "launcher.http.threads";

    /** True if {@link #create()} uses virtual threads: the runtime has them, and platform threads were not asked for. */
    static boolean virtualThreadsAvailable() {
        String choice = System.getProperty(THREADS_PROPERTY, "virtual");
        return Runtime.version().feature() >= 21 && !"platform".equals(choice);
    }

    private static ExecutorService virtualThreadsIfAvailable() {
        if (!virtualThreadsAvailable()) {
            return null;
        }
        try {
            Method factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The platform-thread pool: idle threads end after 30 s. */
    static ExecutorService platformPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_PLATFORM_THREADS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(null, task, "http-" + count.incrementAndGet(), STACK_BYTES);
                    thread.setDaemon(true);
                    return thread;
                });
        return pool;
    }
}
