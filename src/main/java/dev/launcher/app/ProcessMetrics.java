package dev.launcher.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The {@code process_*} metrics every Prometheus client library exports, with client_java's names, types and HELP
 * texts: CPU time and start time from the JDK's management beans, file descriptors where the JVM is on Unix
 * ({@code com.sun.management.UnixOperatingSystemMXBean}), and resident and virtual memory from
 * {@code /proc/self/status} where it can be read (Linux). A family whose source this JVM or OS lacks is left out,
 * as client_java leaves it out. The management beans are looked up on the first {@link #writeTo}, not before: they
 * cost tens of milliseconds of class loading that start-up does not pay.
 */
final class ProcessMetrics {

    private static final double KIB = 1024;

    private final Path status;

    /** The metrics of this process, memory from {@code /proc/self/status}. */
    ProcessMetrics() {
        this(Paths.get("/proc/self/status"));
    }

    /** The metrics of this process, memory from {@code status} (a file in the format of /proc/PID/status). */
    ProcessMetrics(Path status) {
        this.status = status;
    }

    /** Appends the families this JVM and OS can give, read now. */
    void writeTo(Exposition out) {
        OperatingSystemMXBean os = Beans.OS;
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            long cpuNanos = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
            if (cpuNanos >= 0) {
                out.single("process_cpu_seconds_total", "counter", cpuNanos / 1e9);
            }
        }
        out.single("process_start_time_seconds", "gauge", Beans.RUNTIME.getStartTime() / 1e3);
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
            out.single("process_open_fds", "gauge", unix.getOpenFileDescriptorCount());
            out.single("process_max_fds", "gauge", unix.getMaxFileDescriptorCount());
        }
        String text = read(status);
        long virtualKib = kibibytes(text, "VmSize:");
        if (virtualKib >= 0) {
            out.single("process_virtual_memory_bytes", "gauge", virtualKib * KIB);
        }
        long residentKib = kibibytes(text, "VmRSS:");
        if (residentKib >= 0) {
            out.single("process_resident_memory_bytes", "gauge", residentKib * KIB);
        }
    }

    /**
     * The value of the {@code field} line (e.g. {@code VmRSS:}) of a /proc/PID/status text, in KiB (the unit
     * the kernel writes as {@code kB}); -1 if the text has no such line or its value is not a number of kB.
     */
    static long kibibytes(String status, String field) {
        int at = status.startsWith(field) ? 0 : status.indexOf("\n" + field);
        if (at < 0) {
            return -1;
        }
        int i = at == 0 ? field.length() : at + 1 + field.length();
        while (i < status.length() && (status.charAt(i) == ' ' || status.charAt(i) == '\t')) {
            i++;
        }
        int digits = i;
        long value = 0;
        while (i < status.length() && status.charAt(i) >= '0' && status.charAt(i) <= '9' && i - digits < 18) {
            value = value * 10 + (status.charAt(i) - '0');
            i++;
        }
        return i > digits && status.startsWith(" kB", i) ? value : -1;
    }

    /** The file's text, or "" if it cannot be read (no /proc: not Linux, or hidden from this process). */
    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException e) {
            return "";
        }
    }

    /** The platform beans, looked up when first used. */
    private static final class Beans {
        static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();
        static final RuntimeMXBean RUNTIME = ManagementFactory.getRuntimeMXBean();
    }
}
