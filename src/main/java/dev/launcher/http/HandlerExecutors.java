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
public final class HandlerExecutors {

    /** Most platform threads the pool starts (JDK 17 - 20). */
    public static final int MAX_PLATFORM_THREADS = 512;
    private static final long STACK_BYTES = 256 * 1024;

    private HandlerExecutors() {
    }

    /**
     * Virtual threads where the runtime has them (JDK 21+), otherwise an elastic pool of platform threads named
     * {@code http-N}, up to {@link #MAX_PLATFORM_THREADS}; past that a new connection is closed at once.
     */
    public static ExecutorService create() {
        ExecutorService virtual = virtualThreadsIfAvailable();
        return virtual != null ? virtual : platformPool();
    }

    /** True if {@link #create()} uses virtual threads on this runtime. */
    public static boolean virtualThreadsAvailable() {
        return Runtime.version().feature() >= 21;
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
