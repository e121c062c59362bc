package dev.launcher.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JDK HTTP server's limits, chosen deliberately. They are system properties read once per JVM, when the first
 * server is created; a property the user set on the command line ({@code -Dsun.net.httpserver...}) is kept.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>property</th><th>ours</th><th>JDK's</th><th>why</th></tr>
 *   <tr><td>sun.net.httpserver.maxReqHeaderSize</td><td>65536 bytes</td><td>380 KiB</td>
 *       <td>a request head over 64 KiB closes its connection</td></tr>
 *   <tr><td>sun.net.httpserver.maxReqHeaders</td><td>200</td><td>200</td><td>same, stated</td></tr>
 *   <tr><td>sun.net.httpserver.maxReqTime</td><td>20 s</td><td>forever</td>
 *       <td>a client that takes longer to send its request (slowloris) is cut off and frees its thread</td></tr>
 *   <tr><td>sun.net.httpserver.idleInterval</td><td>30 s</td><td>30 s</td><td>idle keep-alive connections close</td></tr>
 *   <tr><td>sun.net.httpserver.maxIdleConnections</td><td>4096</td><td>200</td>
 *       <td>a keep-alive connection is "idle" between two requests: past the limit the JDK closes it after each
 *       response, so 1000 busy keep-alive clients got thousands of connection errors per second at 200</td></tr>
 *   <tr><td>sun.net.httpserver.nodelay</td><td>true</td><td>false</td>
 *       <td>without it every keep-alive response waits ~40 ms (Nagle + delayed ACK)</td></tr>
 * </table>
 */
final class ServerLimits {

    /** The request head limit, in bytes. */
    static final int MAX_REQUEST_HEAD_BYTES = 64 * 1024;

    private static final Map<String, String> DEFAULTS = defaults();

    private ServerLimits() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("sun.net.httpserver.maxReqHeaderSize", Integer.toString(MAX_REQUEST_HEAD_BYTES));
        map.put("sun.net.httpserver.maxReqHeaders", "200");
        map.put("sun.net.httpserver.maxReqTime", "20");
        map.put("sun.net.httpserver.idleInterval", "30");
        map.put("sun.net.httpserver.maxIdleConnections", "4096");
        map.put("sun.net.httpserver.nodelay", "true");
        return Map.copyOf(map);
    }

    /**
     * Sets every limit the user has not set. Call before the JDK server's classes are first loaded (the first
     * server created, or {@link HttpService#prepare()}): they read the properties once, at class initialization.
     */
    static void apply() {
        DEFAULTS.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
