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
     * An elastic pool of platform threads named {@code http-N}, up to {@link #MAX_PLATFORM_THREADS} (past that a new
     * connection is closed at once); or, with {@code -Dlauncher.http.threads=virtual} on JDK 21+, a virtual thread per
     * exchange.
     *
     * <p>Platform threads are the default on every JDK because of the exit: once a virtual thread has blocked on a
     * socket, the JDK's I/O poller threads sit in native code, and the JVM's exit then waits about 300 ms for them
     * (measured on JDK 25: SIGTERM to exit 330 ms with virtual threads after a slow client, 30 ms with platform
     * threads).
     */
    static ExecutorService create() {
        ExecutorService virtual = virtualThreadsIfAvailable();
        return virtual != null ? virtual : platformPool();
    }

    /** The system property that chooses the handler threads: {@code virtual} or {@code platform}. */
    static final String THREADS_PROPERTY = "launcher.http.threads";

    /** True if {@link #create()} uses virtual threads: asked for, and the runtime has them. */
    static boolean virtualThreadsAvailable() {
        String choice = System.getProperty(THREADS_PROPERTY, "platform");
        return Runtime.version().feature() >= 21 && "virtual".equals(choice);
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
