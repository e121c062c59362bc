package dev.launcher.http.server;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that serve connections. By default a few {@link EventLoop}s (one per CPU but one, at least one;
 * {@code -Dlauncher.http.loops=N} sets how many) serve every connection; {@code -Dlauncher.http.threads=platform} gives
 * each connection a platform thread of its own instead, {@code virtual} a virtual thread (JDK 21+; on older
 * runtimes: platform).
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
     * <p>The pool itself is unbounded: the server's connection limit bounds it (a bounded pool would reject a new
     * connection while the thread of one just closed is still on its way back to the pool).
     */
    static ExecutorService create(ThreadFactory factory) {
        if (factory != null) {
            return elasticPool("http-", STACK_BYTES, factory);
        }
        if (virtualRequested()) {
            ExecutorService virtual = virtualThreads();
            if (virtual != null) {
                return virtual;
            }
        }
        return platformPool();
    }

    /** {@return true unless a thread per connection was asked for} */
    static boolean eventLoops() {
        String mode = System.getProperty(PROPERTY, "loop");
        return !mode.equals("platform") && !mode.equals("virtual");
    }

    /**
     * {@return how many event loops serve connections: {@code launcher.http.loops}, else one per CPU but one (at
     * least one)} The CPU left over runs what the loops hand work to and what shares the machine with them: the
     * kernel's network processing, handlers moved off a loop by the watchdog, the group's other members, the
     * garbage collector, a sidecar or a load generator. A loop that has to share its CPU sleeps and wakes for every
     * few requests; measured on 2 CPUs with the load generator on the machine, two loops served 0.65x what one did
     * (docs/PERFORMANCE.md).
     */
    static int loopCount() {
        String value = System.getProperty("launcher.http.loops");
        if (value != null) {
            try {
                int loops = Integer.parseInt(value.trim());
                if (loops > 0) {
                    return loops;
                }
            } catch (NumberFormatException ignored) {
                // the default
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * {@return the threads the event loops run on} Unbounded, as each loop's owner may leave it in a blocking
     * handler; an idle thread is kept 30 s.
     */
    static ExecutorService loopThreads(int port, ThreadFactory factory) {
        // handlers run on these: the JVM's default stack size
        return elasticPool("http-loop-" + port + "-", 0, factory);
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

    private static ExecutorService platformPool() {
        return elasticPool("http-", STACK_BYTES, null);
    }

    /**
     * {@return daemon threads named {@code prefix} + a count, made as needed (by {@code factory} if not null),
     * each kept 30 s when idle}
     */
    private static ExecutorService elasticPool(String prefix, long stackBytes, ThreadFactory factory) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            String name = prefix + count.incrementAndGet();
            Thread thread = factory != null ? factory.newThread(task) : new Thread(null, task, name, stackBytes);
            if (thread != null) {
                thread.setName(name);
                thread.setDaemon(true);
            }
            return thread;
        });
    }
}
