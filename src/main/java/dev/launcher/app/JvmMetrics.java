package dev.launcher.app;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The {@code jvm_*} metrics of client_java's JVM collectors, with their names, types and HELP texts: memory by area
 * ({@code heap}, {@code nonheap}; max is -1 where the JVM defines none), thread counts, time and count per garbage
 * collector (a summary without quantiles), loaded classes, and {@code jvm_info}. All from
 * {@code java.lang.management}; the beans are looked up on the first {@link #writeTo}, not at start-up.
 */
final class JvmMetrics {

    private static final String INFO = "jvm_info{version=\""
            + Exposition.escape(System.getProperty("java.runtime.version", "unknown")) + "\",vendor=\""
            + Exposition.escape(System.getProperty("java.vm.vendor", "unknown")) + "\",runtime=\""
            + Exposition.escape(System.getProperty("java.runtime.name", "unknown")) + "\"}";

    /** Appends every family, read now. */
    void writeTo(Exposition out) {
        MemoryUsage heap = Beans.MEMORY.getHeapMemoryUsage();
        MemoryUsage nonHeap = Beans.MEMORY.getNonHeapMemoryUsage();
        out.family("jvm_memory_used_bytes", "gauge");
        out.sample("jvm_memory_used_bytes", "area", "heap", heap.getUsed());
        out.sample("jvm_memory_used_bytes", "area", "nonheap", nonHeap.getUsed());
        out.family("jvm_memory_committed_bytes", "gauge");
        out.sample("jvm_memory_committed_bytes", "area", "heap", heap.getCommitted());
        out.sample("jvm_memory_committed_bytes", "area", "nonheap", nonHeap.getCommitted());
        out.family("jvm_memory_max_bytes", "gauge");
        out.sample("jvm_memory_max_bytes", "area", "heap", heap.getMax());
        out.sample("jvm_memory_max_bytes", "area", "nonheap", nonHeap.getMax());

        ThreadMXBean threads = Beans.THREADS;
        out.single("jvm_threads_current", "gauge", threads.getThreadCount());
        out.single("jvm_threads_daemon", "gauge", threads.getDaemonThreadCount());
        out.single("jvm_threads_peak", "gauge", threads.getPeakThreadCount());

        out.family("jvm_gc_collection_seconds", "summary");
        for (GarbageCollectorMXBean gc : Beans.COLLECTORS) {
            out.sample("jvm_gc_collection_seconds_count", "gc", gc.getName(), gc.getCollectionCount());
            out.sample("jvm_gc_collection_seconds_sum", "gc", gc.getName(), gc.getCollectionTime() / 1e3);
        }

        out.single("jvm_classes_currently_loaded", "gauge", Beans.CLASSES.getLoadedClassCount());

        out.family("jvm_info", "gauge");
        out.sample(INFO, 1);
    }

    /** The platform beans, looked up when first used. */
    private static final class Beans {
        static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();
        static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    }
}
