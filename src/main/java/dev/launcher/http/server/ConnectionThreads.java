package dev.launcher.http.server;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that serve connections, one per open connection (a slow client holds only its own).
 * {@code -Dlauncher.http.threads=virtual} or {@code platform} chooses; see {@link #create(int)} for the default.
 */
final class ConnectionThreads {

    /** The system property that chooses the threads: {@code virtual} or {@code platform}. */
    static final String PROPERTY = "launcher.http.threads";
    private static final long STACK_BYTES = 256 * 1024;

    private ConnectionThreads() {
    }

    /**
     * Platform threads by default, from a pool that keeps a finished connection's thread 30 s for the next one;
     * virtual threads when asked for and the runtime (21+) has them.
     *
     * @param maxConnections the most threads the platform pool starts
     */
    static ExecutorService create(int maxConnections) {
        if (virtualRequested()) {
            ExecutorService virtual = virtualThreads();
            if (virtual != null) {
                return virtual;
            }
        }
        return platformPool(maxConnections);
    }

    /** True if {@link #create} makes virtual threads. */
    static boolean virtualRequested() {
        return "virtual".equals(System.getProperty(PROPERTY)) && Runtime.version().feature() >= 21;
    }

    private static ExecutorService virtualThreads() {
        try {
            Method factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static ExecutorService platformPool(int maxThreads) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(null, task, "http-" + count.incrementAndGet(), STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        });
    }
}
